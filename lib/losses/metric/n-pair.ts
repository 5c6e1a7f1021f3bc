/**
 * Multi-class N-pair loss — Sohn 2016 (deck 003, the "N+1 Tuple" row of the generalisation table): N anchors a_i
 * with one positive p_i each; the positives of the other anchors are the negatives,
 *
 *   L_N-pair = (1/N) Σ_i log( 1 + Σ_{j≠i} exp(a_iᵀ p_j − a_iᵀ p_i) ) + (l2Reg/N) Σ_i (‖a_i‖² + ‖p_i‖²)
 *
 * computed as the cross-entropy of the similarity logits S = A Pᵀ with target i in row i (numerically stable).
 * Sohn regularises the embedding norms (l2Reg, default 0 here).
 *
 *   const loss = nPairLoss(anchors, positives); // row i of positives is anchor i's positive, the others its negatives
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../../util/errors.js';
import { checkEmbeddings } from '../../util/checks.js';

export function nPairLoss(anchors: tf.Tensor2D, positives: tf.Tensor2D, { l2Reg = 0 }: { l2Reg?: number } = {}): tf.Scalar {
  const where = 'nPairLoss';
  checkEmbeddings(where, 'anchors', anchors, 2, { float32: true });
  checkEmbeddings(where, 'positives', positives, 2, { float32: true });
  check(positives.shape[0] === anchors.shape[0] && positives.shape[1] === anchors.shape[1], where, 'positives', `a tensor of the same shape as anchors [${anchors.shape}]`, positives);
  check(typeof l2Reg === 'number' && Number.isFinite(l2Reg) && l2Reg >= 0, where, 'l2Reg', 'a finite number >= 0', l2Reg);
  const n = anchors.shape[0];
  return tf.tidy(() => {
    const s = tf.matMul(anchors, positives, false, true);
    const ce = tf.mean(tf.sub(tf.logSumExp(s, 1), tf.sum(tf.mul(s, tf.eye(n)), 1)));
    if (l2Reg === 0) return ce as tf.Scalar;
    const reg = tf.div(tf.add(tf.sum(tf.square(anchors)), tf.sum(tf.square(positives))), n);
    return tf.add(ce, tf.mul(l2Reg, reg)) as tf.Scalar;
  });
}
