/**
 * VICReg (deck 003, "VICReg"; Bardes et al. 2022): three terms on the embeddings Z, Z' ∈ R^{n×d} of two views.
 *
 *   variance    v(Z) = (1/d) Σ_j max(0, γ − S(z^j, ε)),   S(x, ε) = √(Var(x) + ε)     (γ = 1, ε = 1e-4)
 *   covariance  c(Z) = (1/d) Σ_{i≠j} [C(Z)]²_ij,           C(Z) = (1/(n−1)) Σ_i (z_i − z̄)(z_i − z̄)ᵀ
 *   invariance  s(Z, Z') = (1/(n·d)) Σ_i ‖z_i − z'_i‖²₂    (the official code's F.mse_loss)
 *
 *   L(Z, Z') = λ s(Z, Z') + μ [v(Z) + v(Z')]/2 + ν [c(Z) + c(Z')]     (λ = μ = 25, ν = 1)
 *
 * This follows the official implementation (facebookresearch/vicreg `main_vicreg.py`, and lightly), for which the
 * defaults λ = μ = 25, ν = 1 were tuned. It differs from the deck's (and the paper's) written formula
 * L = λ (1/n) Σ_i ‖z_i − z'_i‖² + μ [v(Z) + v(Z')] + ν [c(Z) + c(Z')] in two places: the invariance term is a
 * mean over the n·d entries (the deck's divided by d more), and the variance term is averaged over the two
 * branches (the deck's halved). With the deck's formula at the same λ, μ the invariance would weigh d times
 * more and the variance hinge twice as much.
 *
 * The variance hinge keeps every dimension's batch std near γ (no shrinking to a point: collapse); the covariance
 * term decorrelates dimensions (no informational collapse onto a few directions). Var is the unbiased variance.
 * Setting μ = 0 and/or ν = 0 gives the "No Reg" / "Var Reg" columns of the deck's ablation table (notebook 09).
 *
 *   const loss = vicregLoss(z1, z2); // λ = μ = 25, ν = 1
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { offDiagonalMask } from '../../ops/matrix.js';
import { check } from '../../util/errors.js';
import { checkEmbeddings, checkSameShape, checkWeight } from '../../util/checks.js';

export interface VicregLossOptions {
  /** λ, weight of the invariance term (default 25). */
  invarianceWeight?: number;
  /** μ, weight of the variance term μ·[v(Z) + v(Z')]/2 (default 25; 0 switches it off). */
  varianceWeight?: number;
  /** ν, weight of the covariance term (default 1; 0 switches it off). */
  covarianceWeight?: number;
  /** γ, the target std of each dimension (default 1). */
  gamma?: number;
  /** ε inside the square root (default 1e-4). */
  eps?: number;
}

/** v(Z) = mean_j max(0, γ − √(Var(z^j) + ε)). Returns a scalar. */
export function varianceLoss(z: tf.Tensor2D, gamma = 1, eps = 1e-4): tf.Scalar {
  checkEmbeddings('varianceLoss', 'z', z, 2, { batchStatistic: true });
  check(typeof gamma === 'number' && gamma > 0, 'varianceLoss', 'gamma', 'a positive number (target std, VICReg uses 1)', gamma);
  check(typeof eps === 'number' && eps > 0, 'varianceLoss', 'eps', 'a positive number (e.g. 1e-4)', eps);
  return tf.tidy(() => {
    const n = z.shape[0];
    const c = tf.sub(z, tf.mean(z, 0, true));
    const std = tf.sqrt(tf.add(tf.div(tf.sum(tf.square(c), 0), n - 1), eps));
    return tf.mean(tf.relu(tf.sub(gamma, std))) as tf.Scalar;
  });
}

/** The covariance matrix C(Z) = (Z − Z̄)ᵀ(Z − Z̄)/(n − 1), [d, d]. */
export function covarianceMatrix(z: tf.Tensor2D): tf.Tensor2D {
  checkEmbeddings('covarianceMatrix', 'z', z, 2, { batchStatistic: true });
  return tf.tidy(() => {
    const c = tf.sub(z, tf.mean(z, 0, true));
    return tf.div(tf.matMul(c, c, true, false), z.shape[0] - 1) as tf.Tensor2D;
  });
}

