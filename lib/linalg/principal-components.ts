/**
 * The linear algebra of PCA (lib/classical/pca.ts; lib/eval's 2-D maps): the column means, the total variance
 * trace(C) and the top-k eigenpairs of the covariance C = (1/(N−1)) Σ x̃ x̃ᵀ (x̃ = x − μ), and the projection
 * z = W_k (x − μ) of rows onto them.
 *
 * Engines: 'ml-pca' (the ml-pca package, SVD in JS: small data) and 'tensor' (C — or the N×N Gram matrix X̃X̃ᵀ when
 * N < d — accumulated in row tiles on the active backend, then the JS symmetric eigensolver of
 * lib/linalg/symmetric-eigen.ts on the d×d (or N×N) matrix: large N such as 60k×784). Components are signed so that
 * their largest-magnitude entry is positive, so both engines return the same W.
 */
import * as tf from '@tensorflow/tfjs-core';
import { PCA as MlPca } from 'ml-pca';
import { type Features, featuresToTensor } from './features.js';
import { symmetricEigen } from './symmetric-eigen.js';

export interface PrincipalComponents {
  /** Column means μ (length D). */
  mean: Float32Array;
  /** The top-k directions as the rows of a k×D row-major matrix W (orthonormal, largest variance first). */
  W: Float64Array;
  /** λ_1 ≥ … ≥ λ_k, the variances along them (eigenvalues of C, N − 1 denominator). */
  variances: Float64Array;
  /** trace(C). */
  totalVariance: number;
}

/** The engine 'auto' picks: ml-pca for small data (D ≤ 64 and N ≤ 5000), else tensor. */
export function autoPcaEngine(n: number, dim: number): 'tensor' | 'ml-pca' {
  return dim <= 64 && n <= 5000 ? 'ml-pca' : 'tensor';
}

/** Mean, total variance and top-k eigenpairs of the covariance of the rows of `f` (checked by the caller: N ≥ 2, 1 ≤ k ≤ min(D, N − 1)). */
export async function principalComponents(f: Features, k: number, engine: 'tensor' | 'ml-pca', tileRows: number): Promise<PrincipalComponents> {
  const { n, dim } = f;
  // Mean and total variance in float64 JS (shared by both engines).
  const mean64 = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean64[j]! += f.data[i * dim + j]!;
  for (let j = 0; j < dim; j++) mean64[j]! /= n;
  let total = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) total += (f.data[i * dim + j]! - mean64[j]!) ** 2;
  total /= n - 1;
  const mean = Float32Array.from(mean64);

  let W: Float64Array; // k×D row-major
  let variances: Float64Array;
  if (engine === 'ml-pca') {
    const rows = Array.from({ length: n }, (_, i) => Array.from(f.data.subarray(i * dim, (i + 1) * dim)));
    const p = new MlPca(rows, { center: true, scale: false });
    const U = p.getEigenvectors().to2DArray(); // D × r, columns = components
    const S = p.getEigenvalues();
    W = new Float64Array(k * dim);
    for (let c = 0; c < k; c++) for (let j = 0; j < dim; j++) W[c * dim + j] = U[j]![c] ?? 0;
    variances = Float64Array.from(S.slice(0, k));
  } else {
    ({ W, variances } = await tensorEigen(f, mean, k, tileRows));
  }
  // Sign convention: the largest-magnitude entry of each component is positive.
  for (let c = 0; c < k; c++) {
    let m = 0;
    for (let j = 1; j < dim; j++) if (Math.abs(W[c * dim + j]!) > Math.abs(W[c * dim + m]!)) m = j;
    if (W[c * dim + m]! < 0) for (let j = 0; j < dim; j++) W[c * dim + j] = -W[c * dim + j]!;
  }
  return { mean, W, variances, totalVariance: total };
}

/** z = W_m (x − μ) for the rows of `x`, W_m the first m rows of the k×D `components`, in tiles of `tileRows` rows. */
export async function projectRows(x: Features, mean: Float32Array, components: Float32Array, m: number, tileRows: number): Promise<Features> {
  const dim = mean.length;
  const out = new Float32Array(x.n * m);
  for (let s = 0; s < x.n; s += tileRows) {
    const e = Math.min(x.n, s + tileRows);
    const z = tf.tidy(() => tf.matMul(tf.sub(featuresToTensor(x, s, e), tf.tensor1d(mean)), tf.tensor2d(components.subarray(0, m * dim), [m, dim]), false, true));
    out.set((await z.data()) as Float32Array, s * m);
    z.dispose();
  }
  return { data: out, n: x.n, dim: m };
}

/** Top-k eigenpairs of the covariance through the backend (C, or the Gram matrix when N < D). */
async function tensorEigen(f: Features, mean: Float32Array, k: number, tileRows: number): Promise<{ W: Float64Array; variances: Float64Array }> {
  const { n, dim } = f;
  const meanT = tf.tensor1d(mean);
  try {
    if (n >= dim) {
      let acc: tf.Tensor2D = tf.zeros([dim, dim]);
      for (let s = 0; s < n; s += tileRows) {
        const e = Math.min(n, s + tileRows);
        const next = tf.tidy(() => {
          const xc = tf.sub(featuresToTensor(f, s, e), meanT);
          return tf.add(acc, tf.matMul(xc, xc, true, false)) as tf.Tensor2D;
        });
        acc.dispose();
        acc = next;
      }
      const cov = (await acc.data()) as Float32Array;
      acc.dispose();
      const { values, vectors } = symmetricEigen(cov, dim);
      const W = new Float64Array(k * dim);
      for (let c = 0; c < k; c++) for (let j = 0; j < dim; j++) W[c * dim + j] = vectors[j * dim + c]!;
      return { W, variances: values.slice(0, k).map((v) => Math.max(v, 0) / (n - 1)) };
    }
    // N < D: eigenvectors u of G = X̃X̃ᵀ give the components w = X̃ᵀu / ‖X̃ᵀu‖ = X̃ᵀu / sqrt(μ), λ = μ / (N − 1).
    const xc = tf.tidy(() => tf.sub(featuresToTensor(f), meanT)) as tf.Tensor2D;
    try {
      const gT = tf.matMul(xc, xc, false, true);
      const g = (await gT.data()) as Float32Array;
      gT.dispose();
      const { values, vectors } = symmetricEigen(g, n);
      const U = new Float32Array(n * k);
      for (let i = 0; i < n; i++) for (let c = 0; c < k; c++) U[i * k + c] = vectors[i * n + c]! / Math.sqrt(Math.max(values[c]!, 1e-30));
      const wT = tf.tidy(() => tf.matMul(tf.tensor2d(U, [n, k]), xc, true, false)); // k × D
      const W = Float64Array.from((await wT.data()) as Float32Array);
      wT.dispose();
      // Re-normalise (float32 round-off).
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < dim; j++) s += W[c * dim + j]! ** 2;
        s = Math.sqrt(s) || 1;
        for (let j = 0; j < dim; j++) W[c * dim + j]! /= s;
      }
      return { W, variances: values.slice(0, k).map((v) => Math.max(v, 0) / (n - 1)) };
    } finally {
      xc.dispose();
    }
  } finally {
    meanT.dispose();
  }
}
