/**
 * The duality of sample-contrastive and dimension-contrastive (non-contrastive) criteria (Garrido et al. 2023;
 * deck 003, "Contrastive vs. Non-contrastive"). For an embedding matrix K whose N columns are the samples of a batch
 * and whose M rows are the embedding dimensions (K = Zᵀ for the [N, M] embeddings Z that lib code passes around):
 *
 *   L_c  = ‖KᵀK − diag(KᵀK)‖²_F = Σ_{i≠i'} (K_{·,i}ᵀ K_{·,i'})²     sample-contrastive (the samples' Gram matrix)
 *   L_nc = ‖KKᵀ − diag(KKᵀ)‖²_F = Σ_{j≠j'} (K_{j,·} K_{j',·}ᵀ)²     dimension-contrastive (the dimensions' Gram matrix)
 *
 *   L_nc + Σ_{j=1}^{M} ‖K_{j,·}‖⁴ = L_c + Σ_{i=1}^{N} ‖K_{·,i}‖⁴
 *
 * Both sides equal ‖KKᵀ‖²_F = ‖KᵀK‖²_F = tr((KᵀK)²) (the diagonal of a Gram matrix holds the squared norms), so
 * the two criteria differ only by the norms of the rows and columns: with the columns normalised (as contrastive
 * methods do) and the rows standardised (as VICReg's variance term pushes them to be), the two are equal up to a
 * constant. The deck labels M the batch size and N the embedding dimension; the identity holds for any K, and the
 * paper's convention used here has M = dimensions (rows), N = samples (columns).
 *
 *   const { contrastive, nonContrastive } = await contrastiveDuality(z); // z [N, D]: the two criteria on one batch
 *   console.log(contrastive, nonContrastive);
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkEmbeddings } from '../../util/checks.js';

export interface DualityTerms {
  /** L_c, the squared off-diagonal sample similarities. */
  contrastive: number;
  /** L_nc, the squared off-diagonal dimension similarities. */
  nonContrastive: number;
  /** Σ_i ‖K_{·,i}‖⁴ over the N samples. */
  sampleNorms4: number;
  /** Σ_j ‖K_{j,·}‖⁴ over the M dimensions. */
  dimensionNorms4: number;
  /** L_nc + Σ_j ‖K_{j,·}‖⁴. */
  lhs: number;
  /** L_c + Σ_i ‖K_{·,i}‖⁴. */
  rhs: number;
}

/** Σ of the squared off-diagonal entries and Σ of the squared diagonal of a Gram matrix (a tensor [2]). */
function gramParts(g: tf.Tensor2D): tf.Tensor1D {
  const d = tf.sum(tf.square(tf.mul(g, tf.eye(g.shape[0]))));
  return tf.stack([tf.sub(tf.sum(tf.square(g)), d), d]) as tf.Tensor1D;
}

/**
 * Both sides of the duality for the embeddings `z` [N samples, M dimensions] (K = zᵀ): L_c, L_nc and the two norm
 * sums. Reads the values (async); disposes what it makes.
 */
export async function contrastiveDuality(z: tf.Tensor2D): Promise<DualityTerms> {
  checkEmbeddings('contrastiveDuality', 'z', z, 2, { batchStatistic: true });
  const parts = tf.tidy(() => tf.concat([gramParts(tf.matMul(z, z, false, true) as tf.Tensor2D), gramParts(tf.matMul(z, z, true, false) as tf.Tensor2D)]));
  const [contrastive, sampleNorms4, nonContrastive, dimensionNorms4] = Array.from(await parts.data());
  parts.dispose();
  return {
    contrastive: contrastive!, nonContrastive: nonContrastive!, sampleNorms4: sampleNorms4!, dimensionNorms4: dimensionNorms4!,
    lhs: nonContrastive! + dimensionNorms4!, rhs: contrastive! + sampleNorms4!,
  };
}
