/**
 * The symmetrised pairwise term of each joint-embedding method (lib/methods/joint-embedding.ts; deck 003,
 * "Architecture comparison"), by name: ℓ over the online outputs o_v and the targets t_v of the two views,
 *
 *   'byol'     ℓ(o₁, t₂) + ℓ(o₂, t₁),  ℓ = normalised MSE        = byolLoss(o₁, t₂, o₂, t₁)
 *   'simsiam'  ½ [D(o₁, t₂) + D(o₂, t₁)], D = negative cosine    = simsiamLoss(o₁, t₂, o₂, t₁)
 *   'barlow'   ½ [L_BT(o₁, t₂) + L_BT(o₂, t₁)]                    (= barlowTwinsLoss(z₁, z₂) when o = t = z)
 *   'vicreg'   ½ [λ s(o₁, t₂) + λ s(o₂, t₁)], s = invariance      (VICReg's λ s(z₁, z₂) when o = t = z)
 *
 * The targets arrive as the method built them (EMA outputs, stop-gradient'ed, or the online projections): no
 * term stops a gradient itself. VICReg's variance and covariance regularisers are added by the method
 * (`vicregVarianceTerm`, `vicregCovarianceTerm`), on the projections z.
 *
 *   const term = jointEmbeddingLosses.get('byol');
 *   const loss = term(o1, t2, o2, t1, { lambda: 5e-3, invarianceWeight: 25 });
 */
import * as tf from '@tensorflow/tfjs-core';
import { LossRegistry } from '../registry.js';
import { barlowTwinsLoss } from './barlow-twins.js';
import { byolLoss } from './byol.js';
import { simsiamLoss } from './negative-cosine.js';
import { invarianceLoss } from './vicreg.js';

/** The weights a pairwise term may read: Barlow Twins' λ and VICReg's invariance weight. */
export interface JointEmbeddingTermOptions {
  /** Barlow Twins' λ on the redundancy term. */
  lambda: number;
  /** VICReg's λ on the invariance term. */
  invarianceWeight: number;
}

/** A symmetrised pairwise term: (o₁, t₂, o₂, t₁, weights) → scalar. */
export type JointEmbeddingTerm = (o1: tf.Tensor2D, t2: tf.Tensor2D, o2: tf.Tensor2D, t1: tf.Tensor2D, options: JointEmbeddingTermOptions) => tf.Scalar;

/** The registered names of the joint-embedding methods' pairwise terms. */
export type JointEmbeddingLossName = 'byol' | 'simsiam' | 'barlow' | 'vicreg';

/** ½ [L(o₁, t₂) + L(o₂, t₁)] for a pairwise loss L. */
const halfSymmetric = (l: (o: tf.Tensor2D, t: tf.Tensor2D) => tf.Scalar): JointEmbeddingTerm => (o1, t2, o2, t1) =>
  tf.tidy(() => tf.mul(0.5, tf.add(l(o1, t2), l(o2, t1))) as tf.Scalar);

/** Name → pairwise term; `jointEmbeddingLosses.get(nameOrFn)` (see lib/losses/registry.ts). */
export const jointEmbeddingLosses = new LossRegistry<JointEmbeddingTerm>('joint-embedding loss', {
  byol: (o1, t2, o2, t1) => byolLoss(o1, t2, o2, t1),
  simsiam: (o1, t2, o2, t1) => simsiamLoss(o1, t2, o2, t1, { stopGradient: false }),
  barlow: (o1, t2, o2, t1, w) => halfSymmetric((o, t) => barlowTwinsLoss(o, t, { lambda: w.lambda }))(o1, t2, o2, t1, w),
  vicreg: (o1, t2, o2, t1, w) => halfSymmetric((o, t) => tf.mul(w.invarianceWeight, invarianceLoss(o, t)) as tf.Scalar)(o1, t2, o2, t1, w),
});
