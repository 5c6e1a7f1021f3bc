/**
 * Lifted structured loss — Song, Xiang, Jegelka & Savarese 2016 (deck 003, the "Lifted Structured" row of the
 * generalisation table): every positive pair (i, j) of the batch against all the negatives of i and of j,
 *
 *   J_ij = log( Σ_{k∈N_i} exp(α − D_ik) + Σ_{l∈N_j} exp(α − D_jl) ) + D_ij
 *   L    = 1/(2|P|) Σ_{(i,j)∈P} max{0, J_ij}²
 *
 * (P the unordered positive pairs, N_i the examples of another class than i, α the margin, D the Euclidean
 * distance in the paper). `symmetric: false` keeps only the anchor's negatives, J_ij = log Σ_{k∈N_i} e^{α − D_ik}
 * + D_ij over ordered pairs — the table's instance L_{[log x]_+², e^{x+ε}} with D = squared distance and α = ε.
 *
 *   const loss = liftedStructuredLoss(embeddings, labels, { margin: 1 }); // a K×M batch [N, D], labels [N]
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkDistance, type DistanceName } from '../../ops/distances.js';
import { labelledBatch, type Labels } from './common.js';
import { checkEmbeddings, checkMargin } from '../../util/checks.js';

export interface LiftedStructuredOptions {
  /** α (default 1). */
  margin?: number;
  /** D (default 'euclidean', as in the paper). */
  distance?: DistanceName;
  /** Negatives of both ends of the pair (default true, the paper's form). */
  symmetric?: boolean;
}

export function liftedStructuredLoss(embeddings: tf.Tensor2D, labels: Labels, options: LiftedStructuredOptions = {}): tf.Scalar {
  const where = 'liftedStructuredLoss';
  checkEmbeddings(where, 'embeddings', embeddings, 2, { float32: true });
  const { margin = 1, distance = 'euclidean', symmetric = true } = options;
  checkMargin(where, margin);
  checkDistance(where, distance);
  return tf.tidy(() => {
    const { pos, neg, d } = labelledBatch(where, embeddings, labels, distance);
    const s = tf.sum(tf.mul(tf.exp(tf.sub(margin, d)), neg), 1); // Σ_{k∈N_i} e^{α − D_ik}, [N]
    const si = tf.reshape(s, [-1, 1]);
    const inner = symmetric ? tf.add(si, tf.reshape(s, [1, -1])) : si;
    const J = tf.add(tf.log(tf.add(inner, 1e-30)), d);
    const sq = tf.mul(tf.square(tf.relu(J)), pos); // ordered pairs; symmetric J is symmetric in (i, j)
    // 1/(2|P|) Σ_{unordered} = (1/2)·mean over ordered pairs (symmetric); one-sided: mean over ordered pairs.
    const orderedPairs = tf.maximum(tf.sum(pos), 1);
    return (symmetric ? tf.div(tf.sum(sq), tf.mul(2, orderedPairs)) : tf.div(tf.sum(sq), orderedPairs)) as tf.Scalar;
  });
}
