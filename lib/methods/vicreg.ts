/**
 * VICReg, Variance-Invariance-Covariance Regularization (Bardes et al. 2022; deck 003, "VICReg"): the Barlow
 * Twins architecture with three explicit terms on the embeddings Z, Z' (n × d) of the two views:
 *
 *   v(Z) = (1/d) Σ_j max(0, γ − √(Var(z^j) + ε))          variance hinge (γ = 1, ε = 1e-4)
 *   c(Z) = (1/d) Σ_{i≠j} [C(Z)]²_ij                        covariance, off-diagonal
 *   s(Z, Z') = (1/(n·d)) Σ_i ‖z_i − z'_i‖²₂                invariance (mean squared error over all entries)
 *   L = λ s(Z, Z') + μ [v(Z) + v(Z')]/2 + ν [c(Z) + c(Z')]  (λ = μ = 25, ν = 1)
 *
 * These are the official implementation's terms, for which the defaults were tuned; the deck writes
 * s = (1/n) Σ_i ‖z_i − z'_i‖² (d times larger) and μ [v(Z) + v(Z')] (twice as large) — see
 * lib/losses/noncontrastive/vicreg.ts.
 *
 * "No memory bank, no large batches, no stop-gradient, no normalisation, no predictor needed" (deck 003). With
 * μ = ν = 0 ("No Reg") it collapses; the ablation rows of deck 003 add `stopGradient` and `predictor`.
 *
 * Paper (Bardes, Ponce & LeCun 2021, arXiv:2105.04906): an expander of three fully-connected layers of 8192 units,
 * the first two followed by batch normalization and ReLU; λ = μ = 25, ν = 1. The defaults here are the small-scale
 * version of that recipe (see the options below), sized for 28×28–32×32 images on a CPU.
 */
import { jointEmbedding, type JointEmbedding, type JointEmbeddingOptions } from './joint-embedding.js';

export type VicregOptions = JointEmbeddingOptions;

/** VICReg: shared weights, no predictor, no stop-gradient; λ = `invarianceWeight`, μ = `varianceWeight`, ν = `covarianceWeight`. */
export function vicreg(options: VicregOptions): JointEmbedding {
  return jointEmbedding('vicreg', options, {
    loss: 'vicreg',
    projectionDim: 128,
    projectorLayers: 3,
    predictor: false,
    predictorHidden: (p) => p,
    momentumEncoder: false,
    stopGradient: false,
    outputBatchNorm: false,
    varianceWeight: 25,
    covarianceWeight: 1,
    batchSize: 256,
  });
}
