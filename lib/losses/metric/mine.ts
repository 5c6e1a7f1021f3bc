/**
 * MINE — Belghazi et al. 2018 (deck 003, the "MINE" row of the generalisation table): maximise the
 * Donsker–Varadhan lower bound on the mutual information between anchor and positive,
 *
 *   Î(A; P) = E_{joint}[T(a, p)] − log E_{marginal}[e^{T(a, p')}],      L_MINE = −Î
 *
 * with the critic T(a, b) = −‖a − b‖² (the form the table assumes). On an N-pair batch the joint samples are
 * (a_i, p_i) and the marginal samples (a_i, p_j), j ≠ i:
 *   marginal 'pooled' (default, MINE's estimator):  log( (1/(N(N−1))) Σ_{i≠j} e^{T_ij} )
 *   marginal 'perAnchor':                           (1/N) Σ_i log( (1/(N−1)) Σ_{j≠i} e^{T_ij} )
 * The table's instance is the per-anchor form: L_{log, exp} = mineLoss(perAnchor) + log(N − 1).
 *
 *   const loss = mineLoss(anchors, positives); // −(MINE lower bound on I(a; p)), rows paired [N, D]
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { pairwiseSquaredDistances } from '../../ops/distances.js';
import { check } from '../../util/errors.js';
import { checkEmbeddings } from '../../util/checks.js';

export function mineLoss(anchors: tf.Tensor2D, positives: tf.Tensor2D, { marginal = 'pooled' }: { marginal?: 'pooled' | 'perAnchor' } = {}): tf.Scalar {
  const where = 'mineLoss';
  checkEmbeddings(where, 'anchors', anchors, 2, { float32: true });
  checkEmbeddings(where, 'positives', positives, 2, { float32: true });
  check(positives.shape[0] === anchors.shape[0] && positives.shape[1] === anchors.shape[1], where, 'positives', `a tensor of the same shape as anchors [${anchors.shape}]`, positives);
  check(marginal === 'pooled' || marginal === 'perAnchor', where, 'marginal', "'pooled' or 'perAnchor'", marginal);
  const n = anchors.shape[0];
  return tf.tidy(() => {
    const t = tf.neg(pairwiseSquaredDistances(anchors, positives)); // T_ij
    const eye = tf.eye(n);
    const joint = tf.mean(tf.sum(tf.mul(t, eye), 1));
    const off = tf.add(t, tf.mul(eye, -1e9)); // drop the diagonal from the log-sum-exp
    const lme = marginal === 'pooled'
      ? tf.sub(tf.logSumExp(tf.reshape(off, [-1])), Math.log(n * (n - 1)))
      : tf.mean(tf.sub(tf.logSumExp(off, 1), Math.log(n - 1)));
    return tf.neg(tf.sub(joint, lme)) as tf.Scalar;
  });
}
