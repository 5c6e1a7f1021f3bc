import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { classCounts, SHAPE_NAMES, subset, syntheticSegmentation, syntheticShapes } from '../../lib/data/index.js';

const hash = (a: ArrayBufferView) => createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');

describe('syntheticShapes', () => {
  // (speed is not a test's business: the machine is shared; generation time shows in the notebooks' cell times)
  it('is deterministic per seed (a prefix for smaller n) and differs across seeds (n=10000 at 32x32)', () => {
    const a = syntheticShapes({ n: 10000, seed: 3 });
    const b = syntheticShapes({ n: 2000, seed: 3 }); // same seed: same images (a smaller n gives a prefix)
    expect(hash(b.images)).toBe(hash(a.images.subarray(0, 2000 * 3072)));
    expect(hash(b.labels)).toBe(hash(a.labels.subarray(0, 2000)));
    const c = syntheticShapes({ n: 100, seed: 4 });
    expect(hash(c.images)).not.toBe(hash(subset(a, [...Array(100).keys()]).images));
    expect([a.n, a.height, a.width, a.channels, a.numClasses]).toEqual([10000, 32, 32, 3, 4]);
    expect(a.classNames).toEqual([...SHAPE_NAMES]);
    const counts = classCounts(a);
    for (const k of counts) expect(k).toBeGreaterThan(2300);
    let lo = 1, hi = 0;
    for (const v of b.images) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThanOrEqual(1);
  });

  it('records the factors it drew, within their ranges, and the shape sits where the factors say', () => {
    const set = syntheticShapes({ n: 200, size: 32, seed: 1, scale: [0.4, 0.5], hue: [0.2, 0.3], background: 0 });
    const f = set.factors!;
    expect(Object.keys(f).sort()).toEqual(['hue', 'rotation', 'scale', 'shape', 'x', 'y']);
    for (let i = 0; i < set.n; i++) {
      expect(f.shape![i]).toBe(set.labels[i]);
      expect(f.scale![i]).toBeGreaterThanOrEqual(0.4);
      expect(f.scale![i]).toBeLessThanOrEqual(0.5);
      expect(f.hue![i]).toBeGreaterThanOrEqual(0.2);
      expect(f.hue![i]).toBeLessThan(0.3);
      // brightness-weighted centroid of the (black-background) image is near (x, y) * size
      let sx = 0, sy = 0, s = 0;
      for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) {
        const o = (i * 1024 + y * 32 + x) * 3;
        const v = set.images[o]! + set.images[o + 1]! + set.images[o + 2]!;
        sx += v * (x + 0.5);
        sy += v * (y + 0.5);
        s += v;
      }
      const tol = set.labels[i] === 2 ? 2.5 : 0.75; // a rotated triangle's centroid is its centre; edges alias a little
      expect(Math.abs(sx / s - f.x![i]! * 32)).toBeLessThan(tol);
      expect(Math.abs(sy / s - f.y![i]! * 32)).toBeLessThan(tol);
    }
  });

  it('shape areas are similar and ordered as designed; a subset of shapes relabels', () => {
    const set = syntheticShapes({ n: 400, size: 64, seed: 2, scale: [0.5, 0.5], background: 0 });
    const area = [0, 0, 0, 0], count = [0, 0, 0, 0];
    for (let i = 0; i < set.n; i++) {
      let a = 0;
      for (let p = 0; p < 64 * 64; p++) a += set.images[(i * 4096 + p) * 3]! + set.images[(i * 4096 + p) * 3 + 1]! + set.images[(i * 4096 + p) * 3 + 2]! > 0.5 ? 1 : 0;
      area[set.labels[i]!]! += a;
      count[set.labels[i]!]!++;
    }
    const r = 16; // circumradius in pixels
    const expected = [Math.PI * (0.8 * r) ** 2, 2 * r * r, ((3 * Math.sqrt(3)) / 4) * r * r, 8 * 0.92 * 0.3 * r * r - 4 * (0.3 * r) ** 2];
    for (let k = 0; k < 4; k++) expect(area[k]! / count[k]!).toBeGreaterThan(expected[k]! * 0.85);
    for (let k = 0; k < 4; k++) expect(area[k]! / count[k]!).toBeLessThan(expected[k]! * 1.15);
    const two = syntheticShapes({ n: 50, shapes: ['triangle', 'circle'] });
    expect(two.classNames).toEqual(['triangle', 'circle']);
    expect(Math.max(...two.labels)).toBe(1);
  });

  it('rejects bad options naming the argument', () => {
    expect(() => syntheticShapes({ n: 0 })).toThrow("syntheticShapes: argument 'n' must be a positive integer (got 0)");
    expect(() => syntheticShapes({ n: 5, shapes: ['heptagon' as 'circle'] })).toThrow("argument 'shapes'");
    expect(() => syntheticShapes({ n: 5, scale: [0.5, 0.2] })).toThrow("argument 'scale' must be a range");
    expect(() => syntheticShapes({ n: 5, size: 4 })).toThrow("argument 'size'");
  });
});

describe('syntheticSegmentation', () => {
  it('is deterministic and its masks agree with labels and pixels', () => {
    const a = syntheticSegmentation({ n: 300, size: 32, seed: 5, background: 0 });
    const b = syntheticSegmentation({ n: 300, size: 32, seed: 5, background: 0 });
    expect(hash(a.images)).toBe(hash(b.images));
    expect(hash(a.masks)).toBe(hash(b.masks));
    expect(a.masks.length).toBe(300 * 32 * 32);
    expect(a.maskClassNames).toEqual(['background', ...SHAPE_NAMES]);
    expect(a.numClasses).toBe(4);
    let dim = 0;
    for (let i = 0; i < a.n; i++) {
      const hist = new Array(5).fill(0);
      for (let p = 0; p < 1024; p++) {
        const m = a.masks[i * 1024 + p]!;
        hist[m]++;
        const o = (i * 1024 + p) * 3;
        const v = Math.max(a.images[o]!, a.images[o + 1]!, a.images[o + 2]!);
        if (m > 0 && v <= 0.45) dim++; // foreground: mostly shape colour (value 1)
      }
      expect(hist.slice(1).reduce((s, x) => s + x, 0)).toBeGreaterThan(0);
      expect(hist[a.labels[i]! + 1]).toBe(Math.max(...hist.slice(1))); // label = class with most pixels
      expect(a.factors!.count![i]).toBeGreaterThanOrEqual(1);
      expect(a.factors!.count![i]).toBeLessThanOrEqual(3);
    }
    expect(dim).toBe(0);
    const s = subset(a, [2, 0]);
    expect(s.masks).toEqual(Int32Array.from([...a.masks.slice(2048, 3072), ...a.masks.slice(0, 1024)]));
    expect(() => syntheticSegmentation({ n: 2, minObjects: 3, maxObjects: 2 })).toThrow("argument 'maxObjects'");
  });
});
