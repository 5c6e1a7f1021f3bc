/**
 * Distances and similarities between rows of embedding matrices (deck 000, "Siamese network": the metric
 * D : R^K × R^K → R — Euclidean distance, its square, or the angle through cosine similarity).
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { check2d } from '../util/checks.js';

/** The one distance vocabulary of lib/ (the metric losses, kNN, retrieval): ‖a − b‖, ‖a − b‖², 1 − cos(a, b). */
export type DistanceName = 'euclidean' | 'squared' | 'cosine';

export const DISTANCES: readonly DistanceName[] = ['euclidean', 'squared', 'cosine'];

/** Check a distance name (argument 'distance'). */
export function checkDistance(where: string, distance: unknown): asserts distance is DistanceName {
  check(typeof distance === 'string' && (DISTANCES as readonly string[]).includes(distance), where, 'distance', "'euclidean', 'squared' or 'cosine'", distance);
}

/**
 * x / max(‖x‖₂, eps) along `axis` (default the last). Written as x · rsqrt(max(Σx², eps²)) so the gradient stays
 * finite for an all-zero row (tf.norm's gradient x/‖x‖ is 0/0 = NaN there, which poisons every weight).
 */
export function l2Normalize(x: tf.Tensor, axis = -1, eps = 1e-12): tf.Tensor {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), axis, true), eps * eps))));
}

/** ‖a_i − b_j‖² for all pairs: [N, D] × [M, D] → [N, M], via ‖a‖² + ‖b‖² − 2 a·b, clipped at 0. */
export function pairwiseSquaredDistances(a: tf.Tensor2D, b: tf.Tensor2D = a): tf.Tensor2D {
  check2d('pairwiseSquaredDistances', 'a', a);
  check2d('pairwiseSquaredDistances', 'b', b);
  check(a.shape[1] === b.shape[1], 'pairwiseSquaredDistances', 'b', `[M, ${a.shape[1]}] (same feature size as a)`, b);
  return tf.tidy(() => {
    const aa = tf.sum(tf.square(a), 1, true);
    const bb = tf.reshape(tf.sum(tf.square(b), 1), [1, -1]);
    return tf.relu(tf.sub(tf.add(aa, bb), tf.mul(2, tf.matMul(a, b, false, true)))) as tf.Tensor2D;
  });
}

/**
 * ‖a_i − b_j‖ for all pairs. The square root has an infinite derivative at 0 (an anchor and itself): `eps` keeps
 * the gradient finite, sqrt(d² + eps) − sqrt(eps) (0 at d = 0).
 */
export function pairwiseDistances(a: tf.Tensor2D, b: tf.Tensor2D = a, eps = 1e-12): tf.Tensor2D {
  return tf.tidy(() => tf.sub(tf.sqrt(tf.add(pairwiseSquaredDistances(a, b), eps)), Math.sqrt(eps)) as tf.Tensor2D);
}

/** cos(a_i, b_j) = a_i·b_j / (‖a_i‖‖b_j‖) for all pairs: [N, M]. */
export function cosineSimilarityMatrix(a: tf.Tensor2D, b: tf.Tensor2D = a): tf.Tensor2D {
  check2d('cosineSimilarityMatrix', 'a', a);
  check2d('cosineSimilarityMatrix', 'b', b);
  return tf.tidy(() => tf.matMul(l2Normalize(a), l2Normalize(b), false, true) as tf.Tensor2D);
}

/** Pairwise distance matrix by name: 'euclidean', 'squared', or 'cosine' (1 − cos). */
export function pairwiseDistance(a: tf.Tensor2D, b: tf.Tensor2D = a, metric: DistanceName = 'euclidean'): tf.Tensor2D {
  switch (metric) {
    case 'euclidean':
      return pairwiseDistances(a, b);
    case 'squared':
      return pairwiseSquaredDistances(a, b);
    case 'cosine':
      return tf.tidy(() => tf.sub(1, cosineSimilarityMatrix(a, b)) as tf.Tensor2D);
    default:
      check(false, 'pairwiseDistance', 'metric', "'euclidean', 'squared' or 'cosine'", metric);
  }
}

/**
 * d(a_i, b_i) row by row: [N, D] × [N, D] → [N] — the diagonal of {@link pairwiseDistance}(a, b, distance), with the
 * same 'euclidean' (sqrt(d² + eps) − sqrt(eps), finite gradient at 0).
 */
export function rowDistance(a: tf.Tensor2D, b: tf.Tensor2D, distance: DistanceName, eps = 1e-12): tf.Tensor1D {
  return tf.tidy(() => {
    if (distance === 'cosine') {
      return tf.sub(1, tf.sum(tf.mul(l2Normalize(a), l2Normalize(b)), 1)) as tf.Tensor1D;
    }
    const sq = tf.sum(tf.square(tf.sub(a, b)), 1);
    return (distance === 'squared' ? sq : tf.sub(tf.sqrt(tf.add(sq, eps)), Math.sqrt(eps))) as tf.Tensor1D;
  });
}
