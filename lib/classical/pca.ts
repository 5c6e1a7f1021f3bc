/**
 * Principal component analysis (deck 002, "Principal Component Analysis"): represent x ∈ R^d by its coordinates
 * on the k largest principal components,
 *
 *   min_W Σ_x ‖x̃ − Wᵀ W x̃‖²   s.t.  W Wᵀ = I_k,     x̃ = x − μ,   W ∈ R^{k×d}
 *
 * whose solution's rows are the top-k eigenvectors of the covariance C = (1/(N−1)) Σ x̃ x̃ᵀ. Encoder W (project),
 * decoder Wᵀ (reconstruct): "PCA is like autoencoding, with a linear encoder and decoder and an orthogonality
 * constraint". Explained variance ratio of component i: λ_i / trace(C).
 *
 * Engines: 'ml-pca' (the ml-pca package, SVD in JS: small data) and 'tensor' (C — or the N×N Gram matrix
 * X̃X̃ᵀ when N < d — accumulated in row tiles on the active backend, then a JS symmetric eigensolver on the d×d
 * (or N×N) matrix: large N such as 60k×784). Components are signed so that their largest-magnitude entry is
 * positive, so both engines return the same W. The linear algebra is lib/linalg/principal-components.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkFeatures, type Features, featuresToTensor } from '../linalg/features.js';
import { autoPcaEngine, principalComponents, projectRows } from '../linalg/principal-components.js';
import { check } from '../util/errors.js';

export type PcaEngine = 'auto' | 'tensor' | 'ml-pca';

export interface PcaOptions {
  /** Number of components k (default min(D, N − 1, 100)). */
  components?: number;
  /** 'auto' (default): ml-pca when D ≤ 64 and N ≤ 5000, else tensor. */
  engine?: PcaEngine;
  /** Rows per tile of the tensor engine (default 8192). */
  tileRows?: number;
}

export interface PcaModel {
  /** Number of components kept. */
  k: number;
  dim: number;
  /** Column means μ (length D). */
  mean: Float32Array;
  /** Principal directions as the rows of a k×D matrix W (orthonormal rows, largest variance first). */
  components: Features;
  /** Variances λ_1 ≥ … ≥ λ_k along the components (eigenvalues of C, N − 1 denominator). */
  variances: Float64Array;
  /** trace(C): the total variance. */
  totalVariance: number;
  /** λ_i / trace(C). */
  explainedVarianceRatio: Float64Array;
  /** Running sums of explainedVarianceRatio. */
  cumulativeVarianceRatio: Float64Array;
  engine: 'tensor' | 'ml-pca';
  /** Codes z = W_k (x − μ) of the rows of `f` (first `k` components; default all kept). */
  project(f: Features, k?: number): Promise<Features>;
  /** x̂ = W_kᵀ z + μ for codes z (their dim picks k). */
  reconstruct(codes: Features): Promise<Features>;
  /** The projection as an Encoder function on image batches (for embed() and the property metrics); caller disposes. */
  encoder(k?: number): (x: tf.Tensor4D) => tf.Tensor2D;
}

/** Fit PCA to the rows of `f`. */
export async function pca(f: Features, options: PcaOptions = {}): Promise<PcaModel> {
  const where = 'pca';
  checkFeatures(f, where, 'features', { minRows: 2 });
  const { n, dim } = f;
  const maxK = Math.min(dim, n - 1);
  const k = options.components ?? Math.min(maxK, 100);
  check(Number.isInteger(k) && k >= 1 && k <= maxK, where, 'components', `an integer in [1, min(D, N − 1) = ${maxK}]`, k, 'ask for fewer components, or use more rows');
  const engine = options.engine === undefined || options.engine === 'auto' ? autoPcaEngine(n, dim) : options.engine;
  check(engine === 'tensor' || engine === 'ml-pca', where, 'engine', "'auto', 'tensor' or 'ml-pca'", options.engine);
  const tileRows = options.tileRows ?? 8192;
  check(Number.isInteger(tileRows) && tileRows > 0, where, 'tileRows', 'a positive integer', tileRows);

  const { mean, W, variances, totalVariance: total } = await principalComponents(f, k, engine, tileRows);
  const explainedVarianceRatio = variances.map((v) => (total > 0 ? v / total : 0));
  const cumulativeVarianceRatio = new Float64Array(k);
  explainedVarianceRatio.reduce((acc, v, i) => (cumulativeVarianceRatio[i] = acc + v), 0);
  const components: Features = { data: Float32Array.from(W), n: k, dim };
  const pick = (kk: number | undefined, what: string) => {
    const m = kk ?? k;
    check(Number.isInteger(m) && m >= 1 && m <= k, `pca.${what}`, 'k', `an integer in [1, ${k}] (components kept)`, kk);
    return m;
  };
  const wT = (m: number) => tf.tensor2d(components.data.subarray(0, m * dim), [m, dim]);
  return {
    k, dim, mean, components, variances, totalVariance: total, explainedVarianceRatio, cumulativeVarianceRatio, engine,
    async project(x: Features, kk?: number): Promise<Features> {
      const m = pick(kk, 'project');
      checkFeatures(x, 'pca.project', 'features');
      check(x.dim === dim, 'pca.project', 'features', `rows of dimension ${dim}`, x.dim);
      return projectRows(x, mean, components.data, m, tileRows);
    },
    async reconstruct(codes: Features): Promise<Features> {
      checkFeatures(codes, 'pca.reconstruct', 'codes');
      const m = pick(codes.dim, 'reconstruct');
      const out = new Float32Array(codes.n * dim);
      for (let s = 0; s < codes.n; s += tileRows) {
        const e = Math.min(codes.n, s + tileRows);
        const xh = tf.tidy(() => tf.add(tf.matMul(featuresToTensor(codes, s, e), wT(m)), tf.tensor1d(mean)));
        out.set((await xh.data()) as Float32Array, s * dim);
        xh.dispose();
      }
      return { data: out, n: codes.n, dim };
    },
    encoder(kk?: number): (x: tf.Tensor4D) => tf.Tensor2D {
      const m = pick(kk, 'encoder');
      return (x: tf.Tensor4D) => tf.tidy(() => {
        check(x.size / x.shape[0] === dim, 'pca.encoder', 'x', `images of ${dim} values each`, x);
        return tf.matMul<tf.Tensor2D>(tf.sub(tf.reshape(x, [x.shape[0], dim]), tf.tensor1d(mean)), wT(m), false, true);
      });
    },
  };
}

/** Mean squared reconstruction error per value, (1/(N·D)) Σ ‖x − x̂‖², of `f` with the first k components. */
export async function pcaReconstructionError(model: PcaModel, f: Features, k = model.k): Promise<number> {
  const rec = await model.reconstruct(await model.project(f, k));
  let s = 0;
  for (let i = 0; i < f.data.length; i++) s += (f.data[i]! - rec.data[i]!) ** 2;
  return s / f.data.length;
}
