/**
 * Soft-margin triplet loss (Hermans, Beyer & Leibe 2017; the "Soft Triplet" row of deck 003's generalisation
 * table): the hinge [·]_+ of the triplet loss replaced by its smooth version, the softplus, with a temperature τ:
 *
 *   L = (1/T) Σ_{(a,p,n)} τ · log(1 + exp((d_ap − d_an + m)/τ))
 *
 * τ → 0 recovers the hinge max{0, d_ap − d_an + m}; Hermans et al. use τ = 1, m = 0. The table's instance
 * L_{τ log(1+x), e^{x/τ+ε}} equals this with m = τε when each anchor has one negative (squared distances).
 *
 *   const loss = softMarginTripletLoss(anchor, positive, negative); // [T, D] each
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkDistance, type DistanceName, rowDistance } from '../../ops/distances.js';
import { check } from '../../util/errors.js';
import { checkEmbeddings, checkMargin, checkPositive } from '../../util/checks.js';

export interface SoftTripletOptions {
  /** τ (default 1). */
  temperature?: number;
  /** m (default 0). */
  margin?: number;
  /** Default 'squared'. */
  distance?: DistanceName;
}

export function softMarginTripletLoss(anchor: tf.Tensor2D, positive: tf.Tensor2D, negative: tf.Tensor2D, options: SoftTripletOptions = {}): tf.Scalar {
  const where = 'softMarginTripletLoss';
  const { temperature = 1, margin = 0, distance = 'squared' } = options;
  checkEmbeddings(where, 'anchor', anchor, 1, { float32: true });
  for (const [arg, t] of [['positive', positive], ['negative', negative]] as const) {
    checkEmbeddings(where, arg, t, 1, { float32: true });
    check(t.shape[0] === anchor.shape[0] && t.shape[1] === anchor.shape[1], where, arg, `a tensor of the same shape as anchor [${anchor.shape}]`, t);
  }
  checkPositive(where, temperature, 'temperature');
  checkMargin(where, margin);
  checkDistance(where, distance);
  return tf.tidy(() => {
    const x = tf.add(tf.sub(rowDistance(anchor, positive, distance), rowDistance(anchor, negative, distance)), margin);
    return tf.mean(tf.mul(temperature, tf.softplus(tf.div(x, temperature)))) as tf.Scalar;
  });
}
