/**
 * Gaussian blur with a per-image width σ (deck 000: "Random gaussian blur"; SimCLR: σ ~ U[0.1, 2.0], kernel 10%
 * of the image side): a separable convolution, the vertical then the horizontal 1-D kernel
 *   g_σ(i) = exp(−i² / 2σ²) / Σ_j exp(−j² / 2σ²),  i = −r..r,
 * with reflect padding at the borders. Per-image kernels go through one depthwise convolution: the batch is
 * moved into the channel axis ([N,H,W,C] → [1,H,W,N·C]) so every (image, channel) gets its own filter.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { checkRange, makeTransform, type Transform } from './transform.js';

export interface GaussianBlurOptions {
  /** Range of σ in pixels (default [0.1, 2.0]). */
  sigma?: [number, number];
  /** Odd kernel size (default: 10% of the smaller image side, rounded to odd, at least 3). */
  kernelSize?: number;
  seed?: number;
}

/** 1-D Gaussian taps for each σ: [sigmas.length * k]. */
export function gaussianKernels(sigmas: ArrayLike<number>, k: number): Float32Array {
  const r = (k - 1) / 2;
  const out = new Float32Array(sigmas.length * k);
  for (let n = 0; n < sigmas.length; n++) {
    const s = Math.max(sigmas[n]!, 1e-6);
    let sum = 0;
    for (let i = -r; i <= r; i++) sum += out[n * k + i + r] = Math.exp((-i * i) / (2 * s * s));
    for (let i = 0; i < k; i++) out[n * k + i]! /= sum;
  }
  return out;
}

/** Blur each image with its own σ (deterministic given sigmas). */
export function blurWithSigmas(x: tf.Tensor4D, sigmas: ArrayLike<number>, kernelSize: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  check(Number.isInteger(kernelSize) && kernelSize >= 1 && kernelSize % 2 === 1, 'gaussianBlur', 'kernelSize', 'an odd positive integer', kernelSize);
  check(sigmas.length === n, 'gaussianBlur', 'sigmas', `${n} values (one per image)`, sigmas.length);
  const r = (kernelSize - 1) / 2;
  check(r < h && r < w, 'gaussianBlur', 'kernelSize', `smaller than 2·min(H, W) − 1 = ${2 * Math.min(h, w) - 1}`, kernelSize, 'use a smaller kernel for such small images');
  if (r === 0) return tf.clone(x);
  const taps = gaussianKernels(sigmas, kernelSize);
  const nc = n * c;
  // filter[i, ch] for channel ch = image·C + channel
  const f = new Float32Array(kernelSize * nc);
  for (let i = 0; i < kernelSize; i++) for (let img = 0; img < n; img++) for (let ch = 0; ch < c; ch++) f[i * nc + img * c + ch] = taps[img * kernelSize + i]!;
  return tf.tidy(() => {
    const y = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, h, w, nc]) as tf.Tensor4D;
    const padded = tf.mirrorPad(y, [[0, 0], [r, r], [r, r], [0, 0]], 'reflect');
    const vert = tf.depthwiseConv2d(padded, tf.tensor4d(f, [kernelSize, 1, nc, 1]), 1, 'valid');
    const both = tf.depthwiseConv2d(vert, tf.tensor4d(f, [1, kernelSize, nc, 1]), 1, 'valid');
    return tf.transpose(tf.reshape(both, [h, w, n, c]), [2, 0, 1, 3]) as tf.Tensor4D;
  });
}

export function gaussianBlur(options: GaussianBlurOptions = {}): Transform {
  const where = 'gaussianBlur';
  const { sigma = [0.1, 2.0], kernelSize, seed = 0 } = options;
  checkRange(where, 'sigma', sigma, 0, 1e3);
  if (kernelSize !== undefined) check(Number.isInteger(kernelSize) && kernelSize > 0 && kernelSize % 2 === 1, where, 'kernelSize', 'an odd positive integer', kernelSize);
  return makeTransform(where, seed, (x, rng) => {
    const k = kernelSize ?? Math.max(3, 2 * Math.round((0.1 * Math.min(x.shape[1], x.shape[2]) - 1) / 2) + 1);
    const sigmas = Float32Array.from({ length: x.shape[0] }, () => rng.range(sigma[0], sigma[1]));
    return blurWithSigmas(x, sigmas, k);
  }, true);
}
