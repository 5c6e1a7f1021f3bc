/**
 * The one reduction vocabulary of the pair and triplet losses (in the spirit of pytorch-metric-learning's reducers):
 * how per-pair / per-triplet terms become one number.
 *
 *   'mean'      mean over the selected terms (pairs, triplets; 0 when none is selected)
 *   'sum'       their sum (the decks' Σ)
 *   'balanced'  mean over the positive pairs + mean over the negative pairs (a K×M batch has far more negatives)
 *   'nonzero'   mean over the selected terms that are > 0 (Hermans et al.'s "batch all" averaging)
 *
 * Each loss accepts the reductions that make sense for it and names them in its error. Older option names stay
 * accepted where a loss had them: the pair losses' `balance: true` (= 'balanced') and the online triplet loss's
 * `average: 'selected' | 'nonzero'` (= 'mean' | 'nonzero').
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';

export type Reduction = 'mean' | 'sum' | 'balanced' | 'nonzero';

/** Check `reduction` is one of `allowed` (argument 'reduction'). */
export function checkReduction<R extends Reduction>(where: string, reduction: unknown, allowed: readonly R[]): asserts reduction is R {
  check(typeof reduction === 'string' && (allowed as readonly string[]).includes(reduction), where, 'reduction', allowed.map((r) => `'${r}'`).join(' or '), reduction);
}

/** sum(x) / max(count, 1): a mean over selected entries that is 0 (not NaN) when nothing is selected. */
export function safeMean(sum: tf.Tensor, count: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.div(sum, tf.maximum(count, 1)) as tf.Scalar);
}
