/**
 * Autoencoders (deck 002, "Autoencoder"; deck 001, the autoencoder family): an encoder E and a decoder D trained to
 * reconstruct their input through a low-dimensional code z = E(x),
 *
 *   plain        L = (1/B) Σ_i ℓ(D(E(x_i)), x_i)
 *   denoising    L = (1/B) Σ_i ℓ(D(E(x̃_i)), x_i),   x̃ = clip(x + ε, 0, 1), ε ~ N(0, σ² I)   (Vincent et al. 2008)
 *   sparse       L = (1/B) Σ_i [ℓ(D(E(x_i)), x_i) + λ ‖E(x_i)‖₁]                               (L1 on the code)
 *
 * with ℓ the per-image squared error Σ_p (x̂_p − x_p)² ('mse', the deck's ‖D(E(x)) − x‖²) or the per-image binary
 * cross-entropy −Σ_p [x_p log x̂_p + (1 − x_p) log(1 − x̂_p)] ('bce'). "Auto-encoding is self-supervised
 * learning: the data itself is the supervision." K-means and PCA are autoencoders too (see kmeans.ts, pca.ts);
 * kind 'linear' is the one whose optimum spans the PCA subspace.
 *
 * An {@link Autoencoder} is a lib/methods `Method`: `train(set, { steps, batchSize })` runs lib/train's `fit`,
 * and `encoder` (x → z) is what evaluation uses: `embed(ae.encoder, set)`.
 *
 * Paper (Hinton & Salakhutdinov 2006, Science 313 (no arXiv id); denoising: Vincent et al. 2008 (ICML, no arXiv
 * id)): an encoder to a small code and a mirrored decoder, trained to reconstruct the input (from a corrupted copy
 * for the denoising variant). The defaults here are the small-scale version of that recipe (see the options below),
 * sized for 28×28–32×32 images on a CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { makeMethod, type Method, viewSeed } from '../train/method.js';
import { makeOptimizer } from '../train/optimizers.js';
import { check } from '../util/errors.js';
import { initSeed } from '../util/rng.js';
import { type AutoencoderKind, buildDecoder, buildEncoder, checkNetSpec, defaultHidden } from './autoencoder-models.js';

export type ReconstructionLoss = 'mse' | 'bce';

export interface AutoencoderOptions {
  /** [H, W, C] of the images. */
  inputShape: [number, number, number];
  /** Code size (default 32). */
  latentDim?: number;
  /** 'mlp' (default), 'conv' or 'linear'. */
  kind?: AutoencoderKind;
  /** mlp: hidden widths (default [256]); conv: filters per stride-2 layer (default [32, 64]). */
  hidden?: number[];
  /** Denoising: σ of the Gaussian noise added to the input (default 0: plain). */
  noise?: number;
  /** Sparse: λ of the L1 penalty on the code (default 0). */
  sparsity?: number;
  /** Reconstruction loss (default 'mse'; 'linear' kind must use 'mse'). */
  loss?: ReconstructionLoss;
  learningRate?: number;
  /** Default batch size of train (default 128). */
  batchSize?: number;
  seed?: number;
  name?: string;
}

export type AutoencoderConfig = Required<Omit<AutoencoderOptions, 'name'>> & { name: string };

export interface AutoencoderLoss {
  total: tf.Scalar;
  reconstruction: tf.Scalar;
  sparsity: tf.Scalar;
}

export interface Autoencoder extends Method<AutoencoderConfig> {
  decoder: tfl.LayersModel;
  latentDim: number;
  /** z = E(x) (inference mode); caller disposes. */
  encode: (x: tf.Tensor4D) => tf.Tensor2D;
  /** x̂ = D(z); caller disposes. */
  decode: (z: tf.Tensor2D) => tf.Tensor4D;
  /** D(E(x)); caller disposes. */
  reconstruct: (x: tf.Tensor4D) => tf.Tensor4D;
  /** The loss and its parts on a batch at step i (noise seeded by i); caller disposes. */
  lossParts: (x: tf.Tensor4D, i?: number) => AutoencoderLoss;
}

/** Per-image reconstruction loss ℓ(x̂, x), averaged over the batch. */
export function reconstructionLoss(xHat: tf.Tensor, x: tf.Tensor, kind: ReconstructionLoss = 'mse'): tf.Scalar {
  check(kind === 'mse' || kind === 'bce', 'reconstructionLoss', 'kind', "'mse' or 'bce'", kind);
  return tf.tidy(() => {
    const b = x.shape[0]!;
    const xh = tf.reshape(xHat, [b, -1]), xx = tf.reshape(x, [b, -1]);
    if (kind === 'mse') return tf.mean(tf.sum(tf.square(tf.sub(xh, xx)), 1)) as tf.Scalar;
    const p = tf.clipByValue(xh, 1e-7, 1 - 1e-7);
    return tf.neg(tf.mean(tf.sum(tf.add(tf.mul(xx, tf.log(p)), tf.mul(tf.sub(1, xx), tf.log(tf.sub(1, p)))), 1))) as tf.Scalar;
  });
}

