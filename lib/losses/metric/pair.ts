/**
 * Pair loss, the "contrastive loss" of Chopra, Hadsell & LeCun (2005) and Hadsell, Chopra & LeCun (2006)
 * (deck 000, "Pair loss (2/2)"):
 *
 *   L_pair(θ) = Σ_{(i,j)∈P} [ y_ij · d_ij² + (1 − y_ij) · max{0, m − d_ij}² ]
 *
 * y_ij = 1 for a positive pair (same class), 0 for a negative pair; d_ij = D(f(x_i), f(x_j)); m the margin: negative
 * pairs farther apart than m cost nothing. Deck 003 ("Contrastive Loss") writes the negative term on squared
 * distances, 1[y_i≠y_j] · max(0, m − ‖f(x_i) − f(x_j)‖²): `form: 'squared'`.
 *
 * We return the mean over pairs instead of the sum (a learning-rate scale), or with `reduction: 'balanced'` the mean over
 * positive pairs plus the mean over negative pairs (as pytorch-metric-learning's ContrastiveLoss does; a K×M batch
 * has far more negative pairs than positive ones).
 *
 *   const loss = batchPairLoss(embeddings, labels, { margin: 1, reduction: 'balanced' }); // every pair of the batch
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkDistance, type DistanceName, rowDistance } from '../../ops/distances.js';
import { check } from '../../util/errors.js';
import { isTensor, labelledBatch, type Labels } from './common.js';
import { checkEmbeddings, checkMargin } from '../../util/checks.js';
import { checkReduction, safeMean } from '../../ops/reductions.js';
import { metricLossSpec } from './spec.js';

export interface PairLossOptions {
  /** m: the distance negative pairs are pushed beyond (default 1; unit-norm embeddings are at most 2 apart). */
  margin?: number;
  /** D: 'euclidean' (default), 'squared' or 'cosine' (1 − cos). */
  distance?: DistanceName;
  /** 'hadsell' (deck 000, default): y d² + (1−y) max(0, m − d)²; 'squared' (deck 003): y d² + (1−y) max(0, m − d²). */
  form?: 'hadsell' | 'squared';
  /** 'mean' (default): one mean over all pairs; 'balanced': mean over positive pairs + mean over negative pairs (lib/ops/reductions.ts). */
  reduction?: 'mean' | 'balanced';
  /** The older name of `reduction: 'balanced'` (true) / 'mean' (false), still accepted. */
  balance?: boolean;
}

function resolve(where: string, o: PairLossOptions) {
  const { margin = 1, distance = 'euclidean', form = 'hadsell' } = o;
  checkMargin(where, margin);
  checkDistance(where, distance);
  check(form === 'hadsell' || form === 'squared', where, 'form', "'hadsell' or 'squared'", form);
  const reduction = o.reduction ?? (o.balance ? 'balanced' : 'mean');
  checkReduction(where, reduction, ['mean', 'balanced'] as const);
  if (o.reduction !== undefined && o.balance !== undefined)
    check((o.balance === true) === (reduction === 'balanced'), where, 'balance', `the same choice as reduction: '${reduction}' (balance is its older name)`, o.balance, 'pass only reduction');
  return { margin, distance, form, balance: reduction === 'balanced' };
}

/** Per-pair terms: positive y d², negative hinge (see the formula above). */
function terms(d: tf.Tensor, margin: number, form: 'hadsell' | 'squared'): { posTerm: tf.Tensor; negTerm: tf.Tensor } {
  const posTerm = tf.square(d);
  const negTerm = form === 'hadsell' ? tf.square(tf.relu(tf.sub(margin, d))) : tf.relu(tf.sub(margin, tf.square(d)));
  return { posTerm, negTerm };
}

/**
 * Pair loss over explicit pairs: rows a_i, b_i of two [N, D] tensors and `same` (1 = positive pair, 0 = negative),
 * as a float/int tensor [N] or a JS array. Returns a scalar (caller disposes).
 */
export function pairLoss(a: tf.Tensor2D, b: tf.Tensor2D, same: tf.Tensor1D | ArrayLike<number>, options: PairLossOptions = {}): tf.Scalar {
  const where = 'pairLoss';
  checkEmbeddings(where, 'a', a, 1, { float32: true });
  checkEmbeddings(where, 'b', b, 1, { float32: true });
  check(b.shape[0] === a.shape[0] && b.shape[1] === a.shape[1], where, 'b', `a tensor of the same shape as a [${a.shape}]`, b);
  const { margin, distance, form, balance } = resolve(where, options);
  const n = a.shape[0];
  if (isTensor(same)) check(same.rank === 1 && same.shape[0] === n, where, 'same', `a tensor [${n}] of 0/1 pair labels`, same);
  else {
    check(same !== null && typeof same === 'object' && same.length === n, where, 'same', `${n} pair labels (1 = same class, 0 = different)`, same);
    for (let i = 0; i < n; i++) check(same[i] === 0 || same[i] === 1, where, 'same', '0 or 1 for every pair', `${same[i]} at index ${i}`);
  }
  return tf.tidy(() => {
    const y = isTensor(same) ? tf.cast(same, 'float32') : tf.tensor1d(Array.from(same), 'float32');
    const d = rowDistance(a, b, distance);
    const { posTerm, negTerm } = terms(d, margin, form);
    const pos = tf.sum(tf.mul(y, posTerm));
    const neg = tf.sum(tf.mul(tf.sub(1, y), negTerm));
    if (!balance) return tf.div(tf.add(pos, neg), n) as tf.Scalar;
    return tf.add(safeMean(pos, tf.sum(y)), safeMean(neg, tf.sub(n, tf.sum(y)))) as tf.Scalar;
  });
}

/**
 * Pair loss over every pair i < j of a labelled batch (embeddings [N, D], labels [N]): the positive pairs share a
 * label. JS labels are checked: the batch needs a positive pair and a negative pair.
 */
export function batchPairLoss(embeddings: tf.Tensor2D, labels: Labels, options: PairLossOptions = {}): tf.Scalar {
  const where = 'batchPairLoss';
  checkEmbeddings(where, 'embeddings', embeddings, 2, { float32: true });
  const { margin, distance, form, balance } = resolve(where, options);
  const n = embeddings.shape[0];
  return tf.tidy(() => {
    const { pos, neg, d } = labelledBatch(where, embeddings, labels, distance);
    const upper = tf.sub(tf.linalg.bandPart(tf.ones([n, n]), 0, -1), tf.eye(n)); // pairs i < j
    const pm = tf.mul(pos, upper);
    const nm = tf.mul(neg, upper);
    const { posTerm, negTerm } = terms(d, margin, form);
    const ps = tf.sum(tf.mul(pm, posTerm));
    const ns = tf.sum(tf.mul(nm, negTerm));
    if (!balance) return tf.div(tf.add(ps, ns), (n * (n - 1)) / 2) as tf.Scalar;
    return tf.add(safeMean(ps, tf.sum(pm)), safeMean(ns, tf.sum(nm))) as tf.Scalar;
  });
}

/** The pair loss in the metric learner: every pair of the K×M batch, balanced (positive and negative means). */
export const pairSpec = metricLossSpec({
  name: 'pair',
  head: 'none',
  defaults: { margin: 1, distance: 'euclidean' as DistanceName, form: 'hadsell' as 'hadsell' | 'squared', reduction: 'balanced' as 'mean' | 'balanced' },
  loss: (b, o) => batchPairLoss(b.embeddings, b.labels, o),
});
