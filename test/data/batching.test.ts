import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  batches, classBalancedBatches, classCounts, filterClasses, flattenImages, labelFraction, labelFractionIndices, makeImageSet,
  masksToTensor, subset, syntheticSegmentation, toTensor, trainTestSplit, type ImageSet,
} from '../../lib/data/index.js';
import { expectNoLeak, useBackend } from '../helpers.js';

/** n images of 2x3x1 whose pixels encode the index (pixel p of image i = i + p/10), labels i % k. */
function tiny(n: number, k = 3): ImageSet {
  const images = new Float32Array(n * 6);
  for (let i = 0; i < n; i++) for (let p = 0; p < 6; p++) images[i * 6 + p] = i + p / 10;
  const labels = Int32Array.from({ length: n }, (_, i) => i % k);
  return makeImageSet({ name: 'tiny', images, labels, height: 2, width: 3, channels: 1, numClasses: k, factors: { idx: Float32Array.from(labels.keys()) } });
}

/** n images with a skewed class distribution: class c has sizes[c] images. */
function skewed(sizes: number[]): ImageSet {
  const labels = Int32Array.from(sizes.flatMap((s, c) => Array(s).fill(c)));
  return makeImageSet({ images: Float32Array.from(labels.keys()), labels, height: 1, width: 1, channels: 1 });
}

beforeAll(() => useBackend('cpu'));

describe('toTensor', () => {
  it('makes x [k,H,W,C] float32 and y int32 from chosen indices, leaking nothing', async () => {
    const set = tiny(10);
    await expectNoLeak(async () => {
      const { x, y } = toTensor(set, [4, 1]);
      expect(x.shape).toEqual([2, 2, 3, 1]);
      expect(x.dtype).toBe('float32');
      expect(y.dtype).toBe('int32');
      expect(Array.from(await x.data())).toEqual(Array.from(set.images.subarray(24, 30)).concat(Array.from(set.images.subarray(6, 12))));
      expect(Array.from(await y.data())).toEqual([1, 1]);
      tf.dispose([x, y]);
      const all = toTensor(set);
      expect(all.x.shape).toEqual([10, 2, 3, 1]);
      set.images[0] = 99; // the tensor holds a copy
      expect((await all.x.data())[0]).toBe(0);
      tf.dispose([all.x, all.y]);
    });
  });

  it('masksToTensor gives int32 [k,H,W]', async () => {
    const seg = syntheticSegmentation({ n: 4, size: 16, seed: 1 });
    await expectNoLeak(async () => {
      const m = masksToTensor(seg, [3]);
      expect(m.shape).toEqual([1, 16, 16]);
      expect(m.dtype).toBe('int32');
      expect(Array.from(await m.data())).toEqual(Array.from(seg.masks.subarray(3 * 256)));
      m.dispose();
    });
  });

  it('rejects bad indices and inconsistent sets, naming the argument', () => {
    const set = tiny(5);
    expect(() => toTensor(set, [0, 5])).toThrow("toTensor: argument 'indices' must be integers in [0, 5) (the set has 5 images) (got \"5 at position 1\")");
    expect(() => toTensor(set, [1.5])).toThrow("argument 'indices'");
    expect(() => toTensor({ ...set, labels: new Int32Array(4) })).toThrow("toTensor: argument 'set.labels' must be of length n = 5 (one label per image) (got 4). Fix: images and labels disagree in count");
    expect(() => toTensor({ ...set, images: new Float32Array(7) })).toThrow("argument 'set.images' must be of length n*H*W*C = 5*2*3*1 = 30");
    expect(() => toTensor({ ...set, labels: Int32Array.from([0, 1, 2, 3, 0]) })).toThrow("argument 'set.labels' must be values in [0, numClasses = 3)");
  });
});

describe('batches', () => {
  it('covers every index once, seeded shuffle, in-order without shuffle, dropLast', () => {
    const b = batches(tiny(10), { batchSize: 4, seed: 1 });
    expect(b.map((x) => x.length)).toEqual([4, 4, 2]);
    expect(b.flatMap((x) => [...x]).sort((p, q) => p - q)).toEqual([...Array(10).keys()]);
    expect(batches(10, { batchSize: 4, seed: 1 })).toEqual(b);
    expect(batches(10, { batchSize: 4, seed: 2 })).not.toEqual(b);
    expect(batches(5, { batchSize: 2, shuffle: false }).map((x) => [...x])).toEqual([[0, 1], [2, 3], [4]]);
    expect(batches(5, { batchSize: 2, dropLast: true }).map((x) => x.length)).toEqual([2, 2]);
    expect(batches(0, { batchSize: 2 })).toEqual([]);
  });
  it('rejects a bad batchSize', () => {
    expect(() => batches(10, { batchSize: 0 })).toThrow("batches: argument 'batchSize' must be a positive integer (got 0)");
    expect(() => batches(10, { batchSize: 2.5 })).toThrow("argument 'batchSize'");
    expect(() => batches(-1, { batchSize: 2 })).toThrow("argument 'setOrN'");
  });
});

