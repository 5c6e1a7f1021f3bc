/**
 * NT-Xent, the normalised temperature-scaled cross-entropy of SimCLR (deck 000, "SimCLR framework (2/2)";
 * deck 001, "NT-Xent"): for a batch of N images with two views each, every one of the 2N views is an anchor
 * whose positive is the other view of its image and whose negatives are the 2N − 2 other views:
 *
 *   L_SimCLR = 1/(2N) Σ_n [ L_info(ŷ_n⁽¹⁾, ŷ_n⁽²⁾, ℬ_n) + L_info(ŷ_n⁽²⁾, ŷ_n⁽¹⁾, ℬ_n) ],
 *   ℬ_n = {ŷ_1⁽¹⁾, ŷ_1⁽²⁾, …, ŷ_N⁽¹⁾, ŷ_N⁽²⁾} \ {ŷ_n⁽¹⁾, ŷ_n⁽²⁾},
 *
 * i.e. ℓ(i, j) = −log( exp(sim(z_i, z_j)/τ) / Σ_{k ≠ i} exp(sim(z_i, z_k)/τ) ) with sim the cosine similarity,
 * averaged over the 2N ordered positive pairs. As a classification: row i of the 2N × 2N similarity matrix
 * (its diagonal removed) is the logit vector, the other view's column is the right class.
 *
 *   const loss = ntXent(z1, z2, { temperature: 0.5 }); // the projections of two views [N, D]
 *   loss.dispose();
 */
import * as tf from '@tensorflow/tfjs-core';
import { ntXentGrad, ntXentKernelsActive, ntXentMaskedLogits, ntXentPositives, ntXentRows } from '../../kernels/ntxent.js';
import { l2Normalize } from '../../ops/distances.js';
import { check } from '../../util/errors.js';
import { checkTemperature } from '../../util/checks.js';

export interface NtXentOptions {
  /** τ > 0 (default 0.5, SimCLR's CIFAR-10 value). */
  temperature?: number;
}

function checkViews(where: string, z1: tf.Tensor, z2: tf.Tensor): void {
  check(z1 instanceof tf.Tensor && z1.rank === 2, where, 'z1', 'a rank-2 tensor [N, D]: the first views\' projections', z1);
  check(z2 instanceof tf.Tensor && z2.rank === 2 && z2.shape[0] === z1.shape[0] && z2.shape[1] === z1.shape[1], where, 'z2',
    `a tensor [${z1.shape[0]}, ${z1.shape[1]}] (the second views, same shape as z1)`, z2);
  check(z1.shape[0]! >= 2, where, 'z1', 'a batch of N >= 2 images (NT-Xent needs 2N − 2 >= 2 negatives)', z1, 'use a batch size of at least 2');
}

/** Checks the views and τ (errors name `where`), returns τ (default 0.5). */
function checkedTemperature(where: string, z1: tf.Tensor2D, z2: tf.Tensor2D, options: NtXentOptions): number {
  const { temperature = 0.5 } = options;
  checkTemperature(where, temperature);
  checkViews(where, z1, z2);
  return temperature;
}

/**
 * The classification view: logits [2N, 2N] = cos(z_i, z_k)/τ with the diagonal (a view against itself) pushed
 * to −1e9, and labels [2N] int32: the index of each view's positive (i + N for i < N, i − N after).
 */
export function ntXentLogits(z1: tf.Tensor2D, z2: tf.Tensor2D, options: NtXentOptions = {}): { logits: tf.Tensor2D; labels: tf.Tensor1D } {
  const temperature = checkedTemperature('ntXent', z1, z2, options);
  return { logits: maskedLogits(z1, z2, temperature), labels: ntXentPositives(z1.shape[0]) };
}

/** ntXentLogits' logits, arguments already checked (caller disposes). */
function maskedLogits(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature: number): tf.Tensor2D {
  return tf.tidy(() => {
    const z = l2Normalize(tf.concat([z1, z2], 0)) as tf.Tensor2D;
    return ntXentMaskedLogits(tf.matMul(z, z, false, true), temperature);
  });
}

/**
 * NT-Xent loss of two batches of projections z1, z2 [N, D] (row n of each: two views of image n).
 *
 * On webgpu with our kernels switched on (`useCustomKernels`, lib/kernels) this is {@link ntXentFused}; everywhere
 * else {@link ntXentReference}. Both compute the same value and gradient.
 */
export function ntXent(z1: tf.Tensor2D, z2: tf.Tensor2D, options: NtXentOptions = {}): tf.Scalar {
  const temperature = checkedTemperature('ntXent', z1, z2, options);
  if (ntXentKernelsActive()) return fused(z1, z2, temperature); // registered for webgpu only
  return reference(z1, z2, temperature);
}

/** NT-Xent built from tf ops (normalise, concat, matmul, mask, log-sum-exp; autodiff for the gradient): the reference. */
export function ntXentReference(z1: tf.Tensor2D, z2: tf.Tensor2D, options: NtXentOptions = {}): tf.Scalar {
  const temperature = checkedTemperature('ntXent', z1, z2, options);
  return reference(z1, z2, temperature);
}

