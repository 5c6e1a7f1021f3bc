/**
 * BYOL, Bootstrap Your Own Latent (Grill et al. 2020; deck 003, "BYOL"; deck 002, "Many More Variants"): no
 * negative pairs; an online network (encoder f_θ, projector g_θ, predictor q_θ) learns to predict a target
 * network's projection of another view of the same image. The target ξ is a slow-moving average of the online
 * weights — "in theory a trivial solution is possible (e.g. zero for all images)"; the momentum encoder and the
 * predictor are what keep it from collapsing in practice:
 *
 *   p_v = q_θ(g_θ(f_θ(x_v))),   z'_v = g_ξ(f_ξ(x_v))        (views v = 1, 2; no gradient into ξ)
 *   ℓ(p, z') = ‖ p/‖p‖ − z'/‖z'‖ ‖²₂ = 2 − 2 cos(p, z')      (MSE of ℓ²-normalised vectors)
 *   L = ℓ(p₁, z'₂) + ℓ(p₂, z'₁)
 *   ξ ← m ξ + (1 − m) θ,   m = 1 − (1 − m_base)(cos(πk/K) + 1)/2   (m_base = 0.996, cosine schedule to 1)
 *
 * Options switch the pieces off for the collapse lab (notebook 09): `momentumEncoder`, `predictor`, `batchNorm`,
 * `stopGradient` (used when there is no momentum encoder), `varianceWeight`/`covarianceWeight` (VICReg terms).
 *
 * Paper (Grill et al. 2020, arXiv:2006.07733): the projector is "a linear layer with output size 4096 followed by
 * batch normalization, rectified linear units (ReLU), and a final linear layer with output dimension 256"; the
 * predictor has the same architecture; the target's EMA rate goes from τ_base = 0.996 to 1 on a cosine schedule.
 * The defaults here are the small-scale version of that recipe (see the options below), sized for 28×28–32×32
 * images on a CPU.
 */
import { jointEmbedding, type JointEmbedding, type JointEmbeddingOptions } from './joint-embedding.js';

export type ByolOptions = JointEmbeddingOptions;

/** BYOL: EMA target, predictor, symmetrised normalised MSE. Defaults: projector 2 layers → 128, predictor hidden = projector hidden, m = 0.996. */
export function byol(options: ByolOptions): JointEmbedding {
  return jointEmbedding('byol', options, {
    loss: 'byol',
    projectionDim: 128,
    projectorLayers: 2,
    predictor: true,
    predictorHidden: () => options.hiddenDim ?? Math.max(128, options.projectionDim ?? 128),
    momentumEncoder: true,
    stopGradient: true,
    outputBatchNorm: false,
    varianceWeight: 0,
    covarianceWeight: 0,
    batchSize: 256,
  });
}
