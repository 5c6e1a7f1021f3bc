/** Additive Gaussian noise (deck 000, "Invariance in the image domain" (b)): x ← clip(x + σ·ε, 0, 1), ε ~ N(0, I). */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { initSeed } from '../util/rng.js';
import { makeTransform, type Transform } from './transform.js';

export interface GaussianNoiseOptions {
  /** σ, or a range [lo, hi] to draw a σ per image (default 0.05). */
  std?: number | [number, number];
  /** Clip to [0, 1] afterwards (default true). */
  clip?: boolean;
  seed?: number;
}

export function gaussianNoise(options: GaussianNoiseOptions = {}): Transform {
  const where = 'gaussianNoise';
  const { std = 0.05, clip = true, seed = 0 } = options;
  const [lo, hi] = typeof std === 'number' ? [std, std] : std;
  check(Number.isFinite(lo) && Number.isFinite(hi) && lo >= 0 && lo <= hi, where, 'std', 'a non-negative number or a range [lo, hi]', std);
  return makeTransform(where, seed, (x, rng) => {
    const n = x.shape[0];
    const sig = tf.tensor4d(Float32Array.from({ length: n }, () => rng.range(lo, hi)), [n, 1, 1, 1]);
    const y = tf.add(x, tf.mul(sig, tf.randomNormal(x.shape, 0, 1, 'float32', initSeed(rng.seed()))));
    return (clip ? tf.clipByValue(y, 0, 1) : y) as tf.Tensor4D;
  }, true);
}
