/**
 * Shared parts of the margin softmax losses (CosFace, ArcFace, sub-center ArcFace; deck 000, "Cosine loss",
 * "Further improvements"): the head gives cos(α_{n,c}) = ŵ_cᵀ ẑ_n (normalised embedding and class weights, see
 * lib/models/siamese.ts `NormalizedDense`), the target class's logit gets a margin, all logits are scaled by s,
 * and the loss is softmax cross-entropy:
 *
 *   L = (1/N) Σ_n −log softmax(t_n)_{y_n},   t_{n,c} = s·target(cos α_{n,c}) if c = y_n,  s·cos α_{n,c} otherwise
 *
 * Margins are one number or one per class (adaptive margins, adaptive-margin.ts).
 *
 *   const loss = marginSoftmaxLoss(cosines, labels, { margin: 0.35, scale: 30 }); // cosines [N, C] of a cosine head
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../../util/errors.js';
import { isTensor, labelTensor, type Labels } from './common.js';
import { checkMargin, checkPositive } from '../../util/checks.js';

/** A margin for every class, or one per class (index = class). */
export type Margin = number | ArrayLike<number>;

export interface MarginSoftmaxOptions {
  /** s, the scale of the logits (default 30). `adaCosScale(C)` gives the fixed AdaCos value √2·log(C − 1). */
  scale?: number;
  /** m: one margin, or one per class (e.g. `adaptiveMargins(counts)`). */
  margin?: Margin;
}

/** Check cosines [N, C] (C >= 2). */
export function checkCosines(where: string, cosines: unknown, arg = 'cosines'): asserts cosines is tf.Tensor2D {
  check(isTensor(cosines) && cosines.rank === 2 && cosines.shape[1]! >= 2 && cosines.dtype === 'float32', where, arg,
    'a float32 tensor [N, C] of cosine similarities to the class weights (C >= 2)', cosines, 'use a NormalizedDense head (lib/models siamese `cosineHead`)');
}

/** Check a margin (a number or one per class, each >= 0) and return it as a number or a Float32Array. */
export function resolveMargin(where: string, margin: Margin, numClasses: number): number | Float32Array {
  if (typeof margin === 'number') {
    checkMargin(where, margin);
    return margin;
  }
  check(margin !== null && typeof margin === 'object' && margin.length === numClasses, where, 'margin', `a number or ${numClasses} per-class margins`, margin);
  const out = new Float32Array(numClasses);
  for (let c = 0; c < numClasses; c++) {
    checkMargin(where, margin[c], `margin[${c}]`);
    out[c] = margin[c]!;
  }
  return out;
}

/** The margin of each sample's class as [N, 1] (or a number), for broadcasting against [N, C]. */
export function sampleMargins(margin: number | Float32Array, labels: tf.Tensor1D): number | tf.Tensor2D {
  if (typeof margin === 'number') return margin;
  return tf.tidy(() => tf.reshape(tf.gather(tf.tensor1d(margin), labels), [-1, 1]) as tf.Tensor2D);
}

/** Mean softmax cross-entropy of logits [N, C] against one-hot rows [N, C]. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, onehot: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}

/**
 * The shared computation: validate, build one-hot targets, replace the target logits by `target(cos, m)`, scale,
 * cross-entropy. `target` sees cosines [N, C] and the per-sample margin ([N, 1] or a number).
 */
export function marginSoftmaxLoss(
  where: string,
  cosines: tf.Tensor2D,
  labels: Labels,
  options: MarginSoftmaxOptions,
  defaultMargin: number,
  target: (cos: tf.Tensor2D, m: number | tf.Tensor2D) => tf.Tensor,
): tf.Scalar {
  checkCosines(where, cosines);
  const { scale = 30, margin = defaultMargin } = options;
  checkPositive(where, scale, 'scale', 'typical values: 30-64, or adaCosScale(numClasses)');
  const [n, numClasses] = cosines.shape;
  const m = resolveMargin(where, margin, numClasses);
  return tf.tidy(() => {
    const { tensor } = labelTensor(where, labels, n, numClasses);
    const onehot = tf.cast(tf.oneHot(tensor, numClasses), 'float32') as tf.Tensor2D;
    const t = target(cosines, sampleMargins(m, tensor));
    const logits = tf.mul(scale, tf.add(cosines, tf.mul(onehot, tf.sub(t, cosines)))) as tf.Tensor2D;
    return softmaxCrossEntropy(logits, onehot);
  });
}
