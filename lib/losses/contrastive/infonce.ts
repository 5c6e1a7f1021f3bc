/**
 * InfoNCE (deck 000, "InfoNCE loss (2/2)"; deck 002, "Contrastive Learning"): contrastive learning as
 * classification. The anchor ŷ is the input to classify; the positive ŷ⁺ and the negatives 𝒩 are the classes;
 * the loss is softmax + cross-entropy with the positive as the right class:
 *
 *   L_info(ŷ, ŷ⁺, 𝒩) = −log( exp(s(ŷ, ŷ⁺)/τ) / ( exp(s(ŷ, ŷ⁺)/τ) + Σ_{ŷ⁻ ∈ 𝒩} exp(s(ŷ, ŷ⁻)/τ) ) )
 *
 * with s(a, b) = aᵀb on L2-normalised vectors (cosine similarity; `normalize: false` for the raw dot product)
 * and temperature τ > 0, averaged over the N anchors of a batch. MoCo (deck 002): q the anchor, k₊ its key,
 * the queue of past keys the negatives.
 *
 *   const loss = infoNce(q, kPositive, queue, { temperature: 0.07 }); // q, k₊ [N, D], queue [M, D]
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from '../../ops/distances.js';
import { check } from '../../util/errors.js';
import { checkTemperature } from '../../util/checks.js';

export interface InfoNceOptions {
  /** τ > 0 (default 0.1). */
  temperature?: number;
  /** L2-normalise the embeddings first, so s is the cosine similarity (default true). */
  normalize?: boolean;
}

/**
 * The classification view: logits [N, 1 + M] whose column 0 is s(a_n, p_n)/τ and columns 1..M are
 * s(a_n, negative_m)/τ. `negatives` is [M, D] (shared by every anchor, e.g. MoCo's queue) or [N, M, D]
 * (one set per anchor). The right class of every row is 0.
 */
export function infoNceLogits(anchor: tf.Tensor2D, positive: tf.Tensor2D, negatives: tf.Tensor2D | tf.Tensor3D, options: InfoNceOptions = {}): tf.Tensor2D {
  const where = 'infoNce';
  const { temperature = 0.1, normalize = true } = options;
  checkTemperature(where, temperature);
  check(anchor instanceof tf.Tensor && anchor.rank === 2, where, 'anchor', 'a rank-2 tensor [N, D] of embeddings', anchor);
  const [n, d] = anchor.shape;
  check(positive instanceof tf.Tensor && positive.rank === 2 && positive.shape[0] === n && positive.shape[1] === d, where, 'positive',
    `a tensor [${n}, ${d}] (one positive per anchor, same shape as anchor)`, positive);
  check(negatives instanceof tf.Tensor && ((negatives.rank === 2 && negatives.shape[1] === d) || (negatives.rank === 3 && negatives.shape[0] === n && negatives.shape[2] === d)),
    where, 'negatives', `a tensor [M, ${d}] (shared) or [${n}, M, ${d}] (per anchor)`, negatives);
  check(negatives.shape[negatives.rank - 2]! >= 1, where, 'negatives', 'at least one negative', negatives);
  return tf.tidy(() => {
    const norm = <T extends tf.Tensor>(t: T): T => (normalize ? (l2Normalize(t) as T) : t);
    const a = norm(anchor), p = norm(positive), neg = norm(negatives);
    const pos = tf.sum(tf.mul(a, p), 1, true);
    const negs = neg.rank === 2
      ? tf.matMul(a, neg as tf.Tensor2D, false, true)
      : tf.squeeze(tf.matMul(tf.expandDims(a, 1) as tf.Tensor3D, neg as tf.Tensor3D, false, true), [1]);
    return tf.div(tf.concat([pos, negs], 1), temperature) as tf.Tensor2D;
  });
}

/** Mean InfoNCE loss over the anchors (a scalar; caller disposes). */
export function infoNce(anchor: tf.Tensor2D, positive: tf.Tensor2D, negatives: tf.Tensor2D | tf.Tensor3D, options: InfoNceOptions = {}): tf.Scalar {
  return tf.tidy(() => {
    const logits = infoNceLogits(anchor, positive, negatives, options);
    // −log softmax(logits)[0] = logsumexp(logits) − logits[:, 0]
    return tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.squeeze(tf.slice(logits, [0, 0], [-1, 1]), [1]))) as tf.Scalar;
  });
}
