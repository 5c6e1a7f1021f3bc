/**
 * SwAV, Swapping Assignments between Views (Caron et al. 2020; named in decks 002 and 003 as the clustering branch
 * of self-supervised learning, "cluster-based self-supervised learning (SwAV)" — the decks give no formula, so this
 * follows the paper). Embeddings z (ℓ²-normalised) of two views are scored against K trainable prototypes
 * c_1..c_K (unit vectors): s_bk = z_bᵀ c_k. The *codes* Q of a view are a soft assignment of the batch to the
 * prototypes under an equipartition constraint (every prototype gets B/K samples), found by Sinkhorn–Knopp on
 *
 *   Q = exp(S/ε)ᵀ  (K × B),  repeated n times: rows ← rows / (K · row sums),  columns ← columns / (B · column sums)
 *
 * then scaled so that each sample's code sums to 1 (ε = 0.05, n = 3). The loss is the *swapped prediction*: the
 * code of one view is predicted from the other view's embedding,
 *
 *   p_b^(v) = softmax(z_b^(v)ᵀ C / τ)     (τ = 0.1)
 *   L = −(1/2B) Σ_b [ Σ_k q_bk^(2) log p_bk^(1) + Σ_k q_bk^(1) log p_bk^(2) ]
 *
 * The codes are targets (no gradient). The equipartition is what prevents collapse: a constant z would give
 * every sample the same scores, but Q must still spread the batch over all prototypes. (Not here: the paper's
 * multi-crop, queue of past embeddings for small batches, and freezing the prototypes in the first epoch.)
 *
 *   const loss = swavLoss(scores1, scores2, { epsilon: 0.05, iterations: 3 }); // prototype scores of two views [N, K]
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../../ops/gradients.js';
import { check } from '../../util/errors.js';
import { checkEmbeddings, checkSameShape } from '../../util/checks.js';

export interface SinkhornOptions {
  /** ε, the entropic regularisation (default 0.05; larger: softer codes). */
  epsilon?: number;
  /** Sinkhorn–Knopp iterations (default 3). */
  iterations?: number;
}

export interface SwavLossOptions extends SinkhornOptions {
  /** τ of the prediction softmax (default 0.1). */
  temperature?: number;
}

function checkSinkhorn(where: string, { epsilon = 0.05, iterations = 3 }: SinkhornOptions) {
  check(typeof epsilon === 'number' && Number.isFinite(epsilon) && epsilon > 0, where, 'epsilon', 'a positive number (SwAV: 0.05)', epsilon);
  check(Number.isInteger(iterations) && iterations >= 1, where, 'iterations', 'a positive integer (SwAV: 3)', iterations);
  return { epsilon, iterations };
}

/**
 * The codes Q [B, K] of the scores S [B, K] by Sinkhorn–Knopp: each row (sample) sums to exactly 1 (the last step
 * normalises the samples), each column (prototype) to ≈ B/K (the equipartition: exact at convergence; SwAV's 3
 * iterations only approach it, the more so the larger ε). Computed in the log domain. No gradient. Returns a new tensor (caller disposes).
 */
export function sinkhornKnopp(scores: tf.Tensor2D, options: SinkhornOptions = {}): tf.Tensor2D {
  const where = 'sinkhornKnopp';
  checkEmbeddings(where, 'scores', scores, 1, { batchStatistic: true });
  const { epsilon, iterations } = checkSinkhorn(where, options);
  const [b, k] = scores.shape;
  return tf.tidy(() => {
    // in the log domain (log-sum-exp normalisations), so that large scores/ε neither overflow nor underflow
    let lq = tf.div(stopGradient(scores), epsilon).transpose() as tf.Tensor2D; // log Q, [K, B]
    lq = tf.sub(lq, tf.logSumExp(lq));
    for (let it = 0; it < iterations; it++) {
      lq = tf.sub(lq, tf.add(tf.logSumExp(lq, 1, true), Math.log(k))); // each prototype's row sums to 1/K
      lq = tf.sub(lq, tf.add(tf.logSumExp(lq, 0, true), Math.log(b))); // each sample's column sums to 1/B
    }
    const q = tf.exp(lq);
    return tf.mul(q, b).transpose() as tf.Tensor2D; // [B, K], rows sum to 1
  });
}

/**
 * The swapped-prediction loss from the prototype scores of two views, S₁ = Z₁Cᵀ and S₂ = Z₂Cᵀ [B, K] (cosines of
 * unit embeddings and unit prototypes). Returns a scalar (caller disposes).
 */
export function swavLoss(scores1: tf.Tensor2D, scores2: tf.Tensor2D, options: SwavLossOptions = {}): tf.Scalar {
  const where = 'swavLoss';
  const { temperature = 0.1 } = options;
  check(typeof temperature === 'number' && Number.isFinite(temperature) && temperature > 0, where, 'temperature', 'a positive number (SwAV: 0.1)', temperature);
  checkEmbeddings(where, 'scores1', scores1, 1, { batchStatistic: true });
  checkSameShape(where, 'scores2', scores1, scores2);
  checkSinkhorn(where, options);
  return tf.tidy(() => {
    const q1 = sinkhornKnopp(scores1, options), q2 = sinkhornKnopp(scores2, options);
    const logP1 = tf.logSoftmax(tf.div(scores1, temperature)) as tf.Tensor2D, logP2 = tf.logSoftmax(tf.div(scores2, temperature)) as tf.Tensor2D;
    const ce = (q: tf.Tensor2D, logP: tf.Tensor2D) => tf.mean(tf.neg(tf.sum(tf.mul(q, logP), 1)));
    return tf.mul(0.5, tf.add(ce(q2, logP1), ce(q1, logP2))) as tf.Scalar;
  });
}
