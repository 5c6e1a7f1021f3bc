/**
 * Sub-center ArcFace — Deng et al. 2020 (deck 000, "Further improvements (1/2)", "Sub-centers"): each class c has
 * k centres w_c^(1..k); the angle to a class is the angle to its nearest sub-centre,
 *
 *   α̃_{n,c} = arccos( max_k w_c^(k)ᵀ ẑ_n ),
 *
 * and ArcFace is applied to cos α̃ (arcface.ts). Noisy or multi-modal classes can spread over several centres.
 * Layout of the head output: [N, C·k], class-major (column c·k + j is sub-centre j of class c), which is what
 * `cosineHead({ numClasses: C, subCenters: k })` (lib/models/siamese.ts) produces.
 *
 *   const loss = subCenterArcFaceLoss(cosines, labels, { subCenters: 3, margin: 0.5 }); // cosines [N, C·3]
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../../util/errors.js';
import { checkCosines, type Margin, type MarginSoftmaxOptions } from './angular.js';
import { metricLossSpec } from './spec.js';
import { arcFaceLoss } from './arcface.js';
import type { Labels } from './common.js';

export interface SubCenterArcFaceOptions extends MarginSoftmaxOptions {
  /** k, sub-centres per class (default 3, the paper's value). */
  subCenters?: number;
}

/** cos α̃: the max over each class's k sub-centres, [N, C·k] → [N, C] (caller disposes). */
export function subCenterCosines(cosines: tf.Tensor2D, subCenters: number): tf.Tensor2D {
  const where = 'subCenterCosines';
  checkCosines(where, cosines);
  check(Number.isInteger(subCenters) && subCenters >= 1, where, 'subCenters', 'a positive integer', subCenters);
  const [n, ck] = cosines.shape;
  check(ck % subCenters === 0 && ck / subCenters >= 2, where, 'cosines', `[N, C·k] with k = ${subCenters} and C >= 2 classes`, cosines,
    'build the head with cosineHead({ numClasses, subCenters }) using the same k');
  return tf.tidy(() => tf.max(tf.reshape(cosines, [n, ck / subCenters, subCenters]), 2) as tf.Tensor2D);
}

/** Sub-center ArcFace on head cosines [N, C·k] with labels [N] in [0, C); default k = 3, s = 30, m = 0.5. */
export function subCenterArcFaceLoss(cosines: tf.Tensor2D, labels: Labels, options: SubCenterArcFaceOptions = {}): tf.Scalar {
  const { subCenters = 3, ...rest } = options;
  return tf.tidy(() => {
    const cos = subCenterCosines(cosines, subCenters);
    return arcFaceLoss(cos, labels, rest);
  });
}

/** Sub-center ArcFace in the metric learner: a cosine head with `subCenters` (k) centres per class. */
export const subCenterArcFaceSpec = metricLossSpec({
  name: 'subcenterArcface',
  head: 'subCentres',
  defaults: { margin: 0.5 as Margin, scale: 30, subCenters: 3 },
  loss: (b, o) => subCenterArcFaceLoss(b.head!, b.labels, o),
});
