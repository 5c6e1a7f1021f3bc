/**
 * SimSiam, Simple Siamese networks (Chen & He 2021; deck 003, "SimSiam"): BYOL without the momentum encoder. One
 * shared encoder f (with projector), a prediction MLP h on one branch, and a stop-gradient on the other:
 *
 *   p₁ = h(f(x₁)),  z₂ = f(x₂)    (and symmetrically)
 *   D(p₁, z₂) = − p₁/‖p₁‖₂ · z₂/‖z₂‖₂                   (negative cosine similarity)
 *   L = ½ D(p₁, stopgrad(z₂)) + ½ D(p₂, stopgrad(z₁))
 *
 * The stop-gradient is essential: without it the network finds the trivial solution — every image mapped to the
 * same vector, L = −1 — within a few hundred steps (SimSiam Fig. 2; notebook 09 reproduces it). The projector ends
 * with BatchNorm and the predictor is a bottleneck (hidden = projectionDim/4). Options: `stopGradient`,
 * `predictor`, `batchNorm`, `momentumEncoder` (→ BYOL-like), `varianceWeight`/`covarianceWeight` (VICReg terms,
 * the "Var Reg" and "Var/Cov Reg" columns of deck 003's table).
 *
 * Paper (Chen & He 2020, arXiv:2011.10566): "The projection MLP has BN applied to each fully-connected (fc) layer,
 * including its output fc. Its output fc has no ReLU. The hidden fc is 2048-d. This MLP has 3 layers"; "the
 * prediction MLP has BN applied to its hidden fc layers. Its output fc does not have BN or ReLU. This MLP has 2
 * layers", a bottleneck of 512 for a 2048-d output. The defaults here are the small-scale version of that recipe
 * (see the options below), sized for 28×28–32×32 images on a CPU.
 */
import { jointEmbedding, type JointEmbedding, type JointEmbeddingOptions } from './joint-embedding.js';

export type SimsiamOptions = JointEmbeddingOptions;

/** SimSiam: shared weights, predictor, stop-gradient, symmetrised negative cosine. */
export function simsiam(options: SimsiamOptions): JointEmbedding {
  return jointEmbedding('simsiam', options, {
    loss: 'simsiam',
    projectionDim: 128,
    projectorLayers: 3,
    predictor: true,
    predictorHidden: (p) => Math.max(16, Math.floor(p / 4)),
    momentumEncoder: false,
    stopGradient: true,
    outputBatchNorm: true,
    varianceWeight: 0,
    covarianceWeight: 0,
    batchSize: 256,
  });
}
