/**
 * Barlow Twins (Zbontar et al. 2021; deck 003, "Barlow Twins"): a Siamese network with shared weights (encoder +
 * 3-layer projector, BN + ReLU in the first two layers, the last linear) and a loss on the cross-correlation
 * matrix of the two views' embeddings, computed along the batch:
 *
 *   C_ij = Σ_b ẑ^A_{b,i} ẑ^B_{b,j} / N          (ẑ: each dimension standardised over the batch)
 *   L_BT = Σ_i (1 − C_ii)²  +  λ Σ_i Σ_{j≠i} C_ij²
 *
 * The invariance term makes the embedding invariant to the distortions; the redundancy-reduction term decorrelates
 * its components, which rules out collapse without negatives, predictor, stop-gradient or momentum encoder.
 * λ defaults to 5e-3 (`lambda`).
 *
 * Paper (Zbontar et al. 2021, arXiv:2103.03230): "The projector network has three linear layers, each with 8192
 * output units. The first two layers of the projector are followed by a batch normalization layer and rectified
 * linear units"; λ = 5·10⁻³. The defaults here are the small-scale version of that recipe (see the options below),
 * sized for 28×28–32×32 images on a CPU.
 */
import { jointEmbedding, type JointEmbedding, type JointEmbeddingOptions } from './joint-embedding.js';

export type BarlowTwinsOptions = JointEmbeddingOptions;

/** Barlow Twins: shared weights, no predictor, no stop-gradient, cross-correlation loss. */
export function barlowTwins(options: BarlowTwinsOptions): JointEmbedding {
  return jointEmbedding('barlow_twins', options, {
    loss: 'barlow',
    projectionDim: 128,
    projectorLayers: 3,
    predictor: false,
    predictorHidden: (p) => p,
    momentumEncoder: false,
    stopGradient: false,
    outputBatchNorm: false,
    varianceWeight: 0,
    covarianceWeight: 0,
    batchSize: 256,
  });
}
