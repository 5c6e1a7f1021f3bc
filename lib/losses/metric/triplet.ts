/**
 * Triplet loss — Schroff, Kalenichenko & Philbin 2015, FaceNet (deck 000, "Triplet loss (2/2)"; deck 003; deck 004):
 *
 *   L_triplet(θ) = Σ_{(a,p,n)∈T} max{0, d_ap² − d_an² + m}
 *
 * anchor a, positive p (same class as a), negative n (another class); the anchor-positive distance must be smaller
 * than the anchor-negative distance by the margin m. With `distance: 'squared'` (the default) d² is the squared
 * Euclidean distance as in the formula; 'euclidean' and 'cosine' put that distance in place of d².
 * We return the mean over triplets (a learning-rate scale away from the sum).
 *
 *   const loss = tripletLoss(anchor, positive, negative, { margin: 0.2 }); // [T, D] each, squared distances
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkDistance, type DistanceName, rowDistance } from '../../ops/distances.js';
import { check } from '../../util/errors.js';
import { checkEmbeddings, checkMargin } from '../../util/checks.js';
import { checkIndices, onTriplets, type Triplets } from './from-indices.js';

export interface TripletLossOptions {
  /** m (default 0.2, FaceNet's value for squared distances between unit-norm embeddings). */
  margin?: number;
  /** Distance in place of d²: 'squared' (default), 'euclidean' or 'cosine'. */
  distance?: DistanceName;
}

export type { Triplets } from './from-indices.js';

export function resolveTripletOptions(where: string, o: TripletLossOptions): Required<TripletLossOptions> {
  const { margin = 0.2, distance = 'squared' } = o;
  checkMargin(where, margin);
  checkDistance(where, distance);
  return { margin, distance };
}

/** Triplet loss on explicit rows: anchor, positive, negative are [T, D]. Returns a scalar (caller disposes). */
export function tripletLoss(anchor: tf.Tensor2D, positive: tf.Tensor2D, negative: tf.Tensor2D, options: TripletLossOptions = {}): tf.Scalar {
  const where = 'tripletLoss';
  checkEmbeddings(where, 'anchor', anchor, 1, { float32: true });
  for (const [arg, t] of [['positive', positive], ['negative', negative]] as const) {
    checkEmbeddings(where, arg, t, 1, { float32: true });
    check(t.shape[0] === anchor.shape[0] && t.shape[1] === anchor.shape[1], where, arg, `a tensor of the same shape as anchor [${anchor.shape}]`, t);
  }
  const { margin, distance } = resolveTripletOptions(where, options);
  return tf.tidy(() => {
    const dap = rowDistance(anchor, positive, distance);
    const dan = rowDistance(anchor, negative, distance);
    return tf.mean(tf.relu(tf.add(tf.sub(dap, dan), margin))) as tf.Scalar;
  });
}

/** Triplet loss on index triplets into a batch of embeddings [N, D] (e.g. from `mineTriplets`). 0 for no triplets. */
export function tripletLossFromIndices(embeddings: tf.Tensor2D, triplets: Triplets, options: TripletLossOptions = {}): tf.Scalar {
  const where = 'tripletLossFromIndices';
  checkEmbeddings(where, 'embeddings', embeddings, 1, { float32: true });
  checkIndices(where, 'triplets', triplets, ['anchor', 'positive', 'negative'], embeddings.shape[0]);
  resolveTripletOptions(where, options);
  // No triplets: 0, still connected to the embeddings so an optimizer step sees (zero) gradients (see from-indices.ts).
  return onTriplets(tripletLoss, where)(embeddings, triplets, options);
}
