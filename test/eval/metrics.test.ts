import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { accuracy, ari, confusionMatrix, contingency, features, nmi, silhouette, topKAccuracy, withinBetweenRatio } from '../../lib/eval/index.js';
import { ArgumentError } from '../../lib/util/errors.js';
import { expectNoLeak, useBackend } from '../helpers.js';

beforeAll(() => useBackend());

describe('classification metrics', () => {
  it('accuracy, top-k and the confusion matrix on hand-computed values', () => {
    expect(accuracy([0, 1, 2, 2], [0, 1, 1, 2])).toBe(0.75);
    const scores = new Float32Array([0.1, 0.5, 0.4, 0.3, 0.3, 0.4]);
    expect(topKAccuracy(scores, [2, 0], 1)).toBe(0);
    expect(topKAccuracy(scores, [2, 0], 2)).toBe(1);
    expect(topKAccuracy(scores, [1, 2], 1)).toBe(1);
    expect(confusionMatrix([0, 1, 2, 2], [0, 1, 1, 2], 3)).toEqual([[1, 0, 0], [0, 1, 1], [0, 0, 1]]);
  });

  it('rejects mismatched lengths and bad k with argument errors', () => {
    expect(() => accuracy([0, 1], [0])).toThrow(ArgumentError);
    expect(() => accuracy([0, 1], [0])).toThrow(/labels/);
    expect(() => topKAccuracy(new Float32Array(6), [0, 1], 4)).toThrow(/'k'/);
    expect(() => topKAccuracy(new Float32Array(5), [0, 1], 1)).toThrow(/scores/);
  });
});

describe('clustering metrics', () => {
  const a = [0, 0, 0, 1, 1, 1];
  const b = [0, 0, 1, 1, 2, 2];

  it('NMI by hand: I = (2/3) ln 2, H(a) = ln 2, H(b) = ln 3', () => {
    const expected = ((2 / 3) * Math.log(2)) / ((Math.log(2) + Math.log(3)) / 2);
    expect(nmi(a, b)).toBeCloseTo(expected, 10);
    expect(nmi(a, b)).toBeCloseTo(0.515803, 5);
    expect(nmi(b, a)).toBeCloseTo(expected, 10);
    expect(nmi([0, 0, 1, 1], [5, 5, 7, 7])).toBeCloseTo(1, 12);
    expect(nmi([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(0, 12);
    expect(nmi([3, 3, 3], [1, 1, 1])).toBe(1);
  });

  it('ARI by hand: (2 − 1.2) / (4.5 − 1.2)', () => {
    expect(ari(a, b)).toBeCloseTo(0.8 / 3.3, 10);
    expect(ari([0, 0, 1, 1], [1, 1, 0, 0])).toBeCloseTo(1, 12);
    // Worse than chance is negative: each pair split.
    expect(ari([0, 0, 1, 1], [0, 1, 0, 1])).toBeCloseTo(-0.5, 10);
  });

  it('contingency counts and errors', () => {
    expect(contingency(a, b).table).toEqual([[2, 1, 0], [0, 1, 2]]);
    expect(() => nmi([0, 1], [0])).toThrow(/one id per item/);
    expect(() => ari([0, 0.5], [0, 1])).toThrow(ArgumentError);
  });

  it('silhouette by hand on four points on a line', async () => {
    const f = features([[0], [1], [10], [11]]);
    const expected = (9.5 / 10.5 + 8.5 / 9.5) / 2;
    const s = await expectNoLeak(() => silhouette(f, [0, 0, 1, 1]));
    expect(s).toBeCloseTo(expected, 4);
    // Cosine: two directions, perfectly separated.
    const g = features([[1, 0], [2, 0], [0, 1], [0, 3]]);
    expect(await silhouette(g, [0, 0, 1, 1], { metric: 'cosine' })).toBeCloseTo(1, 5);
    await expect(silhouette(f, [0, 0, 0, 0])).rejects.toThrow(/groups/);
  });

  it('within/between ratio by hand', () => {
    expect(withinBetweenRatio(features([[0], [2], [10], [12]]), [0, 0, 1, 1])).toBeCloseTo(0.1, 10);
  });
});

describe('tensor hygiene', () => {
  it('leaves no tensors', async () => {
    const before = tf.memory().numTensors;
    await silhouette(features([[0, 1], [1, 1], [5, 5], [6, 5], [6, 6]]), [0, 0, 1, 1, 1]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
