/** Small matrix helpers used by several losses. */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';

/** A [N, N] 0/1 float mask with ones off the diagonal. */
export function offDiagonalMask(n: number): tf.Tensor2D {
  check(Number.isInteger(n) && n > 0, 'offDiagonalMask', 'n', 'a positive integer', n);
  return tf.tidy(() => tf.sub(tf.ones([n, n]), tf.eye(n)) as tf.Tensor2D);
}

/** Labels equal? [N] × [N] → [N, N] float 0/1 (1 where y_i = y_j). */
export function sameLabelMask(labels: tf.Tensor1D): tf.Tensor2D {
  return tf.tidy(() => tf.cast(tf.equal(tf.reshape(labels, [-1, 1]), tf.reshape(labels, [1, -1])), 'float32') as tf.Tensor2D);
}

/** Centre columns: x − mean over rows. */
export function centerColumns(x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.sub(x, tf.mean(x, 0, true)) as tf.Tensor2D);
}
