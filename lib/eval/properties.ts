/**
 * The five properties of a good representation (deck 000, "What makes a good representation?", Properties 1–5),
 * each made a number. `f` is the representation (an {@link Encoder}: pixels → features), x an image, x' a
 * different image of the same set (a seeded random pairing), ‖·‖ the Euclidean norm.
 *
 * 1. smoothness    S = E[‖f(x+δ) − f(x)‖ / ‖δ‖] / E[‖f(x) − f(x')‖ / ‖x − x'‖],  δ ~ N(0, σ² I)
 *                  The local stretch of f under a small random input change, relative to its average stretch
 *                  between real images (so the scale of f cancels). Raw pixels (f = id) give exactly 1; S < 1:
 *                  small perturbations move f less than real differences do (smoother). Lower is smoother.
 * 2. invariance    I = E‖f(t(x)) − f(x)‖ / E‖f(x) − f(x')‖  for a transformation t irrelevant to the task.
 *                  0: perfectly invariant; 1: t moves the representation as much as changing the image.
 * 3. clustering    the silhouette of the class labels in representation space ({@link silhouette}), in [−1, 1];
 *                  and {@link withinBetweenRatio} = mean distance to the own class centre / mean distance
 *                  between class centres (lower: tighter, better-separated classes).
 * 4. sparsity      {@link sparsity}: fraction of entries with |z| < τ · rms(z) (τ = 0.1): many exact/near zeros;
 *                  {@link effectiveRank}: exp(entropy of the normalised singular values) of the centred features
 *                  (Roy & Vetterli 2007): how many dimensions the representation really uses (1 … D).
 * 5. disentanglement  {@link disentanglement}, a "correlation gap" (MIG-like, with |Pearson correlation| instead
 *                  of mutual information): for each known factor v_j, R_ij = |corr(z_i, v_j)| over dims i, and
 *                  gap_j = R_(1)j − R_(2)j (best dim minus the runner-up; R_(1)j if D = 1). The score is the mean
 *                  gap over factors, in [0, 1]: 1 when each factor is carried, linearly, by one dimension alone.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { initSeed, Rng } from '../util/rng.js';
import { applyEncoder, type Encoder } from './embed.js';
import { checkFeatures, checkLabels, type Features, featuresToTensor, type PixelSource, selectRows } from './features.js';
import { silhouette, type SilhouetteOptions } from './silhouette.js';
import { symmetricEigenvalues } from '../linalg/symmetric-eigen.js';

export interface PropertySampleOptions {
  /** Images used (a seeded sample; default 256). */
  samples?: number;
  seed?: number;
  /** Images per forward pass (default 128). */
  batchSize?: number;
}

/** A seeded sample of image indices and a pairing with different images (j ≠ i). */
function sampleAndPair(n: number, samples: number, seed: number): { idx: Int32Array; other: Int32Array } {
  check(n >= 2, 'properties', 'images', 'a set of at least 2 images', n);
  const rng = new Rng(seed);
  const idx = rng.sample(n, Math.min(samples, n));
  const other = new Int32Array(idx.length);
  for (let j = 0; j < idx.length; j++) {
    let o = rng.int(n - 1);
    if (o >= idx[j]!) o++;
    other[j] = o;
  }
  return { idx, other };
}

function batchOf(set: PixelSource, idx: Int32Array, s: number, e: number): tf.Tensor4D {
  const d = set.height * set.width * set.channels;
  const xs = new Float32Array((e - s) * d);
  for (let j = s; j < e; j++) xs.set(set.images.subarray(idx[j]! * d, (idx[j]! + 1) * d), (j - s) * d);
  return tf.tensor4d(xs, [e - s, set.height, set.width, set.channels]);
}

/** Row norms ‖a_i − b_i‖ of a [B, ...] difference, read to the CPU. */
async function rowNorms(diff: tf.Tensor): Promise<Float32Array> {
  const t = tf.tidy(() => tf.norm(tf.reshape(diff, [diff.shape[0]!, -1]), 'euclidean', 1));
  const v = new Float32Array((await t.data()) as Float32Array);
  t.dispose();
  return v;
}

function checkCommon(where: string, encoder: Encoder, images: PixelSource, o: PropertySampleOptions): Required<PropertySampleOptions> {
  check(typeof encoder === 'function' || (typeof encoder === 'object' && encoder !== null), where, 'encoder', 'a LayersModel or a function x => features', encoder);
  check(images !== null && typeof images === 'object' && images.images instanceof Float32Array, where, 'images', 'an ImageSet', images);
  const { samples = 256, seed = 0, batchSize = 128 } = o;
  check(Number.isInteger(samples) && samples >= 2, where, 'samples', 'an integer >= 2', samples);
  check(Number.isInteger(batchSize) && batchSize > 0, where, 'batchSize', 'a positive integer', batchSize);
  return { samples, seed, batchSize };
}

export interface SmoothnessOptions extends PropertySampleOptions {
  /** σ of the Gaussian input perturbation δ (default 0.01, on pixels in [0, 1]). */
  noise?: number;
}