/** c(Z) = (1/d) Σ_{i≠j} C(Z)²_ij. Returns a scalar. */
export function covarianceLoss(z: tf.Tensor2D): tf.Scalar {
  checkEmbeddings('covarianceLoss', 'z', z, 2, { batchStatistic: true });
  return tf.tidy(() => {
    const d = z.shape[1];
    return tf.div(tf.sum(tf.mul(tf.square(covarianceMatrix(z)), offDiagonalMask(d))), d) as tf.Scalar;
  });
}

/** s(Z, Z') = (1/(n·d)) Σ_i ‖z_i − z'_i‖², the mean over rows and dimensions of (z − z')² (the official `F.mse_loss`; the deck's (1/n)Σ‖z_i − z'_i‖² divided by d). Returns a scalar. */
export function invarianceLoss(z1: tf.Tensor2D, z2: tf.Tensor2D): tf.Scalar {
  checkEmbeddings('invarianceLoss', 'z1', z1, 1, { batchStatistic: true });
  checkSameShape('invarianceLoss', 'z2', z1, z2);
  return tf.tidy(() => tf.mean(tf.squaredDifference(z1, z2)) as tf.Scalar);
}

/** μ [v(Z) + v(Z')]/2: VICReg's weighted variance term on the two views (the joint-embedding methods' "Var Reg"). */
export function vicregVarianceTerm(z1: tf.Tensor2D, z2: tf.Tensor2D, weight: number, gamma = 1, eps = 1e-4): tf.Scalar {
  return tf.tidy(() => tf.mul(weight / 2, tf.add(varianceLoss(z1, gamma, eps), varianceLoss(z2, gamma, eps))) as tf.Scalar);
}

/** ν [c(Z) + c(Z')]: VICReg's weighted covariance term on the two views. */
export function vicregCovarianceTerm(z1: tf.Tensor2D, z2: tf.Tensor2D, weight: number): tf.Scalar {
  return tf.tidy(() => tf.mul(weight, tf.add(covarianceLoss(z1), covarianceLoss(z2))) as tf.Scalar);
}

/** The three weighted terms and their sum { loss, invariance, variance, covariance } (scalars, caller disposes). */
export function vicregTerms(z1: tf.Tensor2D, z2: tf.Tensor2D, options: VicregLossOptions = {}): { loss: tf.Scalar; invariance: tf.Scalar; variance: tf.Scalar; covariance: tf.Scalar } {
  const where = 'vicregLoss';
  const { invarianceWeight = 25, varianceWeight = 25, covarianceWeight = 1, gamma = 1, eps = 1e-4 } = options;
  checkWeight(where, 'invarianceWeight', invarianceWeight);
  checkWeight(where, 'varianceWeight', varianceWeight);
  checkWeight(where, 'covarianceWeight', covarianceWeight);
  checkEmbeddings(where, 'z1', z1, 2, { batchStatistic: true });
  checkSameShape(where, 'z2', z1, z2);
  return tf.tidy(() => {
    const invariance = tf.mul(invarianceWeight, invarianceLoss(z1, z2)) as tf.Scalar;
    const variance = vicregVarianceTerm(z1, z2, varianceWeight, gamma, eps);
    const covariance = vicregCovarianceTerm(z1, z2, covarianceWeight);
    return { loss: tf.addN([invariance, variance, covariance]) as tf.Scalar, invariance, variance, covariance };
  });
}

/** L = λ s(Z, Z') + μ [v(Z) + v(Z')]/2 + ν [c(Z) + c(Z')] (the official implementation's weighting). Returns a scalar (caller disposes). */
export function vicregLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, options: VicregLossOptions = {}): tf.Scalar {
  return tf.tidy(() => vicregTerms(z1, z2, options).loss);
}
