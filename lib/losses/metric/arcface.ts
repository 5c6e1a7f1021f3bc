/**
 * Arc loss, ArcFace / additive angular margin — Deng et al. 2019 (deck 000, "Further improvements (1/2)"): the
 * margin goes "inside" the cosine,
 *
 *   cos(α_{n,c}) − m   →   cos(α_{n,c} + m)      for the target class c = y_n,
 *
 *   L = (1/N) Σ_n −log softmax(t_n)_{y_n},   t_{n,y_n} = s·cos(α_{n,y_n} + m),   t_{n,c} = s·cos α_{n,c} (c ≠ y_n)
 *
 * computed without arccos as cos(α + m) = cos α cos m − sin α sin m, sin α = sqrt(1 − cos² α). When α + m > π the
 * target logit would grow again with α (cos is not monotonic beyond π); as in the reference implementation
 * (insightface), for cos α ≤ cos(π − m) the target becomes cos α − m·sin m instead.
 *
 *   const loss = arcFaceLoss(cosines, labels, { margin: 0.5, scale: 30 }); // cosines [N, C], labels [N]
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Labels } from './common.js';
import { type Margin, marginSoftmaxLoss, type MarginSoftmaxOptions } from './angular.js';
import { metricLossSpec } from './spec.js';

/** The ArcFace target logit (before scaling) for cosines `cos` and margin m (a number or [N, 1]). */
export function arcFaceTarget(cos: tf.Tensor, m: number | tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const mt = typeof m === 'number' ? tf.scalar(m) : m;
    const sin = tf.sqrt(tf.maximum(tf.sub(1, tf.square(cos)), 1e-12));
    const shifted = tf.sub(tf.mul(cos, tf.cos(mt)), tf.mul(sin, tf.sin(mt))); // cos(α + m)
    const fallback = tf.sub(cos, tf.mul(mt, tf.sin(mt))); // cos α − m sin m
    const inRange = tf.step(tf.sub(cos, tf.cos(tf.sub(Math.PI, mt)))); // 1 where α + m < π
    return tf.add(tf.mul(inRange, shifted), tf.mul(tf.sub(1, inRange), fallback));
  });
}

/**
 * ArcFace on cosines [N, C] (a `NormalizedDense` head's output) with labels [N]; default s = 30, m = 0.5. A label
 * outside [0, C) is an error — for JS labels always, for a label tensor wherever its values are in host memory (cpu,
 * wasm, webgpu before upload: no sync); a GPU-resident label tensor is not read (a sync per step): check it with
 * lib/util `readLabels` first.
 */
export function arcFaceLoss(cosines: tf.Tensor2D, labels: Labels, options: MarginSoftmaxOptions = {}): tf.Scalar {
  return marginSoftmaxLoss('arcFaceLoss', cosines, labels, options, 0.5, arcFaceTarget);
}

/** ArcFace in the metric learner: a cosine head (one centre per class). */
export const arcFaceSpec = metricLossSpec({
  name: 'arcface',
  head: 'centres',
  defaults: { margin: 0.5 as Margin, scale: 30 },
  loss: (b, o) => arcFaceLoss(b.head!, b.labels, o),
});
