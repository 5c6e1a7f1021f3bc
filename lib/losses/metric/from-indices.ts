/**
 * Any pair or triplet loss on a miner's output: the miners (mining.ts `mineTriplets`, or your own) return indices
 * into the batch, and `onTriplets(loss)` / `onPairs(loss)` turn a loss on rows — tripletLoss, softMarginTripletLoss,
 * pairLoss, … — into the same loss on (embeddings, indices), as pytorch-metric-learning's losses take
 * `indices_tuple`. `pairsFromTriplets` gives a pair loss the pairs of mined triplets (a, p) positive, (a, n) negative.
 * No index: 0, still connected to the embeddings (an optimizer step sees zero gradients).
 *
 *   const softTriplet = onTriplets(softMarginTripletLoss);
 *   const loss = softTriplet(embeddings, await mineTriplets(embeddings, labels, { strategy: 'semihard' }));
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../../util/errors.js';
import { checkEmbeddings } from '../../util/checks.js';

/** Index triplets into a batch (what the triplet miners return). */
export interface Triplets {
  anchor: Int32Array;
  positive: Int32Array;
  negative: Int32Array;
}

/** Index pairs into a batch: rows a[k], b[k], and same[k] = 1 for a positive pair (same class), 0 for a negative. */
export interface Pairs {
  a: Int32Array;
  b: Int32Array;
  same: Int32Array;
}

/** Check index arrays `keys` of `indices` have one length and lie in [0, n). */
export function checkIndices<K extends string>(where: string, arg: string, indices: Record<K, ArrayLike<number>>, keys: readonly K[], n: number): void {
  const lengths = keys.map((k) => indices?.[k]?.length);
  check(indices !== null && typeof indices === 'object' && lengths.every((l) => typeof l === 'number' && l === lengths[0]), where, arg,
    `{ ${keys.join(', ')} } index arrays of equal length`, indices);
  for (const key of keys) {
    const idx = indices[key];
    for (let t = 0; t < idx.length; t++) check(Number.isInteger(idx[t]) && idx[t]! >= 0 && idx[t]! < n, where, `${arg}.${key}`, `indices in [0, ${n})`, `${idx[t]} at position ${t}`);
  }
}

const rows = (embeddings: tf.Tensor2D, idx: Int32Array) => tf.gather(embeddings, tf.tensor1d(idx, 'int32')) as tf.Tensor2D;
const zero = (embeddings: tf.Tensor2D) => tf.tidy(() => tf.mul(tf.sum(embeddings), 0) as tf.Scalar);

/** A triplet loss on rows (anchor, positive, negative [T, D]) as a loss on (embeddings [N, D], index triplets). */
export function onTriplets<O>(loss: (anchor: tf.Tensor2D, positive: tf.Tensor2D, negative: tf.Tensor2D, options?: O) => tf.Scalar, where = loss.name || 'onTriplets') {
  return (embeddings: tf.Tensor2D, triplets: Triplets, options?: O): tf.Scalar => {
    checkEmbeddings(where, 'embeddings', embeddings, 1, { float32: true });
    checkIndices(where, 'triplets', triplets, ['anchor', 'positive', 'negative'], embeddings.shape[0]);
    if (triplets.anchor.length === 0) return zero(embeddings);
    return tf.tidy(() => loss(rows(embeddings, triplets.anchor), rows(embeddings, triplets.positive), rows(embeddings, triplets.negative), options));
  };
}

/** A pair loss on rows (a, b [P, D], same [P]) as a loss on (embeddings [N, D], index pairs). */
export function onPairs<O>(loss: (a: tf.Tensor2D, b: tf.Tensor2D, same: ArrayLike<number>, options?: O) => tf.Scalar, where = loss.name || 'onPairs') {
  return (embeddings: tf.Tensor2D, pairs: Pairs, options?: O): tf.Scalar => {
    checkEmbeddings(where, 'embeddings', embeddings, 1, { float32: true });
    checkIndices(where, 'pairs', pairs, ['a', 'b', 'same'], embeddings.shape[0]);
    if (pairs.a.length === 0) return zero(embeddings);
    return tf.tidy(() => loss(rows(embeddings, pairs.a), rows(embeddings, pairs.b), pairs.same, options));
  };
}

/** The pairs of index triplets: every (anchor, positive) a positive pair, every (anchor, negative) a negative one. */
export function pairsFromTriplets(t: Triplets): Pairs {
  const k = t.anchor.length;
  const a = new Int32Array(2 * k), b = new Int32Array(2 * k), same = new Int32Array(2 * k);
  for (let i = 0; i < k; i++) {
    a[2 * i] = t.anchor[i]!; b[2 * i] = t.positive[i]!; same[2 * i] = 1;
    a[2 * i + 1] = t.anchor[i]!; b[2 * i + 1] = t.negative[i]!;
  }
  return { a, b, same };
}
