/**
 * The singular-value spectrum of an embedding matrix Z ∈ R^{N×D} (deck 003, "RankMe"; the "dimensional collapse"
 * plots of Jing et al. 2022): σ_1 ≥ σ_2 ≥ … ≥ σ_min(N,D), computed as √λ_k of the Gram matrix ZᵀZ (D×D), or of
 * ZZᵀ (N×N) when N < D — both have the same non-zero eigenvalues. tfjs has no SVD: the Gram matrix is formed in
 * float64 in JS and diagonalised with lib/eval's `symmetricEigenvalues` (Householder + QL), so singular values
 * down to ~1e-8·σ_1 are resolved (a float32 Gram matrix would blur them to ~3e-4·σ_1 and inflate RankMe).
 *
 * A healthy representation has a slowly decaying spectrum; a collapsed one a single σ_1 and the rest ≈ 0
 * (complete collapse) or a few large values then a cliff (dimensional collapse). Plot `log10` against the index.
 */
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { checkFeatures, type Features, selectRows } from './features.js';
import { symmetricEigenvalues } from '../linalg/symmetric-eigen.js';

export interface SpectrumOptions {
  /** Subtract the column means first (default false: RankMe uses the raw embeddings). */
  center?: boolean;
  /** Use at most this many rows, a seeded random subset (default 2048). */
  maxPoints?: number;
  seed?: number;
}

/** Gram matrix in float64: ZᵀZ [D×D] when D ≤ N, else ZZᵀ [N×N]. */
function gram(f: Features, center: boolean): { g: Float64Array; size: number } {
  const { n, dim, data } = f;
  const z = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) z[i] = data[i]!;
  if (center) {
    for (let j = 0; j < dim; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += z[i * dim + j]!;
      const m = s / n;
      for (let i = 0; i < n; i++) z[i * dim + j]! -= m;
    }
  }
  if (dim <= n) {
    const g = new Float64Array(dim * dim);
    for (let i = 0; i < n; i++) {
      const o = i * dim;
      for (let a = 0; a < dim; a++) {
        const za = z[o + a]!;
        if (za === 0) continue;
        const row = a * dim;
        for (let b = a; b < dim; b++) g[row + b]! += za * z[o + b]!;
      }
    }
    for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) g[a * dim + b] = g[b * dim + a]!;
    return { g, size: dim };
  }
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let k = i; k < n; k++) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += z[i * dim + j]! * z[k * dim + j]!;
    g[i * n + k] = s;
    g[k * n + i] = s;
  }
  return { g, size: n };
}

/** Singular values of the N×D feature matrix, largest first (min(N, D) of them, after subsampling). */
export function singularValues(f: Features, options: SpectrumOptions = {}): Float64Array {
  const where = 'singularValues';
  checkFeatures(f, where, 'features');
  const { center = false, maxPoints = 2048, seed = 0 } = options;
  check(Number.isInteger(maxPoints) && maxPoints >= 1, where, 'maxPoints', 'a positive integer', maxPoints);
  const x = f.n > maxPoints ? selectRows(f, new Rng(seed).sample(f.n, maxPoints).sort()) : f;
  const { g, size } = gram(x, center);
  return symmetricEigenvalues(g, size).map((v) => Math.sqrt(Math.max(v, 0)));
}

export interface Spectrum {
  /** σ_k, largest first. */
  singularValues: number[];
  /** σ_k / Σσ (sums to 1; the p_k of RankMe without ε). */
  normalized: number[];
  /** log10(σ_k / σ_1), floored at −12 (0 for the first): the plot of the spectrum. */
  log10: number[];
  /** 1, 2, … for the x axis. */
  index: number[];
}

/** The sorted, normalised singular-value spectrum with its log-scale plot data. */
export function embeddingSpectrum(f: Features, options: SpectrumOptions = {}): Spectrum {
  const s = Array.from(singularValues(f, options));
  const total = s.reduce((a, b) => a + b, 0);
  const top = s[0] ?? 0;
  return {
    singularValues: s,
    normalized: s.map((v) => (total > 0 ? v / total : 0)),
    log10: s.map((v) => (top > 0 ? Math.max(Math.log10(Math.max(v, 1e-300) / top), -12) : -12)),
    index: s.map((_, i) => i + 1),
  };
}
