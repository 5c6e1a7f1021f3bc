/**
 * `Features`: the one input type of lib/eval and lib/classical (it sits here, in lib/linalg, below both). A representation of N items is an N×D matrix
 * held on the CPU as a row-major Float32Array (row i = the D numbers representing item i), with its shape:
 *
 *   { data: Float32Array /* n*dim *\/, n: number, dim: number }
 *
 * Like the images of lib/data, features stay on the CPU and become tensors only inside a computation (which
 * disposes them). Make them with {@link embed} (an encoder over an image set), {@link pixelFeatures} (raw
 * pixels), {@link features} (from an array), or {@link featuresFromTensor} (from a [N, D] tensor).
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';

export interface Features {
  /** Row-major N×D values: entry (i, j) is data[i * dim + j]. */
  data: Float32Array;
  n: number;
  dim: number;
}

/** The part of an ImageSet that raw-pixel features need. */
export interface PixelSource {
  images: Float32Array;
  n: number;
  height: number;
  width: number;
  channels: number;
}

/** Wrap a row-major Float32Array (or number[][] rows) as Features, checking the sizes. */
export function features(data: Float32Array | ArrayLike<ArrayLike<number>>, dim?: number): Features {
  if (data instanceof Float32Array) {
    check(dim !== undefined && Number.isInteger(dim) && dim > 0, 'features', 'dim', 'a positive integer (the number of columns)', dim, 'pass the row length, e.g. features(data, 784)');
    check(data.length % dim === 0, 'features', 'data', `a length that is a multiple of dim = ${dim}`, data.length);
    return { data, n: data.length / dim, dim };
  }
  check(data !== null && typeof data === 'object' && typeof data.length === 'number' && data.length > 0, 'features', 'data', 'a Float32Array or a non-empty number[][]', data);
  const d = data[0]!.length;
  const out = new Float32Array(data.length * d);
  for (let i = 0; i < data.length; i++) {
    const row = data[i]!;
    check(row.length === d, 'features', 'data', `rows of equal length ${d}`, `row ${i} of length ${row.length}`);
    for (let j = 0; j < d; j++) out[i * d + j] = row[j]!;
  }
  return { data: out, n: data.length, dim: d };
}

/**
 * Check `f` is a Features object with finite values. `where`/`arg` name the calling function and argument in
 * the error. NaN or infinite rows are reported with their row index.
 */
export function checkFeatures(f: Features, where: string, arg: string, { finite = true, minRows = 1 } = {}): void {
  check(f !== null && typeof f === 'object' && f.data instanceof Float32Array, where, arg, 'Features { data: Float32Array, n, dim }', f,
    'make features with embed(encoder, set), pixelFeatures(set), features(array, dim) or await featuresFromTensor(t)');
  check(Number.isInteger(f.n) && f.n >= minRows, where, `${arg}.n`, `an integer >= ${minRows} (number of rows)`, f.n);
  check(Number.isInteger(f.dim) && f.dim > 0, where, `${arg}.dim`, 'a positive integer (number of columns)', f.dim);
  check(f.data.length === f.n * f.dim, where, `${arg}.data`, `of length n*dim = ${f.n}*${f.dim} = ${f.n * f.dim}`, f.data.length);
  if (finite) {
    const d = f.data;
    for (let i = 0; i < d.length; i++) {
      if (!Number.isFinite(d[i]!)) {
        check(false, where, arg, 'finite values (no NaN or Infinity)', `${d[i]} in row ${Math.floor(i / f.dim)}, column ${i % f.dim}`,
          'remove or repair that row (a diverged encoder, or a division by zero upstream)');
      }
    }
  }
}

