/**
 * SimSiam's loss (deck 003, "SimSiam"; Chen & He 2021): the negative cosine similarity of the prediction of one view
 * and the stop-gradient'ed projection of the other,
 *
 *   D(p₁, z₂) = − p₁/‖p₁‖₂ · z₂/‖z₂‖₂
 *   L = ½ D(p₁, stopgrad(z₂)) + ½ D(p₂, stopgrad(z₁))
 *
 * each D averaged over the batch; L ∈ [−1, 1], −1 when every prediction points along its target. Without the
 * stop-gradient the two branches can agree trivially (every z the same vector): the collapse of notebook 09.
 *
 *   const loss = simsiamLoss(p1, z2, p2, z1); // stop-gradient on z inside (stopGradient: false for the ablation)
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from '../../ops/distances.js';
import { stopGradient as sg } from '../../ops/gradients.js';
import { checkEmbeddings, checkSameShape } from '../../util/checks.js';

/** D(p, z) = −mean_i cos(p_i, z_i). No stop-gradient here (see {@link simsiamLoss}). Returns a scalar. */
export function negativeCosine(p: tf.Tensor2D, z: tf.Tensor2D): tf.Scalar {
  checkEmbeddings('negativeCosine', 'p', p, 1, { batchStatistic: true });
  checkSameShape('negativeCosine', 'z', p, z);
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(l2Normalize(p), l2Normalize(z)), 1))) as tf.Scalar);
}

export interface SimsiamLossOptions {
  /** Stop the gradient through the targets z (default true; false is the collapsing ablation). */
  stopGradient?: boolean;
}

/** ½ D(p₁, sg(z₂)) + ½ D(p₂, sg(z₁)). Returns a scalar (caller disposes). */
export function simsiamLoss(p1: tf.Tensor2D, z2: tf.Tensor2D, p2: tf.Tensor2D, z1: tf.Tensor2D, options: SimsiamLossOptions = {}): tf.Scalar {
  const { stopGradient = true } = options;
  return tf.tidy(() => {
    const t = <T extends tf.Tensor>(z: T): T => (stopGradient ? sg(z) : z);
    return tf.mul(0.5, tf.add(negativeCosine(p1, t(z2)), negativeCosine(p2, t(z1)))) as tf.Scalar;
  });
}