/**
 * NT-Xent with an analytic gradient (tf.customGrad) and fused row kernels: the same value and gradient as
 * {@link ntXentReference} in a handful of kernels. With R = 2N, ẑ_i = z_i/‖z_i‖ the rows of Ẑ = normalise([z1; z2])
 * [R, D], S = Ẑ Ẑᵀ/τ with the diagonal excluded, P the row softmax of S, Y the one-hot positives (pos(i) = i ± N):
 *
 *   L = 1/(2N) Σ_i ( lse_i − S_{i,pos(i)} ),  lse_i = log Σ_{k≠i} exp(S_ik)
 *   (= the lecture's 1/(2N) Σ_n [ L_info(ŷ_n⁽¹⁾, ŷ_n⁽²⁾, ℬ_n) + L_info(ŷ_n⁽²⁾, ŷ_n⁽¹⁾, ℬ_n) ]).
 *
 * Gradient: ∂L/∂S_ij = (P_ij − Y_ij)/(2N) =: G_ij (G_ii = 0: the diagonal is not a logit). S_ij = ẑ_i·ẑ_j/τ, and ẑ_k
 * appears in row k and in column k, so ∂L/∂ẑ_k = Σ_j G_kj ẑ_j/τ + Σ_i G_ik ẑ_i/τ, i.e. dẐ = (G + Gᵀ) Ẑ/τ. Through
 * ẑ = z/‖z‖ (Jacobian (I − ẑẑᵀ)/‖z‖): dz = (dẑ − ẑ (ẑ·dẑ))/‖z‖. Then dz1, dz2 are the two halves of dz.
 *
 * Kernels, forward: concat + norm (elementwise/reductions), the GEMM Ẑ Ẑᵀ, `ReprlabNtXentRows` (per row: masked max,
 * log-sum-exp and ℓ_i = lse_i − S_{i,pos(i)}, one workgroup per row), the mean. Backward: `ReprlabNtXentGrad`
 * (H = dy·(G + Gᵀ)/τ entry by entry from S and the saved ℓ: softmax − one-hot, transposed sum and scale in one
 * pass), the GEMM H Ẑ, and the normalisation's backward. The GEMMs are tf.matMul (ours when enabled). The row
 * kernels are registered for webgpu when our kernels are on (lib/kernels); elsewhere the same code path computes
 * them with tf ops. Caveat: rows with ‖z‖ < 1e-12 are clamped as in the reference, but the gradient formula assumes
 * no clamping there.
 */
export function ntXentFused(z1: tf.Tensor2D, z2: tf.Tensor2D, options: NtXentOptions = {}): tf.Scalar {
  const temperature = checkedTemperature('ntXentFused', z1, z2, options);
  return fused(z1, z2, temperature);
}

/** ‖z‖² is clamped below at (1e-12)², as l2Normalize does. */
const EPS2 = 1e-24;

function fused(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature: number): tf.Scalar {
  const n = z1.shape[0];
  const f = tf.customGrad(((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const z = tf.concat([a, b], 0);
    const rinv = tf.rsqrt(tf.maximum(tf.sum(tf.square(z), 1, true), EPS2)); // 1/‖z_i‖, [R, 1]
    const zh = tf.mul(z, rinv) as tf.Tensor2D;
    const s = tf.matMul(zh, zh, false, true) as tf.Tensor2D; // cosines, τ applied in the kernels
    const rows = ntXentRows(s, n, temperature);
    save([zh, rinv, s, rows]);
    return {
      value: tf.mean(rows) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [zhS, rinvS, sS, rowsS] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const dzh = tf.matMul(ntXentGrad(sS, rowsS, dy, n, temperature), zhS); // dẐ = (G + Gᵀ) Ẑ/τ · dy
        const dz = tf.mul(tf.sub(dzh, tf.mul(zhS, tf.sum(tf.mul(zhS, dzh), 1, true))), rinvS);
        return tf.split(dz, 2, 0);
      },
    };
  }) as never) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Scalar;
  return f(z1, z2);
}

function reference(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature: number): tf.Scalar {
  return tf.tidy(() => {
    const logits = maskedLogits(z1, z2, temperature);
    const a = l2Normalize(z1), b = l2Normalize(z2);
    const pos = tf.div(tf.sum(tf.mul(a, b), 1), temperature); // s(z_n⁽¹⁾, z_n⁽²⁾)/τ, the positive logit of both rows
    const lse = tf.logSumExp(logits, 1);
    return tf.mean(tf.sub(lse, tf.concat([pos, pos], 0))) as tf.Scalar;
  });
}

/**
 * Top-1 accuracy of the NT-Xent classification: the fraction of the 2N views whose most similar other view is
 * their positive (async: it reads the result).
 */
export async function ntXentAccuracy(z1: tf.Tensor2D, z2: tf.Tensor2D, options: NtXentOptions = {}): Promise<number> {
  const { logits, labels } = ntXentLogits(z1, z2, options);
  const hit = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), labels), 'float32')));
  const v = (await hit.data())[0]!;
  tf.dispose([logits, labels, hit]);
  return v;
}
