/**
 * Barlow Twins (deck 003, "Barlow Twins"; Zbontar et al. 2021): make the cross-correlation matrix of the two
 * views' embeddings, computed along the batch, close to the identity:
 *
 *   ẑ^A = (z^A − mean_b z^A) / std_b z^A   (each of the D columns standardised over the N samples of the batch)
 *   C_ij = (1/N) Σ_b ẑ^A_{b,i} ẑ^B_{b,j}
 *   L_BT = Σ_i (1 − C_ii)²  +  λ Σ_i Σ_{j≠i} C_ij²
 *          (invariance)        (redundancy reduction)
 *
 * The invariance term makes each unit invariant to the distortions; the redundancy term decorrelates the units.
 * std is the unbiased sample std with ε = 1e-5 added (the reference pseudocode's `z.std(0)`). λ defaults to
 * 5e-3 (the paper's 0.0051 for D = 8192; small embeddings tolerate up to ~1/D).
 *
 *   const loss = barlowTwinsLoss(z1, z2, { lambda: 5e-3 }); // the projections of two views [N, D]
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { offDiagonalMask } from '../../ops/matrix.js';
import { checkEmbeddings, checkSameShape, checkWeight } from '../../util/checks.js';

export interface BarlowTwinsLossOptions {
  /** λ, weight of the redundancy-reduction term (default 5e-3). */
  lambda?: number;
  /** Added to the std before dividing (default 1e-5). */
  eps?: number;
}

/** Standardise each column over the batch: (z − mean) / (std + eps), std unbiased. */
export function batchStandardize(z: tf.Tensor2D, eps = 1e-5): tf.Tensor2D {
  return tf.tidy(() => {
    const n = z.shape[0];
    const c = tf.sub(z, tf.mean(z, 0, true));
    const std = tf.sqrt(tf.div(tf.sum(tf.square(c), 0, true), Math.max(n - 1, 1)));
    return tf.div(c, tf.add(std, eps)) as tf.Tensor2D;
  });
}

/** C = ẑ^Aᵀ ẑ^B / N: the D × D cross-correlation of the batch-standardised views. */
export function crossCorrelation(z1: tf.Tensor2D, z2: tf.Tensor2D, eps = 1e-5): tf.Tensor2D {
  checkEmbeddings('crossCorrelation', 'z1', z1, 2, { batchStatistic: true });
  checkSameShape('crossCorrelation', 'z2', z1, z2);
  return tf.tidy(() => tf.div(tf.matMul(batchStandardize(z1, eps), batchStandardize(z2, eps), true, false), z1.shape[0]) as tf.Tensor2D);
}

/** The two terms separately: { invariance: Σ(1 − C_ii)², redundancy: Σ_{i≠j} C_ij² } (scalars, caller disposes). */
export function barlowTwinsTerms(z1: tf.Tensor2D, z2: tf.Tensor2D, options: BarlowTwinsLossOptions = {}): { invariance: tf.Scalar; redundancy: tf.Scalar } {
  checkEmbeddings('barlowTwinsLoss', 'z1', z1, 2, { batchStatistic: true });
  checkSameShape('barlowTwinsLoss', 'z2', z1, z2);
  const { eps = 1e-5 } = options;
  return tf.tidy(() => {
    const c = crossCorrelation(z1, z2, eps);
    const d = z1.shape[1];
    const diag = tf.sum(tf.mul(c, tf.eye(d)), 1);
    const invariance = tf.sum(tf.square(tf.sub(1, diag))) as tf.Scalar;
    const redundancy = tf.sum(tf.mul(tf.square(c), offDiagonalMask(d))) as tf.Scalar;
    return { invariance, redundancy };
  });
}

/** L_BT = Σ_i (1 − C_ii)² + λ Σ_{i≠j} C_ij². Returns a scalar (caller disposes). */
export function barlowTwinsLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, options: BarlowTwinsLossOptions = {}): tf.Scalar {
  const { lambda = 5e-3 } = options;
  checkWeight('barlowTwinsLoss', 'lambda', lambda);
  return tf.tidy(() => {
    const { invariance, redundancy } = barlowTwinsTerms(z1, z2, options);
    return tf.add(invariance, tf.mul(lambda, redundancy)) as tf.Scalar;
  });
}
