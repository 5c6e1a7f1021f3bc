/**
 * BYOL's loss (deck 003, "BYOL": "MSE of ℓ²-normalized predictions (proportional to cosine distance)"; Grill et
 * al. 2020): the online prediction p = q_θ(z_θ) of one view regresses the target projection z' = z_ξ of the other
 * view, both ℓ²-normalised:
 *
 *   ℓ(p, z') = ‖ p/‖p‖₂ − z'/‖z'‖₂ ‖²₂ = 2 − 2 · ⟨p, z'⟩ / (‖p‖₂ ‖z'‖₂)
 *
 * averaged over the batch. The method symmetrises it, L = ℓ(p₁, z'₂) + ℓ(p₂, z'₁), with the target branch outside
 * the gradient (stop-gradient / EMA weights). This function does not stop gradients itself: the caller passes the
 * target through `stopGradient` (or computes it outside the tape).
 *
 *   const loss = byolLoss(p1, stopGradient(z2), p2, stopGradient(z1)); // predictions p, target projections z
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from '../../ops/distances.js';
import { checkEmbeddings, checkSameShape } from '../../util/checks.js';

/** Normalised MSE 2 − 2 cos(p_i, z_i), averaged over the N rows. Returns a scalar (caller disposes). */
export function normalizedMse(p: tf.Tensor2D, z: tf.Tensor2D): tf.Scalar {
  checkEmbeddings('normalizedMse', 'p', p, 1, { batchStatistic: true });
  checkSameShape('normalizedMse', 'z', p, z);
  return tf.tidy(() => tf.mean(tf.sub(2, tf.mul(2, tf.sum(tf.mul(l2Normalize(p), l2Normalize(z)), 1)))) as tf.Scalar);
}

/** BYOL's symmetrised loss ℓ(p₁, z₂) + ℓ(p₂, z₁) (the targets z must already be stop-gradient'ed). */
export function byolLoss(p1: tf.Tensor2D, z2: tf.Tensor2D, p2: tf.Tensor2D, z1: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.add(normalizedMse(p1, z2), normalizedMse(p2, z1)) as tf.Scalar);
}
