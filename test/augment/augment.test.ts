import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  allRotations, applyMask, blurWithSigmas, centerMask, colorJitter, compose, gaussianBlur, gaussianNoise, grayscale, patchMask,
  randomErasing, randomFlip, randomGrayscale, randomResizedCrop, randomRotations, randomRotate90, rot90, rotateBy, rotateHue, sobel,
  simclrAugment, type Transform,
} from '../../lib/augment/index.js';
import { Rng } from '../../lib/util/rng.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

/** A seeded batch of random images in [0, 1]. */
function images(n = 4, h = 8, w = 8, c = 3, seed = 1): tf.Tensor4D {
  const r = new Rng(seed);
  return tf.tensor4d(Float32Array.from({ length: n * h * w * c }, () => r.uniform()), [n, h, w, c]);
}
const read = async (t: tf.Tensor) => Array.from(await t.data());

/** Shape, [0,1] range, same seed → same output, other seed → other output, and no tensor left behind. */
async function basicChecks(t: Transform, x: tf.Tensor4D, { random = true, shape = x.shape } = {}) {
  await expectNoLeak(async () => {
    const a = t(x, 3), b = t(x, 3), c = t(x, 4);
    expect(a.shape).toEqual(shape);
    const va = await read(a);
    expect(Math.min(...va)).toBeGreaterThanOrEqual(-1e-6);
    expect(Math.max(...va)).toBeLessThanOrEqual(1 + 1e-6);
    expect(await read(b)).toEqual(va);
    if (random) expect(await read(c)).not.toEqual(va);
    tf.dispose([a, b, c]);
  });
}

describe('crop and flip', () => {
  it('randomResizedCrop: shapes, range, determinism, size option, identity crop', async () => {
    const x = images();
    await basicChecks(randomResizedCrop({ scale: [0.2, 1] }), x);
    await basicChecks(randomResizedCrop({ size: [5, 6] }), x, { shape: [4, 5, 6, 3] });
    const id = randomResizedCrop({ scale: [1, 1], ratio: [1, 1] })(x, 0);
    expectClose(await read(id), await read(x), 1e-5);
    tf.dispose([x, id]);
  });

  it('randomFlip: p = 1 mirrors, p = 0 is the identity', async () => {
    const x = images(2, 3, 4, 1);
    const f = randomFlip({ p: 1 })(x, 0), g = randomFlip({ p: 0 })(x, 0);
    const xs = (await x.array()) as number[][][][];
    const fs = (await f.array()) as number[][][][];
    expect(fs[1]![2]![0]![0]).toBeCloseTo(xs[1]![2]![3]![0]!, 6);
    expectClose(await read(g), await read(x), 0);
    await basicChecks(randomFlip(), images(16));
    tf.dispose([x, f, g]);
  });
});

describe('colour', () => {
  it('colorJitter: range, determinism, zero strength is the identity, grey input keeps one channel', async () => {
    const x = images();
    await basicChecks(colorJitter(), x);
    const id = colorJitter({ brightness: 0, contrast: 0, saturation: 0, hue: 0 })(x, 1);
    expectClose(await read(id), await read(x), 1e-6);
    const grey = images(4, 8, 8, 1);
    await basicChecks(colorJitter(), grey);
    tf.dispose([x, id, grey]);
  });

  it('brightness alone scales each image by one factor (checked in JS)', async () => {
    const x = tf.mul(images(3, 4, 4, 1), 0.4) as tf.Tensor4D; // values <= 0.4 so factors <= 1.4 never clip
    const y = colorJitter({ brightness: 0.4, contrast: 0, saturation: 0, hue: 0 })(x, 2);
    const xv = await read(x), yv = await read(y);
    for (let n = 0; n < 3; n++) {
      const ratios = xv.slice(n * 16, n * 16 + 16).map((v, i) => yv[n * 16 + i]! / v);
      for (const r of ratios) expect(r).toBeCloseTo(ratios[0]!, 4);
      expect(ratios[0]).toBeGreaterThanOrEqual(0.6 - 1e-6);
      expect(ratios[0]).toBeLessThanOrEqual(1.4 + 1e-6);
    }
    tf.dispose([x, y]);
  });

  it('rotateHue: a full turn is the identity, grey pixels stay grey', async () => {
    const x = images(2, 3, 3, 3);
    const full = rotateHue(x, new Float32Array([1, 0]));
    expectClose(await read(full), await read(x), 1e-4);
    const g = tf.fill([1, 2, 2, 3], 0.5) as tf.Tensor4D;
    const gh = rotateHue(g, new Float32Array([0.3]));
    expectClose(await read(gh), await read(g), 1e-4);
    tf.dispose([x, full, g, gh]);
  });

  it('grayscale: equal channels holding the luma; randomGrayscale p=0 is the identity', async () => {
    const x = images(2, 2, 2, 3);
    const g = grayscale()(x);
    const xv = await read(x), gv = await read(g);
    for (let p = 0; p < 8; p++) {
      const l = 0.299 * xv[3 * p]! + 0.587 * xv[3 * p + 1]! + 0.114 * xv[3 * p + 2]!;
      for (let c = 0; c < 3; c++) expect(gv[3 * p + c]).toBeCloseTo(l, 5);
    }
    const same = randomGrayscale({ p: 0 })(x, 0);
    expectClose(await read(same), xv, 0);
    tf.dispose([x, g, same]);
  });
});

