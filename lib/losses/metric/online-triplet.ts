/**
 * Triplet loss with online mining inside the graph (Hermans, Beyer & Leibe 2017; deck 000, "Triplet mining (2/2)"):
 *
 *   L = (1/|T_s|) Σ_{(a,p,n)∈T_s} max{0, d_ap − d_an + m}
 *
 * over the triplets T_s of a K×M batch selected by the strategy (mining.ts): 'all' valid triplets, 'semihard',
 * 'hard', 'nonEasy' (hard + semi-hard) — masks over the [N, N, N] cube of d_ap − d_an + m — or 'batchHard':
 *
 *   L_BH = (1/N) Σ_a max{0, max_{p: y_p = y_a} d_ap − min_{n: y_n ≠ y_a} d_an + m}
 *
 * `reduction: 'nonzero'` (older name `average: 'nonzero'`) divides by the number of selected triplets with a positive loss instead (Hermans et al.'s
 * "batch all" averages over the non-zero terms, so that the many easy triplets do not dilute the gradient).
 * The selection masks use tf.step, which has a zero gradient: only the distances are differentiated.
 *
 *   const loss = onlineTripletLoss(embeddings, labels, { strategy: 'batchHard', margin: 0.2 }); // K×M batch
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../../ops/gradients.js';
import { check } from '../../util/errors.js';
import { labelledBatch, type Labels, positive } from './common.js';
import { checkStrategy, type TripletStrategy } from './mining.js';
import { resolveTripletOptions, type TripletLossOptions } from './triplet.js';
import { checkEmbeddings } from '../../util/checks.js';
import { checkReduction, safeMean } from '../../ops/reductions.js';
import type { DistanceName } from '../../ops/distances.js';
import { metricLossSpec } from './spec.js';

export type OnlineTripletStrategy = Exclude<TripletStrategy, 'easy'>;

export interface OnlineTripletOptions extends TripletLossOptions {
  /** Default 'batchHard'. */
  strategy?: OnlineTripletStrategy;
  /** 'mean' (default): mean over the selected triplets; 'nonzero': mean over those with a positive loss (lib/ops/reductions.ts). */
  reduction?: 'mean' | 'nonzero';
  /** The older name of `reduction`: 'selected' (= 'mean') or 'nonzero', still accepted. */
  average?: 'selected' | 'nonzero';
}

/**
 * Mined triplet loss on a labelled batch embeddings [N, D], labels [N]. Returns a scalar (caller disposes).
 * A batch of one class, or without a positive pair, is an error (it has no triplet: the loss would be 0) — for JS
 * labels always, for a label tensor wherever its values are in host memory (cpu, wasm, webgpu before upload: no
 * sync); a GPU-resident label tensor is not read (a sync per step): check it with lib/util `readLabels` first.
 */
export function onlineTripletLoss(embeddings: tf.Tensor2D, labels: Labels, options: OnlineTripletOptions = {}): tf.Scalar {
  const where = 'onlineTripletLoss';
  checkEmbeddings(where, 'embeddings', embeddings, 2, { float32: true });
  const { strategy = 'batchHard' } = options;
  checkStrategy(where, strategy, ['all', 'semihard', 'hard', 'nonEasy', 'batchHard']);
  if (options.average !== undefined) check(options.average === 'selected' || options.average === 'nonzero', where, 'average', "'selected' or 'nonzero'", options.average);
  const reduction = options.reduction ?? (options.average === 'nonzero' ? 'nonzero' : 'mean');
  checkReduction(where, reduction, ['mean', 'nonzero'] as const);
  if (options.reduction !== undefined && options.average !== undefined)
    check((options.average === 'nonzero') === (reduction === 'nonzero'), where, 'average', `the same choice as reduction: '${reduction}' (average is its older name)`, options.average, 'pass only reduction');
  const average = reduction === 'nonzero' ? 'nonzero' : 'selected';
  const { margin, distance } = resolveTripletOptions(where, options);
  return tf.tidy(() => {
    const { pos, neg, d } = labelledBatch(where, embeddings, labels, distance);
    if (strategy === 'batchHard') {
      const hardestPos = tf.max(tf.mul(d, pos), 1); // d >= 0, so masked entries (0) never win over a positive
      const big = tf.add(stopGradient(tf.max(d)), 1);
      const hardestNeg = tf.min(tf.add(d, tf.mul(tf.sub(1, neg), big)), 1);
      const has = tf.mul(positive(tf.sum(pos, 1)), positive(tf.sum(neg, 1)));
      const l = tf.mul(tf.relu(tf.add(tf.sub(hardestPos, hardestNeg), margin)), has);
      const count = average === 'nonzero' ? tf.sum(tf.mul(positive(l), has)) : tf.sum(has);
      return safeMean(tf.sum(l), count);
    }
    const dap = tf.expandDims(d, 2); // [N, N, 1]: d[a, p]
    const dan = tf.expandDims(d, 1); // [N, 1, N]: d[a, n]
    const L = tf.add(tf.sub(dap, dan), margin); // [N, N, N]
    let sel = tf.mul(tf.expandDims(pos, 2), tf.expandDims(neg, 1));
    if (strategy === 'semihard') sel = tf.mul(sel, tf.mul(positive(tf.sub(dan, dap)), positive(L)));
    else if (strategy === 'hard') sel = tf.mul(sel, tf.sub(1, positive(tf.sub(dan, dap))));
    else if (strategy === 'nonEasy') sel = tf.mul(sel, positive(L));
    const terms = tf.mul(tf.relu(L), sel);
    const count = average === 'nonzero' ? tf.sum(tf.mul(sel, positive(L))) : tf.sum(sel);
    return safeMean(tf.sum(terms), count);
  });
}

/** The triplet loss in the metric learner: online mining (`mining`, default Hermans et al.'s batch-hard) on K×M batches. */
export const tripletSpec = metricLossSpec({
  name: 'triplet',
  head: 'none',
  defaults: { mining: 'batchHard' as OnlineTripletStrategy, margin: 0.2, distance: 'squared' as DistanceName, average: 'selected' as 'selected' | 'nonzero' },
  loss: (b, { mining, ...rest }) => onlineTripletLoss(b.embeddings, b.labels, { strategy: mining, ...rest }),
});
