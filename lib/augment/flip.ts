/** Random horizontal flip: each image is mirrored left-right with probability p (default 0.5). */
import * as tf from '@tensorflow/tfjs-core';
import { checkProbability, makeTransform, selectPerSample, type Transform } from './transform.js';

export function randomFlip(options: { p?: number; seed?: number } = {}): Transform {
  const { p = 0.5, seed = 0 } = options;
  checkProbability('randomFlip', 'p', p);
  return makeTransform('randomFlip', seed, (x, rng) => {
    const m = Float32Array.from({ length: x.shape[0] }, () => (rng.uniform() < p ? 1 : 0));
    return selectPerSample(m, tf.reverse(x, 2), x);
  }, true);
}

/** Mirror every image left-right (deterministic). */
export function flipHorizontal(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.reverse(x, 2));
}