describe('blur, noise, sobel', () => {
  it('gaussianBlur matches a direct separable convolution with reflect padding', async () => {
    const x = images(2, 6, 5, 1, 3);
    const sig = [0.7, 1.5];
    const y = blurWithSigmas(x, sig, 3);
    const xv = await read(x), yv = await read(y);
    const refl = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);
    for (let n = 0; n < 2; n++) {
      const k = [-1, 0, 1].map((i) => Math.exp((-i * i) / (2 * sig[n]! ** 2)));
      const s = k.reduce((a, b) => a + b);
      const g = k.map((v) => v / s);
      for (let r = 0; r < 6; r++)
        for (let c = 0; c < 5; c++) {
          let want = 0;
          for (let i = -1; i <= 1; i++) for (let j = -1; j <= 1; j++) want += g[i + 1]! * g[j + 1]! * xv[n * 30 + refl(r + i, 6) * 5 + refl(c + j, 5)]!;
          expect(yv[n * 30 + r * 5 + c]).toBeCloseTo(want, 5);
        }
    }
    await basicChecks(gaussianBlur(), images(4, 8, 8, 3));
    const tiny = gaussianBlur({ sigma: [1e-3, 1e-3] })(x, 0);
    expectClose(await read(tiny), xv, 1e-6);
    tf.dispose([x, y, tiny]);
  });

  it('gaussianNoise: std 0 is the identity; otherwise seeded noise of about that size', async () => {
    const x = tf.fill([2, 16, 16, 1], 0.5) as tf.Tensor4D;
    const same = gaussianNoise({ std: 0 })(x, 1);
    expectClose(await read(same), await read(x), 0);
    const y = gaussianNoise({ std: 0.1 })(x, 1);
    const d = (await read(y)).map((v) => v - 0.5);
    const sd = Math.sqrt(d.reduce((a, b) => a + b * b, 0) / d.length);
    expect(sd).toBeGreaterThan(0.08);
    expect(sd).toBeLessThan(0.12);
    await basicChecks(gaussianNoise(), images());
    tf.dispose([x, same, y]);
  });

  it('sobel: zero on flat images, largest on an edge, in [0, 1]', async () => {
    const flat = tf.fill([1, 5, 5, 3], 0.7) as tf.Tensor4D;
    const e0 = sobel()(flat);
    expect(Math.max(...(await read(e0)))).toBeLessThan(1e-6);
    // a vertical step edge between columns 1 and 2
    const step = tf.tensor4d(Array.from({ length: 25 }, (_, i) => (i % 5 >= 2 ? 1 : 0)), [1, 5, 5, 1]);
    const e = (await sobel()(step).array()) as number[][][][];
    expect(e[0]![2]![1]![0]).toBeCloseTo(4 / (4 * Math.SQRT2), 5);
    expect(e[0]![2]![4]![0]).toBeCloseTo(0, 6);
    await basicChecks(sobel(), images(), { random: false });
    tf.dispose([flat, e0, step]);
  });
});

describe('rotations', () => {
  it('rot90 follows numpy (counter-clockwise); four quarter turns are the identity', async () => {
    const x = tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]);
    expect(await read(rot90(x, 1))).toEqual([2, 4, 1, 3]);
    expect(await read(rot90(x, 2))).toEqual([4, 3, 2, 1]);
    expect(await read(rot90(x, 3))).toEqual([3, 1, 4, 2]);
    expect(await read(rot90(rot90(x, 1), 3))).toEqual([1, 2, 3, 4]);
    expect(() => rot90(images(1, 2, 3, 1), 1)).toThrow(/square/);
    tf.dispose(x);
  });

  it('allRotations gives 4N images with labels 0..3; rotateBy / randomRotations agree with rot90', async () => {
    const x = images(3, 4, 4, 1);
    await expectNoLeak(async () => {
      const { x: xs, y } = allRotations(x);
      expect(xs.shape).toEqual([12, 4, 4, 1]);
      expect(await read(y)).toEqual([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3]);
      const r = rotateBy(x, [0, 1, 3]);
      const want = tf.tidy(() => tf.concat([rot90(x.slice(0, 1), 0), rot90(x.slice(1, 1), 1), rot90(x.slice(2, 1), 3)]));
      expectClose(await read(r), await read(want), 1e-7);
      const rr = randomRotations(x, 5);
      const labels = await read(rr.y);
      const want2 = rotateBy(x, labels);
      expectClose(await read(rr.x), await read(want2), 1e-7);
      tf.dispose([xs, y, r, want, rr.x, rr.y, want2]);
    });
    await basicChecks(randomRotate90(), images(8, 4, 4, 3));
    x.dispose();
  });
});

