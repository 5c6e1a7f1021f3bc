/**
 * RankMe (deck 003, "Evaluation protocols": "Unsupervised alternative for hyper-parameter optimization: RankMe";
 * Garrido et al. 2023): a label-free score of a representation, the smooth rank of its embedding matrix
 * Z ∈ R^{N×D}:
 *
 *   p_k = σ_k(Z) / ‖σ(Z)‖₁ + ε,       RankMe(Z) = exp( −Σ_{k=1}^{min(N,D)} p_k log p_k )       (ε = 1e-7)
 *
 * with σ_k the singular values ({@link singularValues}: float64 Gram + symmetric eigen-solver). It lies in
 * [1, min(N, D)]: 1 when every embedding is the same vector (complete collapse), min(N, D) for a flat spectrum.
 * Garrido et al. find it tracks linear-probe accuracy across hyper-parameters of a method (notebook 09). Unlike
 * lib/eval's `effectiveRank` (Roy & Vetterli, centred) RankMe uses the raw embeddings, so a constant embedding
 * scores 1 rather than noise.
 */
import { check } from '../util/errors.js';
import type { Features } from './features.js';
import { singularValues, type SpectrumOptions } from './spectrum.js';

export interface RankMeOptions extends SpectrumOptions {
  /** ε added to each p_k (default 1e-7). */
  eps?: number;
}

/** RankMe from singular values σ (any order). */
export function rankMeFromSingularValues(sigma: ArrayLike<number>, eps = 1e-7): number {
  check(sigma !== null && typeof sigma === 'object' && sigma.length > 0, 'rankMe', 'sigma', 'a non-empty list of singular values', sigma);
  check(typeof eps === 'number' && eps >= 0 && eps < 1, 'rankMe', 'eps', 'a small number >= 0 (Garrido et al.: 1e-7)', eps);
  let total = 0;
  for (let k = 0; k < sigma.length; k++) {
    check(Number.isFinite(sigma[k]) && sigma[k]! >= 0, 'rankMe', 'sigma', 'finite non-negative singular values', sigma[k]);
    total += sigma[k]!;
  }
  if (total === 0) return 1;
  let h = 0;
  for (let k = 0; k < sigma.length; k++) {
    const p = sigma[k]! / total + eps;
    if (p > 0) h -= p * Math.log(p);
  }
  return Math.exp(h);
}

/** RankMe of a feature matrix (rows = items). */
export function rankMe(f: Features, options: RankMeOptions = {}): number {
  return rankMeFromSingularValues(singularValues(f, options), options.eps ?? 1e-7);
}