/** Check labels: integers in [0, ∞), one per row of `n`. Returns the number of classes (1 + max label). */
export function checkLabels(labels: ArrayLike<number>, n: number, where: string, arg: string, featuresArg = 'features'): number {
  check(labels !== null && typeof labels === 'object' && typeof labels.length === 'number', where, arg, 'an array of integer labels (e.g. set.labels)', labels);
  check(labels.length === n, where, arg, `one label per row of ${featuresArg} (${n})`, `${labels.length} labels`,
    `pass the labels of the same images the features were computed from`);
  let max = -1;
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    if (!(Number.isInteger(y) && y >= 0)) check(false, where, arg, 'non-negative integers', `${y} at index ${i}`);
    if (y > max) max = y;
  }
  return max + 1;
}

/** Raw pixels as features: N×(H·W·C), no copy (the rows share the set's images array). */
export function pixelFeatures(set: PixelSource): Features {
  check(set !== null && typeof set === 'object' && set.images instanceof Float32Array, 'pixelFeatures', 'set', 'an ImageSet', set);
  const dim = set.height * set.width * set.channels;
  check(set.images.length === set.n * dim, 'pixelFeatures', 'set.images', `of length n*H*W*C = ${set.n * dim}`, set.images.length);
  return { data: set.images, n: set.n, dim };
}

/** Read a [N, D] tensor (or [N, ...] flattened to [N, D]) into Features (async: works on every backend). */
export async function featuresFromTensor(t: tf.Tensor): Promise<Features> {
  check(t instanceof tf.Tensor && t.rank >= 2, 'featuresFromTensor', 't', 'a tensor of shape [N, D] (or [N, ...])', t);
  const n = t.shape[0]!;
  const dim = t.size / Math.max(n, 1);
  const data = new Float32Array((await t.data()) as Float32Array);
  return { data, n, dim };
}

/** Features (all rows, or rows [start, end)) as a new float32 tensor [rows, D]; the caller disposes it. */
export function featuresToTensor(f: Features, start = 0, end = f.n): tf.Tensor2D {
  return tf.tensor2d(f.data.subarray(start * f.dim, end * f.dim), [end - start, f.dim], 'float32');
}

/** The rows at `indices` (a copy). */
export function selectRows(f: Features, indices: ArrayLike<number>): Features {
  const out = new Float32Array(indices.length * f.dim);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    check(Number.isInteger(i) && i >= 0 && i < f.n, 'selectRows', 'indices', `integers in [0, ${f.n})`, `${i} at position ${j}`);
    out.set(f.data.subarray(i * f.dim, (i + 1) * f.dim), j * f.dim);
  }
  return { data: out, n: indices.length, dim: f.dim };
}

/** Per-column mean and standard deviation (population, float64 accumulation). Columns with std 0 get std 1. */
export function columnStats(f: Features): { mean: Float32Array; std: Float32Array } {
  const { n, dim, data } = f;
  const sum = new Float64Array(dim);
  const sq = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    for (let j = 0; j < dim; j++) sum[j]! += data[o + j]!;
  }
  const mean = new Float32Array(dim);
  for (let j = 0; j < dim; j++) mean[j] = sum[j]! / n;
  for (let i = 0; i < n; i++) {
    const o = i * dim;
    for (let j = 0; j < dim; j++) {
      const c = data[o + j]! - mean[j]!;
      sq[j]! += c * c;
    }
  }
  const std = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    const s = Math.sqrt(sq[j]! / n);
    std[j] = s > 1e-8 ? s : 1;
  }
  return { mean, std };
}

/** (x − mean) / std column-wise, with given statistics (e.g. the training set's): a new Features. */
export function standardize(f: Features, stats: { mean: Float32Array; std: Float32Array } = columnStats(f)): Features {
  check(stats.mean.length === f.dim && stats.std.length === f.dim, 'standardize', 'stats', `mean and std of length dim = ${f.dim}`, stats.mean.length,
    'compute the statistics on features of the same dimension');
  const out = new Float32Array(f.data.length);
  for (let i = 0; i < f.n; i++) {
    const o = i * f.dim;
    for (let j = 0; j < f.dim; j++) out[o + j] = (f.data[o + j]! - stats.mean[j]!) / stats.std[j]!;
  }
  return { data: out, n: f.n, dim: f.dim };
}