describe('masking', () => {
  it('patchMask masks exactly round(ratio·P) patches; centerMask a centred square; applyMask fills', async () => {
    const m = patchMask(2, 8, 8, { patchSize: 2, ratio: 0.75, seed: 1 });
    const mv = await read(m);
    expect(mv.slice(0, 64).reduce((a, b) => a + b)).toBe(12 * 4);
    expect(mv.slice(64).reduce((a, b) => a + b)).toBe(12 * 4);
    const c = centerMask(1, 8, 8, 0.5);
    const cv = (await c.array()) as number[][][][];
    expect(cv[0]![2]![2]![0]).toBe(1);
    expect(cv[0]![1]![1]![0]).toBe(0);
    expect((await read(c)).reduce((a, b) => a + b)).toBe(16);
    const x = images(1, 8, 8, 3);
    const y = applyMask(x, c, 0.5);
    const yv = (await y.array()) as number[][][][];
    expect(yv[0]![3]![4]![1]).toBe(0.5);
    expect(() => patchMask(1, 8, 8, { patchSize: 3 })).toThrow(/patchSize/);
    tf.dispose([m, c, x, y]);
  });

  it('randomErasing: p = 0 identity, p = 1 erases a box in each image', async () => {
    const x = tf.fill([3, 8, 8, 3], 0.6) as tf.Tensor4D;
    expectClose(await read(randomErasing({ p: 0 })(x, 1)), await read(x), 0);
    const y = randomErasing({ p: 1, value: 0 })(x, 1);
    const yv = await read(y);
    for (let n = 0; n < 3; n++) expect(yv.slice(n * 192, (n + 1) * 192).some((v) => v === 0)).toBe(true);
    await basicChecks(randomErasing({ p: 1, value: 'random' }), images());
    tf.dispose([x, y]);
  });
});

describe('compose and simclrAugment', () => {
  it('compose: probability 0 skips a stage, stages run in order, deterministic per seed', async () => {
    const x = images();
    const none = compose([{ transform: grayscale(), p: 0 }])(x, 1);
    expectClose(await read(none), await read(x), 0);
    const all = compose([{ transform: grayscale(), p: 1 }])(x, 1);
    expectClose(await read(all), await read(grayscale()(x)), 1e-7);
    await basicChecks(compose([randomFlip(), { transform: colorJitter(), p: 0.5 }]), x);
    expect(() => compose([42 as unknown as Transform])).toThrow(/stages\[0\]/);
    tf.dispose([x, none, all]);
  });

  it('simclrAugment: shape, range, determinism, two seeds give two different views, grey input, size', async () => {
    await basicChecks(simclrAugment(), images(6, 8, 8, 3));
    await basicChecks(simclrAugment(), images(6, 8, 8, 1));
    await basicChecks(simclrAugment({ size: [6, 6] }), images(6, 8, 8, 3), { shape: [6, 6, 6, 3] });
    await basicChecks(simclrAugment({ crop: false, color: false, blur: false }), images(6, 8, 8, 3));
    // without a seed each call draws a fresh one from the factory's stream, reproducibly
    const x = images(2);
    const a1 = simclrAugment({ seed: 5 }), a2 = simclrAugment({ seed: 5 });
    const [p, q] = [a1(x), a1(x)];
    const [r] = [a2(x)];
    expect(await read(p)).not.toEqual(await read(q));
    expect(await read(r)).toEqual(await read(p));
    tf.dispose([x, p, q, r]);
  });

  it('errors name the argument and the fix', () => {
    const bad = tf.zeros([8, 8, 3]) as unknown as tf.Tensor4D;
    expect(() => simclrAugment()(bad, 0)).toThrow(/argument 'x' must be a rank-4 tensor.*Fix/);
    expect(() => randomResizedCrop({ scale: [0.5, 0.1] })).toThrow(/'scale'/);
    expect(() => colorJitter({ hue: 0.9 })).toThrow(/'hue'/);
    expect(() => gaussianBlur({ kernelSize: 4 })).toThrow(/kernelSize/);
    tf.dispose(bad as tf.Tensor);
  });
});

describe('resizeImages', () => {
  it('average-pools an even downsample, keeps labels, leaves nothing behind', async () => {
    const { resizeImages } = await import('../../lib/augment/resize.js');
    const set = { images: Float32Array.from({ length: 2 * 16 }, (_, i) => i), labels: Int32Array.from([3, 4]), n: 2, height: 4, width: 4, channels: 1, name: 't' };
    const small = await expectNoLeak(() => resizeImages(set, [2, 2]));
    expect(small.height).toBe(2);
    expect(Array.from(small.labels)).toEqual([3, 4]);
    expect(Array.from(small.images.slice(0, 4))).toEqual([2.5, 4.5, 10.5, 12.5]);
    const odd = await resizeImages(set, [3, 3]);
    expect(odd.images.length).toBe(18);
    await expect(resizeImages(set, [0, 2])).rejects.toThrow(/'size'/);
  });
});