/** Property 1, smoothness S (definition above). Lower is smoother; raw pixels give 1. */
export async function smoothness(encoder: Encoder, images: PixelSource, options: SmoothnessOptions = {}): Promise<number> {
  const where = 'smoothness';
  const { samples, seed, batchSize } = checkCommon(where, encoder, images, options);
  const { noise = 0.01 } = options;
  check(noise > 0 && Number.isFinite(noise), where, 'noise', 'a positive number (σ of the input perturbation)', noise);
  const { idx, other } = sampleAndPair(images.n, samples, seed);
  const rng = new Rng(seed + 1);
  let local = 0, global = 0, count = 0;
  for (let s = 0; s < idx.length; s += batchSize) {
    const e = Math.min(idx.length, s + batchSize);
    const x = batchOf(images, idx, s, e);
    const x2 = batchOf(images, other, s, e);
    const delta = tf.randomNormal(x.shape, 0, noise, 'float32', initSeed(rng.seed()));
    const diffs = tf.tidy(() => {
      const fx = applyEncoder(encoder, x);
      return [tf.sub(applyEncoder(encoder, tf.add(x, delta) as tf.Tensor4D), fx), tf.sub(applyEncoder(encoder, x2), fx), tf.sub(x2, x)];
    });
    try {
      const [dfNoise, dfPair, dxPair] = await Promise.all(diffs.map(rowNorms));
      const dNoise = await rowNorms(delta);
      for (let r = 0; r < e - s; r++) {
        if (dxPair![r]! > 0) global += dfPair![r]! / dxPair![r]!;
        local += dfNoise![r]! / dNoise[r]!;
        count++;
      }
    } finally {
      tf.dispose([x, x2, delta, ...diffs]);
    }
  }
  check(global > 0, where, 'encoder', 'a representation that differs between different images', 'the same features for every pair', 'a collapsed encoder has no meaningful smoothness');
  return local / count / (global / count);
}

/** Property 2, invariance I to the transformation `transform` (definition above). 0 = invariant. */
export async function invariance(
  encoder: Encoder, images: PixelSource, transform: (x: tf.Tensor4D) => tf.Tensor4D, options: PropertySampleOptions = {},
): Promise<number> {
  const where = 'invariance';
  const { samples, seed, batchSize } = checkCommon(where, encoder, images, options);
  check(typeof transform === 'function', where, 'transform', 'a function (x: Tensor4D) => Tensor4D (e.g. a flip or a shift)', transform);
  const { idx, other } = sampleAndPair(images.n, samples, seed);
  let moved = 0, apart = 0;
  for (let s = 0; s < idx.length; s += batchSize) {
    const e = Math.min(idx.length, s + batchSize);
    const x = batchOf(images, idx, s, e);
    const x2 = batchOf(images, other, s, e);
    const diffs = tf.tidy(() => {
      const tx = transform(x);
      check(tx instanceof tf.Tensor && tx.shape.join() === x.shape.join(), where, 'transform', `a function returning images of the same shape [${x.shape.join(', ')}]`, tx);
      const fx = applyEncoder(encoder, x);
      return [tf.sub(applyEncoder(encoder, tx), fx), tf.sub(applyEncoder(encoder, x2), fx)];
    });
    try {
      const [a, b] = await Promise.all(diffs.map(rowNorms));
      for (let r = 0; r < e - s; r++) {
        moved += a![r]!;
        apart += b![r]!;
      }
    } finally {
      tf.dispose([x, x2, ...diffs]);
    }
  }
  check(apart > 0, where, 'encoder', 'a representation that differs between different images', 'the same features for every pair', 'a collapsed encoder is trivially invariant (deck 000: representation collapse)');
  return moved / apart;
}

/** Property 3, clustering: the silhouette of the class labels (see {@link silhouette}). Higher is better. */
export function clustering(f: Features, labels: ArrayLike<number>, options: SilhouetteOptions = {}): Promise<number> {
  return silhouette(f, labels, options);
}

/**
 * Mean distance of each item to its class centre divided by the mean distance between class centres:
 * W/B = (1/N) Σ_i ‖z_i − μ_{y_i}‖ / mean_{c<c'} ‖μ_c − μ_{c'}‖. Lower: tighter, better-separated classes.
 */
export function withinBetweenRatio(f: Features, labels: ArrayLike<number>): number {
  const where = 'withinBetweenRatio';
  checkFeatures(f, where, 'features');
  const k = checkLabels(labels, f.n, where, 'labels');
  const { n, dim, data } = f;
  const mu = new Float64Array(k * dim);
  const cnt = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    cnt[y]!++;
    for (let j = 0; j < dim; j++) mu[y * dim + j]! += data[i * dim + j]!;
  }
  const present: number[] = [];
  for (let c = 0; c < k; c++) if (cnt[c]! > 0) {
    present.push(c);
    for (let j = 0; j < dim; j++) mu[c * dim + j]! /= cnt[c]!;
  }
  check(present.length >= 2, where, 'labels', 'at least 2 classes', present.length);
  let within = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    let s = 0;
    for (let j = 0; j < dim; j++) s += (data[i * dim + j]! - mu[y * dim + j]!) ** 2;
    within += Math.sqrt(s);
  }
  let between = 0, pairs = 0;
  for (let a = 0; a < present.length; a++) for (let b = a + 1; b < present.length; b++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += (mu[present[a]! * dim + j]! - mu[present[b]! * dim + j]!) ** 2;
    between += Math.sqrt(s);
    pairs++;
  }
  return within / n / (between / pairs);
}

