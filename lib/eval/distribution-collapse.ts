/**
 * The two collapse modes of a distribution-valued output such as DINO's teacher (deck 001, "Distillation":
 * "centering prevents one dimension to dominate but encourages collapse to the uniform distribution, while the
 * sharpening has the opposite effect"). For rows P_i ∈ Δ^K (probabilities over K dimensions) of a batch:
 *
 *   entropy         H̄ = (1/N) Σ_i −Σ_k P_ik log P_ik            → log K when every P_i is uniform (centering only)
 *   dominant mass   M̄ = (1/N) Σ_i max_k P_ik                      → 1 when each P_i sits on one dimension
 *   batch dominant  max_k (1/N) Σ_i P_ik, the share of the most used dimension over the batch
 *                   → 1 when every input picks the same dimension (sharpening only), 1/K for balanced use
 *
 * Both collapses make the output useless: uniform rows carry no information, one shared dimension neither.
 */
import { check } from '../util/errors.js';
import { checkFeatures, type Features } from './features.js';

export interface DistributionCollapse {
  /** Mean entropy of the rows (nats). */
  entropy: number;
  /** entropy / log K, in [0, 1]: 1 = uniform rows. */
  normalizedEntropy: number;
  /** Mean over the rows of max_k P_ik, in [1/K, 1]. */
  dominantMass: number;
  /** max_k of the batch-mean distribution, in [1/K, 1]: 1 = every row on the same dimension. */
  batchDominantMass: number;
  /** K. */
  dim: number;
}

/** Entropy and dominant-dimension mass of probability rows (each row ≥ 0 and summing to 1 within 1e-3). */
export function distributionCollapse(p: Features): DistributionCollapse {
  const where = 'distributionCollapse';
  checkFeatures(p, where, 'p');
  const { n, dim, data } = p;
  check(dim >= 2, where, 'p.dim', 'at least 2 dimensions', dim);
  let h = 0, mx = 0;
  const colMean = new Float64Array(dim);
  for (let i = 0; i < n; i++) {
    let s = 0, m = 0, e = 0;
    for (let k = 0; k < dim; k++) {
      const v = data[i * dim + k]!;
      check(v >= 0, where, 'p', 'probabilities >= 0 (pass softmax outputs, not logits)', `${v} in row ${i}`);
      s += v;
      if (v > m) m = v;
      if (v > 0) e -= v * Math.log(v);
      colMean[k]! += v / n;
    }
    check(Math.abs(s - 1) < 1e-3, where, 'p', 'rows summing to 1 (probability distributions)', `row ${i} sums to ${s}`, 'apply a softmax first');
    h += e / n;
    mx += m / n;
  }
  return { entropy: h, normalizedEntropy: h / Math.log(dim), dominantMass: mx, batchDominantMass: Math.max(...colMean), dim };
}
