/**
 * Alignment and uniformity (Wang & Isola 2020), the two properties the contrastive loss optimises asymptotically,
 * measured on ℓ²-normalised embeddings f(x) ∈ S^{D−1}:
 *
 *   alignment   ℓ_align(f; α)  = E_{(x,y) ~ p_pos} ‖f(x) − f(y)‖₂^α                    (α = 2; lower: positives closer)
 *   uniformity  ℓ_uniform(f; t) = log E_{x,y ~ p_data i.i.d.} exp(−t ‖f(x) − f(y)‖²₂)     (t = 2; lower: more uniform)
 *
 * A collapsed encoder has perfect alignment (0) and the worst uniformity (0, the maximum); a good one trades a
 * little alignment for a much lower uniformity (≈ −3.5 … −4 for D ≥ 32 on a well-spread sphere). Positive pairs
 * are two augmented views of the same image ({@link positivePairs}). Computed in JS float64.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { applyEncoder, type Encoder } from './embed.js';
import { checkFeatures, type Features, type PixelSource, selectRows } from './features.js';

/** Row-wise ℓ²-normalised copy (float64). */
export function normalizeRows(f: Features): Float64Array {
  const out = new Float64Array(f.data.length);
  for (let i = 0; i < f.n; i++) {
    const o = i * f.dim;
    let s = 0;
    for (let j = 0; j < f.dim; j++) s += f.data[o + j]! ** 2;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let j = 0; j < f.dim; j++) out[o + j] = f.data[o + j]! * inv;
  }
  return out;
}

export interface AlignmentOptions {
  /** α (default 2). */
  alpha?: number;
  /** ℓ²-normalise the rows first (default true, as in Wang & Isola). */
  normalize?: boolean;
}

/** E ‖f(x_i) − f(y_i)‖^α over the paired rows of `a` and `b` (row i of each is a positive pair). */
export function alignment(a: Features, b: Features, options: AlignmentOptions = {}): number {
  const where = 'alignment';
  checkFeatures(a, where, 'a');
  checkFeatures(b, where, 'b');
  check(a.n === b.n && a.dim === b.dim, where, 'b', `features of the same shape as a (${a.n}×${a.dim}), row i the positive of row i of a`, `${b.n}×${b.dim}`);
  const { alpha = 2, normalize = true } = options;
  check(typeof alpha === 'number' && alpha > 0, where, 'alpha', 'a positive number (Wang & Isola: 2)', alpha);
  const za = normalize ? normalizeRows(a) : Float64Array.from(a.data);
  const zb = normalize ? normalizeRows(b) : Float64Array.from(b.data);
  let s = 0;
  for (let i = 0; i < a.n; i++) {
    let d2 = 0;
    for (let j = 0; j < a.dim; j++) d2 += (za[i * a.dim + j]! - zb[i * a.dim + j]!) ** 2;
    s += Math.pow(Math.sqrt(d2), alpha);
  }
  return s / a.n;
}

export interface UniformityOptions {
  /** t (default 2). */
  t?: number;
  normalize?: boolean;
  /** Use at most this many rows (a seeded subset; default 1000: N² pairs). */
  maxPoints?: number;
  seed?: number;
}

/** log mean_{i<j} exp(−t ‖f(x_i) − f(x_j)‖²) over all pairs of distinct rows. */
export function uniformity(f: Features, options: UniformityOptions = {}): number {
  const where = 'uniformity';
  checkFeatures(f, where, 'features', { minRows: 2 });
  const { t = 2, normalize = true, maxPoints = 1000, seed = 0 } = options;
  check(typeof t === 'number' && t > 0, where, 't', 'a positive number (Wang & Isola: 2)', t);
  check(Number.isInteger(maxPoints) && maxPoints >= 2, where, 'maxPoints', 'an integer >= 2', maxPoints);
  const x = f.n > maxPoints ? selectRows(f, new Rng(seed).sample(f.n, maxPoints).sort()) : f;
  const z = normalize ? normalizeRows(x) : Float64Array.from(x.data);
  const { n, dim } = x;
  // log-mean-exp, stabilised by the largest exponent
  const e: number[] = [];
  let max = -Infinity;
  for (let i = 0; i < n; i++) for (let k = i + 1; k < n; k++) {
    let d2 = 0;
    for (let j = 0; j < dim; j++) d2 += (z[i * dim + j]! - z[k * dim + j]!) ** 2;
    const v = -t * d2;
    e.push(v);
    if (v > max) max = v;
  }
  let s = 0;
  for (const v of e) s += Math.exp(v - max);
  return max + Math.log(s / e.length);
}

export interface PositivePairsOptions {
  /** Only these images (default all). */
  indices?: ArrayLike<number>;
  batchSize?: number;
  /** Seed of the augmentations (default 0). */
  seed?: number;
}

/**
 * Embed two augmented views of each image: { a, b } with row i of a and of b a positive pair. `augment` is a
 * seeded batched view generator (lib/augment); the encoder runs in inference mode.
 */
export async function positivePairs(
  encoder: Encoder | tfl.LayersModel,
  set: PixelSource,
  augment: (x: tf.Tensor4D, seed: number) => tf.Tensor4D,
  options: PositivePairsOptions = {},
): Promise<{ a: Features; b: Features }> {
  const where = 'positivePairs';
  check(typeof augment === 'function', where, 'augment', 'a view generator (x, seed) => x′ such as simclrAugment()', augment);
  const { batchSize = 256, seed = 0 } = options;
  const idx = options.indices ? Array.from(options.indices) : Array.from({ length: set.n }, (_, i) => i);
  const d = set.height * set.width * set.channels;
  const rows: [number[], number[]] = [[], []];
  let dim = 0;
  for (let s = 0, batch = 0; s < idx.length; s += batchSize, batch++) {
    const part = idx.slice(s, s + batchSize);
    const xs = new Float32Array(part.length * d);
    part.forEach((i, j) => xs.set(set.images.subarray(i * d, (i + 1) * d), j * d));
    const x = tf.tensor4d(xs, [part.length, set.height, set.width, set.channels]);
    try {
      for (const v of [0, 1] as const) {
        const y = tf.tidy(() => applyEncoder(encoder as Encoder, augment(x, seed * 7919 + batch * 2 + v)));
        dim = y.shape[1];
        rows[v].push(...((await y.data()) as Float32Array));
        y.dispose();
      }
    } finally {
      x.dispose();
    }
  }
  return { a: { data: Float32Array.from(rows[0]), n: idx.length, dim }, b: { data: Float32Array.from(rows[1]), n: idx.length, dim } };
}
