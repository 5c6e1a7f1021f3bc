/**
 * MAE's reconstruction loss (deck 003, "Masked AE": "Loss: mean-squared error"; deck 002, "Masked Autoencoder";
 * He et al. 2022): the mean squared error between predicted and true pixels, on the masked patches only:
 *
 *   L = Σ_i m_i · (1/P) ‖x̂_i − x_i‖²₂  /  Σ_i m_i          (i over the patches of the batch, m_i = 1 if masked)
 *
 * With `normalizePixels` the target of each patch is its own standardised pixels, (x_i − mean(x_i)) /
 * √(var(x_i) + 1e-6) (unbiased var, the paper's "norm_pix_loss", which improves the representation).
 *
 *   const loss = maskedMse(pred, patches, mask, { normalizePixels: true }); // [N, P, D], [N, P, D], mask [N, P]
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../../util/errors.js';

export interface MaskedMseOptions {
  /** Standardise each target patch (default false). */
  normalizePixels?: boolean;
}

/** Per-patch standardisation (x − mean) / √(var + 1e-6) along the last axis (var unbiased). */
export function normalizePatches(target: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const p = target.shape[2];
    const mean = tf.mean(target, -1, true);
    const c = tf.sub(target, mean);
    const v = tf.div(tf.sum(tf.square(c), -1, true), Math.max(p - 1, 1));
    return tf.div(c, tf.sqrt(tf.add(v, 1e-6))) as tf.Tensor3D;
  });
}

/**
 * pred, target: [N, L, P] (patches, e.g. from `patchify`); mask: [N, L], 1 where the patch was masked (the loss
 * counts only those). Returns a scalar (caller disposes).
 */
export function maskedMse(pred: tf.Tensor3D, target: tf.Tensor3D, mask: tf.Tensor2D, options: MaskedMseOptions = {}): tf.Scalar {
  const where = 'maskedMse';
  check(pred instanceof tf.Tensor && pred.rank === 3, where, 'pred', 'a rank-3 tensor [N, L, P] of predicted patches', pred);
  check(target instanceof tf.Tensor && target.shape.join() === pred.shape.join(), where, 'target', `a tensor [${pred.shape.join(', ')}] (same shape as pred)`, target);
  check(mask instanceof tf.Tensor && mask.rank === 2 && mask.shape[0] === pred.shape[0] && mask.shape[1] === pred.shape[1], where, 'mask',
    `a tensor [${pred.shape[0]}, ${pred.shape[1]}] with 1 for masked patches`, mask);
  return tf.tidy(() => {
    const t = options.normalizePixels ? normalizePatches(target) : target;
    const perPatch = tf.mean(tf.squaredDifference(pred, t), -1);
    const m = tf.cast(mask, 'float32');
    return tf.div(tf.sum(tf.mul(perPatch, m)), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
  });
}