describe('classBalancedBatches', () => {
  it('gives K classes x M distinct examples per batch and covers each class evenly', () => {
    const labels = Int32Array.from({ length: 200 }, (_, i) => i % 10); // 20 per class
    const out = classBalancedBatches(labels, { classesPerBatch: 4, perClass: 5, seed: 3, numBatches: 50 });
    expect(out).toHaveLength(50);
    const uses = new Int32Array(200);
    for (const b of out) {
      expect(b.length).toBe(20);
      expect(new Set(b).size).toBe(20);
      const classes = new Set<number>();
      for (let j = 0; j < 4; j++) {
        const c = labels[b[j * 5]!]!;
        classes.add(c);
        for (let t = 0; t < 5; t++) expect(labels[b[j * 5 + t]!]).toBe(c);
      }
      expect(classes.size).toBe(4);
      for (const i of b) uses[i]!++;
    }
    expect(Math.max(...uses) - Math.min(...uses)).toBeLessThanOrEqual(5);
    expect(classBalancedBatches(labels, { classesPerBatch: 4, perClass: 5, seed: 3, numBatches: 50 })).toEqual(out);
    expect(classBalancedBatches(labels, { classesPerBatch: 2, perClass: 2 })).toHaveLength(50); // default: one pass
  });
  it('small classes: a clear error, or repeats with replace: true', () => {
    const set = skewed([10, 2, 10]);
    expect(() => classBalancedBatches(set, { classesPerBatch: 2, perClass: 3 })).toThrow(
      "classBalancedBatches: argument 'perClass' must be at most the size of every class (class 1 has 2 examples) (got 3). Fix: lower perClass, drop small classes (filterClasses), or pass replace: true",
    );
    const out = classBalancedBatches(set, { classesPerBatch: 3, perClass: 3, replace: true, numBatches: 2 });
    for (const b of out) expect(b.length).toBe(9);
    expect(() => classBalancedBatches(set, { classesPerBatch: 4, perClass: 1 })).toThrow("argument 'classesPerBatch' must be at most the number of classes present (3)");
    expect(() => classBalancedBatches(set, { classesPerBatch: 0, perClass: 1 })).toThrow("argument 'classesPerBatch'");
  });
});

describe('splits and subsets', () => {
  it('trainTestSplit: stratified, disjoint, complete, seeded', () => {
    const set = skewed([50, 30, 20]);
    const { train, test, trainIndices, testIndices } = trainTestSplit(set, { testFraction: 0.2, seed: 4 });
    expect(Array.from(classCounts(test))).toEqual([10, 6, 4]);
    expect(Array.from(classCounts(train))).toEqual([40, 24, 16]);
    expect([...trainIndices, ...testIndices].sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
    expect(Array.from(test.images)).toEqual(Array.from(testIndices)); // images encode their index
    expect(trainTestSplit(set, { testFraction: 0.2, seed: 4 }).testIndices).toEqual(testIndices);
    expect(trainTestSplit(set, { testFraction: 0.2, seed: 5 }).testIndices).not.toEqual(testIndices);
    expect(trainTestSplit(set, { testFraction: 0.3, stratify: false }).test.n).toBe(30);
    expect(() => trainTestSplit(set, { testFraction: 1 })).toThrow("trainTestSplit: argument 'testFraction' must be a number in (0, 1) (got 1)");
  });

  it('labelFraction: stratified, at least one per class, nested across fractions', () => {
    const set = skewed([500, 300, 5]);
    const one = labelFraction(set, 0.01, { seed: 2 });
    expect(Array.from(classCounts(one))).toEqual([5, 3, 1]);
    const ten = labelFractionIndices(set.labels, 0.1, { seed: 2 });
    expect(ten.length).toBe(50 + 30 + 1);
    const tenSet = new Set(ten);
    for (const v of one.images) expect(tenSet.has(v)).toBe(true);
    expect(labelFraction(set, 1).n).toBe(805);
    expect(() => labelFraction(set, 0)).toThrow("labelFraction: argument 'fraction' must be a number in (0, 1] (got 0). Fix: e.g. 0.01 for 1% of the labels");
    expect(() => labelFraction(set, 1.5)).toThrow("argument 'fraction'");
  });

  it('subset copies images, labels and factors in the given order', () => {
    const set = tiny(6);
    const s = subset(set, [5, 0, 5]);
    expect(s.n).toBe(3);
    expect(Array.from(s.labels)).toEqual([2, 0, 2]);
    expect(Array.from(s.factors!.idx!)).toEqual([5, 0, 5]);
    expect(s.images[0]).toBe(5);
    s.images[0] = -1;
    expect(set.images[30]).toBe(5);
    expect(() => subset(set, [6])).toThrow("subset: argument 'indices' must be integers in [0, 6)");
  });

  it('filterClasses keeps the chosen classes, relabelling by default', () => {
    const set = makeImageSet({
      images: new Float32Array(10), labels: Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]), height: 1, width: 1, channels: 1,
      classNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'],
    });
    const held = filterClasses(set, [7, 5]);
    expect([held.n, held.numClasses]).toEqual([2, 2]);
    expect(Array.from(held.labels)).toEqual([1, 0]);
    expect(held.classNames).toEqual(['h', 'f']);
    const kept = filterClasses(set, [0, 1, 2, 3, 4], { relabel: false });
    expect([kept.n, kept.numClasses, kept.classNames.length]).toEqual([5, 10, 10]);
    expect(() => filterClasses(set, [10])).toThrow("filterClasses: argument 'classes' must be a non-empty list of distinct class indices in [0, 10)");
    expect(() => filterClasses(set, [1, 1])).toThrow("argument 'classes'");
  });

  it('flattenImages gives an N x D copy', () => {
    const set = tiny(4);
    const all = flattenImages(set);
    expect(all).toEqual(set.images);
    expect(all).not.toBe(set.images);
    expect(Array.from(flattenImages(set, [2]))).toEqual(Array.from(set.images.subarray(12, 18)));
  });

  it('makeImageSet checks label/feature counts', () => {
    expect(() => makeImageSet({ images: new Float32Array(5), labels: new Int32Array(2), height: 1, width: 1, channels: 2 })).toThrow(
      "makeImageSet: argument 'init.images' must be of length n*H*W*C = 2*1*1*2 = 4 (got 5). Fix: images and labels disagree in count, or the shape fields are wrong",
    );
  });
});