/** Property 4a, sparsity: fraction of entries with |z_ij| < threshold · rms(z) (default threshold 0.1). */
export function sparsity(f: Features, { threshold = 0.1 }: { threshold?: number } = {}): number {
  checkFeatures(f, 'sparsity', 'features');
  check(threshold >= 0 && Number.isFinite(threshold), 'sparsity', 'threshold', 'a number >= 0', threshold);
  let ss = 0;
  for (const v of f.data) ss += v * v;
  const rms = Math.sqrt(ss / f.data.length);
  if (rms === 0) return 1;
  const t = threshold * rms;
  let zeros = 0;
  for (const v of f.data) if (Math.abs(v) < t) zeros++;
  return zeros / f.data.length;
}

/**
 * Property 4b, effective rank (Roy & Vetterli 2007): with σ_1 ≥ σ_2 ≥ … the singular values of the centred
 * feature matrix and p_k = σ_k / Σ σ, erank = exp(−Σ p_k log p_k) ∈ [1, min(N, D)]. Uses the D×D covariance (or
 * the N×N Gram matrix when N < D) computed on the backend; more than `maxPoints` rows are subsampled (seeded).
 */
export async function effectiveRank(f: Features, { maxPoints = 1000, seed = 0 }: { maxPoints?: number; seed?: number } = {}): Promise<number> {
  checkFeatures(f, 'effectiveRank', 'features', { minRows: 2 });
  check(Number.isInteger(maxPoints) && maxPoints >= 2, 'effectiveRank', 'maxPoints', 'an integer >= 2', maxPoints);
  const x = f.n > maxPoints ? selectRows(f, new Rng(seed).sample(f.n, maxPoints).sort()) : f;
  const gramT = tf.tidy(() => {
    const t = featuresToTensor(x);
    const c = tf.sub(t, tf.mean(t, 0, true));
    return x.n < x.dim ? tf.matMul(c, c, false, true) : tf.matMul(c, c, true, false);
  });
  const size = gramT.shape[0]!;
  const gram = new Float64Array((await gramT.data()) as Float32Array);
  gramT.dispose();
  const eig = symmetricEigenvalues(gram, size);
  const sig = eig.map((v) => Math.sqrt(Math.max(v, 0)));
  const total = sig.reduce((a, b) => a + b, 0);
  if (total === 0) return 1;
  let h = 0;
  for (const s of sig) if (s > 0) h -= (s / total) * Math.log(s / total);
  return Math.exp(h);
}

/** |Pearson correlation| between every feature dimension and every factor: rows = dims, columns = factors. */
export function factorCorrelations(f: Features, factors: Record<string, ArrayLike<number>>): { matrix: number[][]; factorNames: string[] } {
  const where = 'factorCorrelations';
  checkFeatures(f, where, 'features', { minRows: 2 });
  const names = Object.keys(factors ?? {});
  check(names.length > 0, where, 'factors', 'a non-empty record of factor values, e.g. set.factors', factors, 'use a synthetic set with known factors (syntheticShapes) or pass { name: values }');
  const { n, dim, data } = f;
  const zs = new Float64Array(dim), zss = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) zs[j]! += data[i * dim + j]!;
  for (let j = 0; j < dim; j++) zs[j]! /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) zss[j]! += (data[i * dim + j]! - zs[j]!) ** 2;
  const matrix = Array.from({ length: dim }, () => new Array<number>(names.length).fill(0));
  names.forEach((name, c) => {
    const v = factors[name]!;
    check(v.length === n, where, `factors.${name}`, `one value per row of features (${n})`, v.length);
    let m = 0;
    for (let i = 0; i < n; i++) m += v[i]!;
    m /= n;
    let vv = 0;
    const cov = new Float64Array(dim);
    for (let i = 0; i < n; i++) {
      const dv = v[i]! - m;
      vv += dv * dv;
      for (let j = 0; j < dim; j++) cov[j]! += dv * (data[i * dim + j]! - zs[j]!);
    }
    for (let j = 0; j < dim; j++) {
      const den = Math.sqrt(vv * zss[j]!);
      matrix[j]![c] = den > 1e-12 ? Math.min(1, Math.abs(cov[j]! / den)) : 0;
    }
  });
  return { matrix, factorNames: names };
}

/** Property 5, disentanglement: the mean correlation gap over factors (definition above), in [0, 1]. */
export function disentanglement(f: Features, factors: Record<string, ArrayLike<number>>): number {
  const { matrix, factorNames } = factorCorrelations(f, factors);
  let total = 0;
  factorNames.forEach((_, c) => {
    let first = 0, second = 0;
    for (const row of matrix) {
      const r = row[c]!;
      if (r > first) {
        second = first;
        first = r;
      } else if (r > second) second = r;
    }
    total += first - second;
  });
  return total / factorNames.length;
}
