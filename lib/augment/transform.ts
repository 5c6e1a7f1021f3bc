/**
 * The shape of every augmentation in lib/augment: a batched, seeded image transform.
 *
 *   const t = randomResizedCrop({ scale: [0.2, 1] });
 *   const v = t(x, 7);   // x [N,H,W,C] in [0, 1] → a new tensor (the caller disposes it)
 *
 * Same `seed`, same output (on the cpu backend bit for bit): per-sample parameters (crop boxes, jitter factors,
 * blur widths...) are drawn in JS from {@link Rng}, and the few tfjs random ops get an integer seed from it.
 * Called without a seed, a transform draws a fresh one from its own generator (seeded by the factory's `seed`
 * option), so repeated calls give different views and a re-run gives the same sequence.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';

/** A batched, seeded image transform: x [N,H,W,C] in [0,1] → a new tensor (caller disposes). */
export interface Transform {
  (x: tf.Tensor4D, seed?: number): tf.Tensor4D;
  /** Short name for galleries and error messages, e.g. 'randomResizedCrop'. */
  readonly transformName: string;
}

/** Mix two integers into one seed (splitmix32-style hash): `mixSeed(base, step)`. */
export function mixSeed(a: number, b: number): number {
  let z = (Math.imul(a >>> 0, 0x9e3779b1) ^ (b >>> 0) ^ 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) & 0x7fffffff;
}

/** Check x is a rank-4 float tensor [N,H,W,C] (C = 1 or 3 unless `anyChannels`). */
export function checkImages(where: string, x: tf.Tensor, anyChannels = false): asserts x is tf.Tensor4D {
  check(x instanceof tf.Tensor && x.rank === 4, where, 'x', 'a rank-4 tensor [N, H, W, C] of images in [0, 1]', x, 'batch single images with x.expandDims(0), or use toTensor(set)');
  if (!anyChannels) check(x.shape[3] === 1 || x.shape[3] === 3, where, 'x', 'images with 1 (grey) or 3 (RGB) channels', x);
}

/**
 * Build a {@link Transform}: `fn(x, rng)` runs inside tf.tidy with a generator seeded from (factory seed, call
 * seed); it may return a tensor of another spatial size (crops) but must keep N.
 */
export function makeTransform(name: string, factorySeed: number, fn: (x: tf.Tensor4D, rng: Rng) => tf.Tensor4D, anyChannels = false): Transform {
  check(Number.isInteger(factorySeed), name, 'seed', 'an integer', factorySeed);
  const stream = new Rng(factorySeed);
  const t = (x: tf.Tensor4D, seed?: number): tf.Tensor4D => {
    checkImages(name, x, anyChannels);
    check(seed === undefined || Number.isInteger(seed), name, 'seed', 'an integer (or omitted)', seed);
    const rng = new Rng(seed === undefined ? stream.seed() : mixSeed(factorySeed, seed));
    return tf.tidy(() => fn(x, rng));
  };
  Object.defineProperty(t, 'transformName', { value: name });
  return t as Transform;
}

/** Check a [lo, hi] range option with min <= lo <= hi <= max. */
export function checkRange(where: string, name: string, r: readonly [number, number], min: number, max: number): void {
  check(
    Array.isArray(r) && r.length === 2 && Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] <= r[1] && r[0] >= min && r[1] <= max,
    where, name, `a range [lo, hi] with ${min} <= lo <= hi <= ${max}`, r,
  );
}

/** Check a probability in [0, 1]. */
export function checkProbability(where: string, name: string, p: number): void {
  check(typeof p === 'number' && p >= 0 && p <= 1, where, name, 'a probability in [0, 1]', p);
}

/** A [N,1,1,1] float tensor from per-sample values (broadcasts over H, W, C). */
export function perSample(values: Float32Array): tf.Tensor4D {
  return tf.tensor4d(values, [values.length, 1, 1, 1]);
}

/** Per-sample choice: where m[n] = 1 take a[n], else b[n] (a, b same shape; m [N] of 0/1). */
export function selectPerSample(m: Float32Array, a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => {
    const mm = perSample(m);
    return tf.add(tf.mul(mm, a), tf.mul(tf.sub(1, mm), b)) as tf.Tensor4D;
  });
}

/** ITU-R 601 luma weights used for greyscale throughout (as torchvision's rgb_to_grayscale). */
export const LUMA: readonly [number, number, number] = [0.299, 0.587, 0.114];

/** Luma [N,H,W,1] of RGB (or the image itself when grey). */
export function luma(x: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => (x.shape[3] === 1 ? tf.clone(x) : (tf.sum(tf.mul(x, tf.tensor1d([...LUMA])), 3, true) as tf.Tensor4D)));
}
