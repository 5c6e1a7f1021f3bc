import { describe, expect, it } from 'vitest';
import { makeImageSet, syntheticShapes, toGrayscale } from '../../lib/data/index.js';

describe('toGrayscale', () => {
  it('gives BT.601 luma of each RGB pixel, worked out by hand', () => {
    // 1 image, 2x2: red, green, blue, and (0.5, 0.25, 1)
    const rgb = makeImageSet({ images: Float32Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1, 0.5, 0.25, 1]), labels: Int32Array.from([2]), height: 2, width: 2, channels: 3, numClasses: 3 });
    const g = toGrayscale(rgb);
    expect([g.n, g.height, g.width, g.channels, g.numClasses]).toEqual([1, 2, 2, 1, 3]);
    const want = [0.299, 0.587, 0.114, 0.299 * 0.5 + 0.587 * 0.25 + 0.114 * 1]; // last: 0.14950 + 0.14675 + 0.114 = 0.41025
    expect(want[3]).toBeCloseTo(0.41025, 10);
    [...g.images].forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 6));
    expect([...g.labels]).toEqual([2]);
  });

  it('keeps labels and factors as independent copies, leaves a grey set unchanged and stays in [0, 1]', () => {
    const shapes = syntheticShapes({ n: 20, size: 8, seed: 1 });
    const g = toGrayscale(shapes);
    expect(g.images.length).toBe(20 * 8 * 8);
    expect([...g.labels]).toEqual([...shapes.labels]);
    expect(Object.keys(g.factors!)).toEqual(Object.keys(shapes.factors!));
    g.labels[0] = 99;
    g.factors!.hue![0] = -5;
    expect(shapes.labels[0]).not.toBe(99);
    expect(shapes.factors!.hue![0]).not.toBe(-5);
    for (const v of g.images) expect(v >= 0 && v <= 1).toBe(true);
    const again = toGrayscale(toGrayscale(shapes));
    expect([...again.images]).toEqual([...toGrayscale(shapes).images]);
  });

  it('names the argument and the fix for a set that is neither grey nor RGB', () => {
    const two = { ...makeImageSet({ images: new Float32Array(8), labels: Int32Array.from([0]), height: 2, width: 2, channels: 2 }) };
    expect(() => toGrayscale(two)).toThrow(/set\.channels.*1 or 3/);
  });
});
