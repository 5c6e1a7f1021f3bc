/**
 * Mined pairs and triplets as masks over the batch's pairwise matrix, so that a miner's output can feed a
 * whole-batch loss — pytorch-metric-learning's GenericPairLoss idea. A whole-batch loss reads the N×N similarity
 * (or distance) matrix of the batch through two 0/1 masks [N, N]: pos[i, j] = 1 where (i, j) is a positive pair,
 * neg[i, j] = 1 where it is a negative pair, row i the anchor. From labels, every pair of the batch
 * (common.ts `labelMasks`: y_i = y_j with i ≠ j, and y_i ≠ y_j); from a miner, only the mined ones:
 *
 *   pairs (a, b, same)       pos[a_k, b_k] = 1 where same_k = 1,  neg[a_k, b_k] = 1 where same_k = 0
 *   triplets (a, p, n)       pos[a_k, p_k] = 1,                   neg[a_k, n_k] = 1
 *
 * Pairs are directed (row = anchor), as in pytorch-metric-learning; a pair given twice counts once. The per-row
 * losses (tripletLoss, pairLoss) take a miner's output through from-indices.ts `onTriplets`/`onPairs` instead.
 *
 *   const supConMined = onMined(supConMaskedLoss);
 *   const loss = supConMined(embeddings, await mineTriplets(embeddings, labels, { strategy: 'semihard' }));
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkEmbeddings } from '../../util/checks.js';
import { check } from '../../util/errors.js';
import { labelMasks, labelTensor, type Labels } from './common.js';
import { checkIndices, type Pairs, pairsFromTriplets, type Triplets } from './from-indices.js';

/** Positive and negative pair masks over a batch, float32 0/1 [N, N] (row = anchor). */
export interface PairMasks {
  pos: tf.Tensor2D;
  neg: tf.Tensor2D;
}

/** A loss of the whole batch through pair masks: (embeddings [N, D], masks, options) → scalar. */
export type MaskedLoss<O> = (embeddings: tf.Tensor2D, masks: PairMasks, options?: O) => tf.Scalar;

function isTriplets(mined: Pairs | Triplets): mined is Triplets {
  return mined !== null && typeof mined === 'object' && 'anchor' in mined;
}

/** Check mined pairs or triplets of a batch of n rows and return them as index pairs. */
function minedPairs(where: string, mined: Pairs | Triplets, n: number): Pairs {
  check(mined !== null && typeof mined === 'object', where, 'mined', 'index pairs { a, b, same } or triplets { anchor, positive, negative } (a miner\'s output)', mined);
  if (isTriplets(mined)) {
    checkIndices(where, 'mined', mined, ['anchor', 'positive', 'negative'], n);
    return pairsFromTriplets(mined);
  }
  checkIndices(where, 'mined', mined, ['a', 'b', 'same'], n);
  return mined;
}

/**
 * The masks of mined pairs or triplets over a batch of `n` rows (new tensors: the caller disposes them, or call
 * inside tf.tidy). A pair of an example with itself, or one marked both positive and negative, is an error.
 */
export function minedMasks(mined: Pairs | Triplets, n: number, where = 'minedMasks'): PairMasks {
  check(Number.isInteger(n) && n >= 1, where, 'n', 'a positive integer (the batch size)', n);
  const { a, b, same } = minedPairs(where, mined, n);
  const pos = new Float32Array(n * n);
  const neg = new Float32Array(n * n);
  for (let k = 0; k < a.length; k++) {
    const i = a[k]!, j = b[k]!;
    check(i !== j, where, 'mined', 'pairs of two different examples', `the pair (${i}, ${i}) at position ${k}`);
    check(same[k] === 0 || same[k] === 1, where, 'mined.same', '0 or 1 for every pair', `${same[k]} at position ${k}`);
    (same[k] === 1 ? pos : neg)[i * n + j] = 1;
    check(pos[i * n + j]! + neg[i * n + j]! < 2, where, 'mined', 'each pair either positive or negative', `the pair (${i}, ${j}) as both`);
  }
  return { pos: tf.tensor2d(pos, [n, n]), neg: tf.tensor2d(neg, [n, n]) };
}

/** The masks of every pair of a labelled batch (common.ts labelMasks; new tensors, caller disposes). */
export function batchMasks(labels: Labels, n: number, where = 'batchMasks'): PairMasks {
  return tf.tidy(() => labelMasks(labelTensor(where, labels, n).tensor));
}

/**
 * A masked (whole-batch) loss as a loss on (embeddings [N, D], a miner's pairs or triplets): the mined pairs become
 * its masks. No pair mined: 0, still connected to the embeddings (an optimizer step sees zero gradients), as
 * from-indices.ts `onTriplets` does.
 */
export function onMined<O>(loss: MaskedLoss<O>, where = loss.name || 'onMined') {
  return (embeddings: tf.Tensor2D, mined: Pairs | Triplets, options?: O): tf.Scalar => {
    checkEmbeddings(where, 'embeddings', embeddings, 1, { float32: true });
    const n = embeddings.shape[0];
    const pairs = minedPairs(where, mined, n);
    if (pairs.a.length === 0) return tf.tidy(() => tf.mul(tf.sum(embeddings), 0) as tf.Scalar);
    return tf.tidy(() => loss(embeddings, minedMasks(pairs, n, where), options));
  };
}