/** Denoising input: clip(x + N(0, σ²), 0, 1) with a seeded draw. */
export function addInputNoise(x: tf.Tensor4D, sigma: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => tf.clipByValue(tf.add(x, tf.randomNormal(x.shape, 0, sigma, 'float32', initSeed(seed))), 0, 1) as tf.Tensor4D);
}

/** Build an autoencoder (plain, denoising with `noise`, sparse with `sparsity`). */
export function autoencoder(options: AutoencoderOptions): Autoencoder {
  const where = 'autoencoder';
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, latentDim, ... }', options);
  const kind = options.kind ?? 'mlp';
  const o: AutoencoderConfig = {
    inputShape: options.inputShape, latentDim: options.latentDim ?? 32, kind, hidden: options.hidden ?? defaultHidden(kind),
    noise: options.noise ?? 0, sparsity: options.sparsity ?? 0, loss: options.loss ?? 'mse', learningRate: options.learningRate ?? 1e-3,
    batchSize: options.batchSize ?? 128, seed: options.seed ?? 0, name: options.name ?? (options.noise ? 'denoising_ae' : options.sparsity ? 'sparse_ae' : `${kind}_ae`),
  };
  checkNetSpec(where, o);
  check(Number.isInteger(o.latentDim) && o.latentDim > 0, where, 'latentDim', 'a positive integer', o.latentDim);
  check(o.noise >= 0 && Number.isFinite(o.noise), where, 'noise', 'a number >= 0 (σ of the input noise)', o.noise);
  check(o.sparsity >= 0 && Number.isFinite(o.sparsity), where, 'sparsity', 'a number >= 0 (λ of the L1 code penalty)', o.sparsity);
  check(o.loss === 'mse' || o.loss === 'bce', where, 'loss', "'mse' or 'bce'", o.loss);
  check(!(kind === 'linear' && o.loss === 'bce'), where, 'loss', "'mse' for kind 'linear' (its output is not in (0, 1))", o.loss);
  const encoder = buildEncoder(o, o.latentDim, `${o.name}_encoder`);
  const decoder = buildDecoder(o, o.latentDim, `${o.name}_decoder`);

  const lossParts = (x: tf.Tensor4D, i = 0): AutoencoderLoss => {
    const [reconstruction, sparsity] = tf.tidy(() => {
      const input = o.noise > 0 ? addInputNoise(x, o.noise, viewSeed(o.seed, i)) : x;
      const z = encoder.apply(input, { training: true }) as tf.Tensor2D;
      const xHat = decoder.apply(z, { training: true }) as tf.Tensor4D;
      return [reconstructionLoss(xHat, x, o.loss), tf.mean(tf.sum(tf.abs(z), 1)) as tf.Scalar];
    });
    const total = o.sparsity > 0 ? tf.tidy(() => tf.add(reconstruction, tf.mul(o.sparsity, sparsity)) as tf.Scalar) : tf.clone(reconstruction);
    return { total, reconstruction, sparsity };
  };
  const method = makeMethod<AutoencoderConfig>({
    name: o.name, encoder, models: { decoder }, optimizer: makeOptimizer({ learningRate: o.learningRate }), options: o,
    trainable: [encoder, decoder],
    loss: (x, i) => {
      const p = lossParts(x, i);
      tf.dispose([p.reconstruction, p.sparsity]);
      return p.total;
    },
  });
  const encode = (x: tf.Tensor4D) => tf.tidy(() => encoder.apply(x, { training: false }) as tf.Tensor2D);
  const decode = (z: tf.Tensor2D) => tf.tidy(() => decoder.apply(z, { training: false }) as tf.Tensor4D);
  return Object.assign(method, {
    decoder, latentDim: o.latentDim, encode, decode, lossParts,
    reconstruct: (x: tf.Tensor4D) => tf.tidy(() => decode(encode(x))),
  });
}

/**
 * The k×D basis a linear autoencoder's decoder spans (the rows of its dense kernel, k = latentDim): compare it with
 * PCA's components through subspaceAngles / subspaceSimilarity.
 */
export async function decoderBasis(ae: Autoencoder): Promise<{ data: Float32Array; n: number; dim: number }> {
  check(ae.options.kind === 'linear', 'decoderBasis', 'ae', "a linear autoencoder (kind: 'linear')", ae.options.kind);
  const kernel = ae.decoder.trainableWeights.find((w) => w.shape.length === 2)!.read(); // the variable itself: not disposed
  const data = new Float32Array((await kernel.data()) as Float32Array);
  return { data, n: kernel.shape[0]!, dim: kernel.shape[1]! };
}
