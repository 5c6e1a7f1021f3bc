/**
 * Similarities of query rows to a fixed reference set, tile by tile on the active backend (kNN, retrieval). Larger
 * is nearer: the cosine similarity, or for 'euclidean' a·b − ‖b‖²/2, which is −‖a − b‖²/2 up to the per-query
 * constant −‖a‖²/2 (so it ranks references the same way; add −‖a‖²/2 back where the value itself matters).
 */
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from '../ops/distances.js';
import { type Features, featuresToTensor } from './features.js';

export type SimilarityMetric = 'cosine' | 'euclidean';

export interface ReferenceSimilarity {
  /** Similarities of query rows [start, end) to every reference row: [end − start, reference.n] (caller disposes). */
  tile(query: Features, start: number, end: number): tf.Tensor2D;
  /** Free the reference matrix. */
  dispose(): void;
}

const unitRows = (t: tf.Tensor2D) => l2Normalize(t) as tf.Tensor2D;

/**
 * Put `reference` on the backend once (unit rows for cosine, with its halved squared norms for euclidean), stored
 * transposed ([D, N]): every tile is then a plain product q·refᵀ. A transposed operand would be transposed again by
 * every tile's matMul (the wasm BatchMatMul copies it: N·D floats, 47M for 60k × 784, per tile).
 */
export function referenceSimilarity(reference: Features, metric: SimilarityMetric): ReferenceSimilarity {
  const refT = tf.tidy(() => tf.transpose(metric === 'cosine' ? unitRows(featuresToTensor(reference)) : featuresToTensor(reference)) as tf.Tensor2D);
  const refHalfSq = metric === 'euclidean' ? tf.tidy(() => tf.mul(tf.reshape(tf.sum(tf.square(refT), 0), [1, -1]), 0.5)) : undefined;
  return {
    tile: (query, start, end) =>
      tf.tidy(() => {
        const q = featuresToTensor(query, start, end);
        if (metric === 'cosine') return tf.matMul(unitRows(q), refT);
        return tf.sub(tf.matMul(q, refT), refHalfSq!) as tf.Tensor2D;
      }),
    dispose: () => tf.dispose([refT, ...(refHalfSq ? [refHalfSq] : [])]),
  };
}
