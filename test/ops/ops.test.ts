import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { cosineSimilarityMatrix, l2Normalize, offDiagonalMask, pairwiseDistance, pairwiseDistances, pairwiseSquaredDistances, sameLabelMask, stopGradient } from '../../lib/ops/index.js';
import { expectClose, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

describe('distances (hand-computed)', () => {
  const a = () => tf.tensor2d([[0, 0], [3, 4]]);
  const b = () => tf.tensor2d([[1, 0], [0, 2], [3, 0]]);
  it('squared / euclidean / cosine match direct formulas', async () => {
    expectClose(await pairwiseSquaredDistances(a(), b()).data(), [1, 4, 9, 20, 13, 16], 1e-5);
    expectClose(await pairwiseDistances(a(), b()).data(), [1, 2, 3, Math.sqrt(20), Math.sqrt(13), 4], 1e-4);
    // cos((3,4),(1,0)) = 0.6, cos((3,4),(0,2)) = 0.8
    expectClose(await cosineSimilarityMatrix(tf.tensor2d([[3, 4]]), b()).data(), [0.6, 0.8, 0.6], 1e-5);
    expectClose(await pairwiseDistance(tf.tensor2d([[3, 4]]), b(), 'cosine').data(), [0.4, 0.2, 0.4], 1e-5);
    expectClose(await l2Normalize(tf.tensor2d([[3, 4]])).data(), [0.6, 0.8], 1e-6);
  });
  it('euclidean distance has a finite gradient at 0 distance', async () => {
    const g = tf.grad((x: tf.Tensor) => tf.sum(pairwiseDistances(x as tf.Tensor2D)))(tf.tensor2d([[1, 2], [1, 2]]));
    for (const v of await g.data()) expect(Number.isFinite(v)).toBe(true);
  });
  it('bad shapes name the argument', () => {
    expect(() => pairwiseSquaredDistances(tf.ones([2, 3]) as tf.Tensor2D, tf.ones([2, 4]) as tf.Tensor2D)).toThrow(/argument 'b'/);
    expect(() => pairwiseDistance(a(), b(), 'manhattan' as never)).toThrow(/metric/);
  });
});

describe('masks and stop-gradient', () => {
  it('masks', async () => {
    expectClose(await offDiagonalMask(2).data(), [0, 1, 1, 0]);
    expectClose(await sameLabelMask(tf.tensor1d([1, 2, 1], 'int32')).data(), [1, 0, 1, 0, 1, 0, 1, 0, 1]);
  });
  it('stopGradient: identity forward, zero gradient', async () => {
    const x = tf.tensor1d([1, 2]);
    expectClose(await stopGradient(x).data(), [1, 2]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.add(tf.mul(v, v), stopGradient(tf.mul(v, 10)))))(x);
    expectClose(await g.data(), [2, 4]);
  });
});
