/**
 * Softmax cross-entropy on a training-only classifier head — the baseline of the metric-learning comparison
 * (deck 000, "Center loss (1/3)": a dense layer + softmax, trained as a classifier, its penultimate layer used as
 * the embedding; deck 003, Musgrave et al.'s reality check finds it competitive):
 *
 *   L_CE = (1/N) Σ_n −log softmax(W f(x_n) + b)_{y_n}
 *
 *   const loss = softmaxLoss(logits, labels); // logits [N, C] of the classifier head, labels [N] in [0, C)
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../../util/errors.js';
import { softmaxCrossEntropy } from './angular.js';
import { isTensor, labelTensor, type Labels } from './common.js';
import { metricLossSpec } from './spec.js';

/** Mean cross-entropy of logits [N, C] (C >= 2) against labels [N] in [0, C). Returns a scalar (caller disposes). */
export function softmaxLoss(logits: tf.Tensor2D, labels: Labels): tf.Scalar {
  const where = 'softmaxLoss';
  check(isTensor(logits) && logits.rank === 2 && logits.shape[1]! >= 2 && logits.dtype === 'float32', where, 'logits', 'a float32 tensor [N, C] of class logits (C >= 2)', logits,
    'use a classifier head (lib/models siamese `softmaxHead`)');
  const [n, numClasses] = logits.shape;
  return tf.tidy(() => {
    const { tensor } = labelTensor(where, labels, n, numClasses);
    return softmaxCrossEntropy(logits, tf.cast(tf.oneHot(tensor, numClasses), 'float32') as tf.Tensor2D);
  });
}

export const softmaxSpec = metricLossSpec({
  name: 'softmax',
  head: 'classifier',
  defaults: {},
  loss: (b) => softmaxLoss(b.head!, b.labels),
});
