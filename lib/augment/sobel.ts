/**
 * Sobel filter (deck 000, "Invariance in the image domain" (h)): the gradient magnitude of the greyscale image,
 *   G = √(G_x² + G_y²),  G_x = [[−1,0,1],[−2,0,2],[−1,0,1]] ∗ gray(x),  G_y = G_xᵀ ∗ gray(x),
 * divided by its largest possible value 4√2 so it stays in [0, 1], repeated over the input's channels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { luma, makeTransform, type Transform } from './transform.js';

const SOBEL = new Float32Array([
  // [3, 3, 1, 2]: (row, col, in, out) with out 0 = G_x, 1 = G_y
  -1, -1, 0, -2, 1, -1,
  -2, 0, 0, 0, 2, 0,
  -1, 1, 0, 2, 1, 1,
]);

/** Sobel edge magnitude of each image, in [0, 1], same shape as x (deterministic). */
export function sobelEdges(x: tf.Tensor4D): tf.Tensor4D {
  const [, h, w, c] = x.shape;
  check(h >= 2 && w >= 2, 'sobel', 'x', 'images at least 2×2', x);
  return tf.tidy(() => {
    const g = tf.mirrorPad(luma(x), [[0, 0], [1, 1], [1, 1], [0, 0]], 'reflect');
    const d = tf.conv2d(g, tf.tensor4d(SOBEL, [3, 3, 1, 2]), 1, 'valid');
    const mag = tf.div(tf.sqrt(tf.sum(tf.square(d), 3, true)), 4 * Math.SQRT2);
    return (c === 1 ? mag : tf.tile(mag, [1, 1, 1, c])) as tf.Tensor4D;
  });
}

/** The Sobel filter as a {@link Transform} (no randomness; use compose's probability to apply it at random). */
export function sobel(): Transform {
  return makeTransform('sobel', 0, (x) => sobelEdges(x));
}
