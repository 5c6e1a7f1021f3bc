/**
 * Supervised contrastive loss, SupCon — Khosla et al. 2020, "Supervised Contrastive Learning" (arXiv:2004.11362),
 * the L^sup_out form (their eq. 2): every other example of the anchor's class is a positive,
 *
 *   L = (1/|I'|) Σ_{i∈I'} −(1/|P(i)|) Σ_{p∈P(i)} log( exp(z_i·z_p/τ) / Σ_{a∈A(i)} exp(z_i·z_a/τ) )
 *
 * z_i = f(x_i)/‖f(x_i)‖ (L2-normalised here), τ the temperature (default 0.1, the paper's), A(i) every example but
 * i, P(i) = {p ∈ A(i): y_p = y_i} the positives of anchor i, and I' the anchors with at least one positive (the
 * others are skipped). The paper sums over the anchors; we average over I' (a learning-rate scale away, as
 * pytorch-metric-learning's SupConLoss does), and leave out the reference code's extra factor τ/τ_base (τ_base = τ).
 *
 * On masks (masks.ts: a miner's pairs, or every pair of the batch), P(i) = {p: pos[i, p] = 1} and
 * A(i) = {a: pos[i, a] = 1 or neg[i, a] = 1} — with the masks of the labels, exactly the formula above.
 *
 *   const loss = supConLoss(embeddings, labels, { temperature: 0.1 }); // embeddings [N, D], labels [N]
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from '../../ops/distances.js';
import { safeMean } from '../../ops/reductions.js';
import { checkEmbeddings, checkTemperature } from '../../util/checks.js';
import { check } from '../../util/errors.js';
import { batchClassStats, isTensor, labelMasks, labelTensor, type Labels, positive } from './common.js';
import type { PairMasks } from './masks.js';
import { metricLossSpec } from './spec.js';

export interface SupConOptions {
  /** τ > 0 (default 0.1, Khosla et al.'s). */
  temperature?: number;
}

function checkMask(where: string, arg: string, m: unknown, n: number): void {
  check(isTensor(m) && m.rank === 2 && m.shape[0] === n && m.shape[1] === n, where, arg, `a 0/1 tensor [${n}, ${n}] (row = anchor)`, m,
    'build the masks with batchMasks(labels, n) or minedMasks(miner output, n)');
}

/** The loss on masks, arguments checked. */
function masked(embeddings: tf.Tensor2D, pos: tf.Tensor2D, neg: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const n = embeddings.shape[0];
    const off = tf.sub(1, tf.eye(n)); // a ≠ i
    const p = tf.mul(tf.cast(pos, 'float32'), off);
    const a = tf.mul(tf.maximum(tf.cast(pos, 'float32'), tf.cast(neg, 'float32')), off);
    const z = l2Normalize(embeddings) as tf.Tensor2D;
    const s = tf.div(tf.matMul(z, z, false, true), temperature); // z_i·z_a/τ
    // log Σ_{a∈A(i)} exp(s_ia): entries outside A(i) pushed to −1e9 (weight 0); a row with no A(i) has no positive
    const logDen = tf.logSumExp(tf.add(s, tf.mul(tf.sub(a, 1), 1e9)), 1, true); // [N, 1]
    const logProb = tf.sub(s, logDen);
    const count = tf.sum(p, 1); // |P(i)|
    const perAnchor = tf.neg(tf.div(tf.sum(tf.mul(p, logProb), 1), tf.maximum(count, 1)));
    const has = positive(count); // i ∈ I'
    return safeMean(tf.sum(tf.mul(perAnchor, has)), tf.sum(has));
  });
}

/**
 * SupCon on masks: embeddings [N, D] (normalised here), `masks.pos`/`masks.neg` 0/1 [N, N] (masks.ts). The masks'
 * values are not read (no sync): entries other than 0/1 are the caller's error; the diagonal is ignored. Returns a
 * scalar (caller disposes); 0 when no anchor has a positive.
 */
export function supConMaskedLoss(embeddings: tf.Tensor2D, masks: PairMasks, options: SupConOptions = {}): tf.Scalar {
  const where = 'supConMaskedLoss';
  checkEmbeddings(where, 'embeddings', embeddings, 2, { float32: true });
  const { temperature = 0.1 } = options;
  checkTemperature(where, temperature);
  const n = embeddings.shape[0];
  check(masks !== null && typeof masks === 'object', where, 'masks', '{ pos, neg } 0/1 tensors [N, N]', masks);
  checkMask(where, 'masks.pos', masks.pos, n);
  checkMask(where, 'masks.neg', masks.neg, n);
  return masked(embeddings, masks.pos, masks.neg, temperature);
}

/**
 * SupCon on a labelled batch: embeddings [N, D] (N >= 2; normalised here), labels [N]. JS labels (or a tensor whose
 * values are in host memory, common.ts) must give some class two examples (a positive). Returns a scalar (caller
 * disposes).
 */
export function supConLoss(embeddings: tf.Tensor2D, labels: Labels, options: SupConOptions = {}): tf.Scalar {
  const where = 'supConLoss';
  checkEmbeddings(where, 'embeddings', embeddings, 2, { float32: true });
  const { temperature = 0.1 } = options;
  checkTemperature(where, temperature);
  const n = embeddings.shape[0];
  return tf.tidy(() => {
    const { tensor, values } = labelTensor(where, labels, n);
    if (values) {
      const { classes, withPositives } = batchClassStats(values);
      check(withPositives >= 1, where, 'labels', 'a batch where some class has at least two examples (positives)', `${n} examples of ${classes} distinct classes`,
        'sample M >= 2 examples per class, e.g. classBalancedBatches(labels, { classesPerBatch: 8, perClass: 4 })');
    }
    const { pos, neg } = labelMasks(tensor);
    return masked(embeddings, pos, neg, temperature);
  });
}

/** SupCon in the metric learner: no head, every other example of the class a positive. */
export const supConSpec = metricLossSpec({
  name: 'supCon',
  head: 'none',
  defaults: { temperature: 0.1 },
  loss: (b, o) => supConLoss(b.embeddings, b.labels, o),
});
