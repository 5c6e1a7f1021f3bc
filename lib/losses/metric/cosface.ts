/**
 * Cosine loss, CosFace / large margin cosine loss — Wang et al. 2018 (deck 000, "Cosine loss (2/2)"):
 *
 *   L_cos(θ, W) = Σ_n −log( y_nᵀ softmax(t_n) ),   t_{n,c} = s(cos α_{n,c} − m) if c = y_n,  s·cos α_{n,c} if c ≠ y_n
 *
 * α_{n,c} the angle between the normalised embedding ẑ_n and the normalised class weight ŵ_c (head: normalise +
 * dense without bias with normalised weights), s the scale, m the margin subtracted from the target cosine.
 * Mean over the batch. Per-class margins (adaptive margins, m_c = a·N_c^(−λ) + b) are accepted.
 *
 *   const loss = cosFaceLoss(cosines, labels, { margin: 0.35, scale: 30 }); // cosines [N, C], labels [N]
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Labels } from './common.js';
import { type Margin, marginSoftmaxLoss, type MarginSoftmaxOptions } from './angular.js';
import { metricLossSpec } from './spec.js';

/** CosFace on cosines [N, C] (a `NormalizedDense` head's output) with labels [N]; default s = 30, m = 0.35. */
export function cosFaceLoss(cosines: tf.Tensor2D, labels: Labels, options: MarginSoftmaxOptions = {}): tf.Scalar {
  return marginSoftmaxLoss('cosFaceLoss', cosines, labels, options, 0.35, (cos, m) => tf.sub(cos, m));
}

/** CosFace in the metric learner: a cosine head (one centre per class). */
export const cosFaceSpec = metricLossSpec({
  name: 'cosface',
  head: 'centres',
  defaults: { margin: 0.35 as Margin, scale: 30 },
  loss: (b, o) => cosFaceLoss(b.head!, b.labels, o),
});
