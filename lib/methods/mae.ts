/**
 * MAE, Masked Autoencoder (He et al. 2022; deck 003, "Masked AE"; deck 002, "Masked Autoencoder (MAE)"; deck
 * 001, "Masked Models for text and images"):
 *
 *   1. divide the image into non-overlapping p×p patches (tokens, with positional embeddings);
 *   2. mask a large random subset out (75 %), independently for each image;
 *   3. encoder: a ViT applied only to the visible patches;
 *   4. decoder (light, used only in pre-training): the encoded visible tokens plus a learned mask token at every
 *      masked position, a positional embedding added, transformer blocks, a linear map to the pixels of a patch;
 *   loss: mean-squared error on the masked patches only,
 *
 *     L = Σ_i m_i (1/P) ‖x̂_i − x_i‖² / Σ_i m_i          (m_i = 1 for a masked patch; P pixels per patch)
 *
 *   with `normalizePixels` the target of each patch is its standardised pixels (the paper's norm-pix loss).
 *
 * "Predicting a large portion of unknown patches encourages to learn semantic features" (deck 002). The mask of
 * step k is drawn in JS from a generator seeded by (seed, k), so training and resume are deterministic. The
 * representation (`encoder`) is the mean of the encoder's output tokens on the whole, unmasked image.
 *
 * Paper (He et al. 2021, arXiv:2111.06377): a ViT encoder on the visible patches only, 75 % of the patches masked,
 * and a lightweight decoder (8 Transformer blocks of width 512) that predicts the pixels of the masked patches
 * (normalised per patch in the best setting). The defaults here are the small-scale version of that recipe (see the
 * options below), sized for 28×28–32×32 images on a CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { maskedMse } from '../losses/noncontrastive/masked-mse.js';
import { AddPositionEmbedding, MaskTokenFill, patchify, type PositionalEmbedding, transformerStack, unpatchify, vit, type Vit } from '../models/vit.js';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { resolveOptimizer } from './common.js';
import { makeMethod, type Method, viewSeed } from '../train/method.js';
import { checkInt } from '../util/checks.js';

export interface MaeOptions {
  /** [H, W, C] of the images (required). */
  inputShape: [number, number, number];
  /** Patch side p; must divide H and W (default 4). */
  patchSize?: number;
  /** Fraction of patches masked, in (0, 1) (default 0.75). */
  maskRatio?: number;
  /** Encoder width, depth, heads (defaults 64, 4, 4). */
  dim?: number;
  depth?: number;
  numHeads?: number;
  /** Decoder width, depth, heads (defaults 32, 1, 4). */
  decoderDim?: number;
  decoderDepth?: number;
  decoderNumHeads?: number;
  /** MLP ratio of the blocks (default 2). */
  mlpRatio?: number;
  positionalEmbedding?: PositionalEmbedding;
  /** Standardised-patch targets (default false, so reconstructions are in pixel space). */
  normalizePixels?: boolean;
  learningRate?: number;
  optimizer?: tf.Optimizer;
  /** Default batch size of `train` (default 128). */
  batchSize?: number;
  seed?: number;
}

export interface MaeResolved {
  inputShape: [number, number, number];
  patchSize: number;
  maskRatio: number;
  dim: number;
  depth: number;
  numHeads: number;
  decoderDim: number;
  decoderDepth: number;
  decoderNumHeads: number;
  mlpRatio: number;
  positionalEmbedding: PositionalEmbedding;
  normalizePixels: boolean;
  batchSize: number;
  seed: number;
  /** L, patches per image, and how many stay visible: max(1, ⌊L(1 − maskRatio)⌋). */
  numPatches: number;
  numVisible: number;
}

/** A random per-image mask: which patches stay visible. */
export interface PatchMask {
  /** [N × L], 1 where the patch is masked. */
  mask: Float32Array;
  /** Visible patch indices per image, in increasing order, row-major [N × numVisible]. */
  keep: Int32Array;
  numVisible: number;
}

export interface MaeReconstruction {
  /** The input with masked patches filled with grey (0.5). */
  masked: tf.Tensor4D;
  /** Visible patches from the input, masked ones from the decoder (pixel space). */
  reconstruction: tf.Tensor4D;
  /** The decoder's prediction for every patch (pixel space). */
  prediction: tf.Tensor4D;
  /** [N, L] 1 = masked. */
  mask: tf.Tensor2D;
}

export interface Mae extends Method<MaeResolved> {
  vit: Vit;
  decoder: tfl.LayersModel;
  /** The mask of step `i` for a batch of n images (or one drawn from `seed`). */
  sampleMask(n: number, seed: number, maskRatio?: number): PatchMask;
  /** Mask, encode the visible patches, decode: the images to show (tensors owned by the caller). */
  reconstruct(x: tf.Tensor4D, options?: { maskRatio?: number; seed?: number }): MaeReconstruction;
}

/** Draw an independent random subset of `numVisible` visible patches for each of n images. */
export function randomPatchMask(n: number, numPatches: number, numVisible: number, seed: number): PatchMask {
  check(Number.isInteger(numVisible) && numVisible >= 1 && numVisible <= numPatches, 'randomPatchMask', 'numVisible', `an integer in [1, ${numPatches}]`, numVisible);
  const rng = new Rng(seed);
  const mask = new Float32Array(n * numPatches).fill(1);
  const keep = new Int32Array(n * numVisible);
  for (let i = 0; i < n; i++) {
    const kept = Array.from(rng.permutation(numPatches).subarray(0, numVisible)).sort((a, b) => a - b);
    kept.forEach((p, j) => {
      keep[i * numVisible + j] = p;
      mask[i * numPatches + p] = 0;
    });
  }
  return { mask, keep, numVisible };
}

const visibleCount = (numPatches: number, ratio: number) => Math.max(1, Math.floor(numPatches * (1 - ratio)));

function checkRatio(where: string, ratio: unknown): asserts ratio is number {
  check(typeof ratio === 'number' && ratio > 0 && ratio < 1, where, 'maskRatio', 'a number in (0, 1), the fraction of patches masked (MAE: 0.75)', ratio,
    'pass e.g. maskRatio: 0.75');
}

export function mae(options: MaeOptions): Mae {
  const where = 'mae';
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, patchSize?, maskRatio?, ... }', options);
  const maskRatio = options.maskRatio ?? 0.75;
  checkRatio(where, maskRatio);
  const net = vit({
    inputShape: options.inputShape, patchSize: options.patchSize ?? 4, dim: options.dim ?? 64, depth: options.depth ?? 4, numHeads: options.numHeads ?? 4,
    mlpRatio: options.mlpRatio ?? 2, positionalEmbedding: options.positionalEmbedding ?? 'sincos', seed: options.seed ?? 0, name: 'mae_encoder',
  });
  const [h, w, c] = options.inputShape;
  const p = net.patchSize, L = net.numPatches, P = p * p * c;
  const r: MaeResolved = {
    inputShape: options.inputShape,
    patchSize: p,
    maskRatio,
    dim: net.dim,
    depth: options.depth ?? 4,
    numHeads: options.numHeads ?? 4,
    decoderDim: options.decoderDim ?? 32,
    decoderDepth: options.decoderDepth ?? 1,
    decoderNumHeads: options.decoderNumHeads ?? 4,
    mlpRatio: options.mlpRatio ?? 2,
    positionalEmbedding: options.positionalEmbedding ?? 'sincos',
    normalizePixels: options.normalizePixels ?? false,
    batchSize: options.batchSize ?? 128,
    seed: options.seed ?? 0,
    numPatches: L,
    numVisible: visibleCount(L, maskRatio),
  };
  checkInt(where, 'decoderDim', r.decoderDim);
  checkInt(where, 'decoderDepth', r.decoderDepth, 0);
  checkInt(where, 'decoderNumHeads', r.decoderNumHeads);
  check(r.decoderDim % r.decoderNumHeads === 0, where, 'decoderNumHeads', `a divisor of decoderDim = ${r.decoderDim}`, r.decoderNumHeads);
  if (r.positionalEmbedding === 'sincos') check(r.decoderDim % 4 === 0, where, 'decoderDim', 'a multiple of 4 (sin-cos positional embedding)', r.decoderDim);
  checkInt(where, 'batchSize', r.batchSize, 1);
  check(typeof r.normalizePixels === 'boolean', where, 'normalizePixels', 'true or false', r.normalizePixels);

  // decoder: [tokens in full layout [L, D], mask [L, 1]] → pixels per patch [L, P]
  const tokIn = tfl.input({ shape: [L, r.dim] });
  const maskIn = tfl.input({ shape: [L, 1] });
  let d = tfl.layers.dense({ units: r.decoderDim, kernelInitializer: tfl.initializers.glorotUniform({ seed: r.seed + 500 }), name: 'mae_decoder_embed' }).apply(tokIn) as tfl.SymbolicTensor;
  d = new MaskTokenFill({ dim: r.decoderDim, seed: r.seed + 501, name: 'mae_mask_token' }).apply([d, maskIn]) as tfl.SymbolicTensor;
  d = new AddPositionEmbedding({ gridH: net.grid[0], gridW: net.grid[1], dim: r.decoderDim, positionalEmbedding: r.positionalEmbedding, seed: r.seed + 502, name: 'mae_decoder_pos' })
    .apply(d) as tfl.SymbolicTensor;
  if (r.decoderDepth > 0) d = transformerStack({ dim: r.decoderDim, depth: r.decoderDepth, numHeads: r.decoderNumHeads, mlpRatio: r.mlpRatio, seed: r.seed + 510, name: 'mae_decoder_blocks' }).apply(d) as tfl.SymbolicTensor;
  d = tfl.layers.dense({ units: P, kernelInitializer: tfl.initializers.glorotUniform({ seed: r.seed + 520 }), name: 'mae_decoder_pred' }).apply(d) as tfl.SymbolicTensor;
  const decoder = tfl.model({ inputs: [tokIn, maskIn], outputs: d, name: 'mae_decoder' });

  const sampleMask = (n: number, seed: number, ratio = maskRatio) => {
    checkRatio('mae.sampleMask', ratio);
    return randomPatchMask(n, L, visibleCount(L, ratio), seed);
  };

  /**
   * Encode the visible tokens and decode every patch: pred [N, L, P]. Gathering the visible tokens and putting the
   * encoded ones back in place are batched products with a one-hot selection matrix Sel [N, k, L]
   * (visible = Sel · tokens, full = Selᵀ · encoded, zeros at the masked positions): their gradients are matrix
   * products too, where tf.gather's (an unsorted segment sum) is very slow on the cpu backend.
   */
  const forward = (x: tf.Tensor4D, m: PatchMask, training: boolean): tf.Tensor3D => {
    const n = x.shape[0], k = m.numVisible;
    const sel = new Float32Array(n * k * L);
    for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) sel[(i * k + j) * L + m.keep[i * k + j]!] = 1;
    const select = tf.tensor3d(sel, [n, k, L]);
    const tokens = net.tokenizer.apply(x, { training }) as tf.Tensor3D;
    const visible = tf.matMul(select, tokens);
    const encoded = net.blocks.apply(visible, { training }) as tf.Tensor3D;
    const full = tf.matMul(select, encoded, true, false);
    return decoder.apply([full, tf.tensor3d(m.mask, [n, L, 1])], { training }) as tf.Tensor3D;
  };

  type Ctx = { target: tf.Tensor3D; mask2d: tf.Tensor2D };
  let stepMask: PatchMask | undefined;
  const method = makeMethod<MaeResolved, Ctx>({
    name: where,
    encoder: net.encoder,
    models: { encoder: net.encoder, decoder },
    optimizer: resolveOptimizer({ learningRate: options.learningRate, optimizer: options.optimizer }),
    options: r,
    trainable: [net.encoder, decoder],
    prepare: (x, i) => {
      check(x instanceof tf.Tensor && x.rank === 4 && x.shape[1] === h && x.shape[2] === w && x.shape[3] === c, where, 'x', `images [N, ${h}, ${w}, ${c}]`, x);
      stepMask = sampleMask(x.shape[0], viewSeed(r.seed, i, 0));
      return { target: patchify(x, p), mask2d: tf.tensor2d(stepMask.mask, [x.shape[0], L]) };
    },
    loss: (x, _i, _y, { target, mask2d }) => maskedMse(forward(x, stepMask!, true), target, mask2d, { normalizePixels: r.normalizePixels }),
  });

  const reconstruct = (x: tf.Tensor4D, o: { maskRatio?: number; seed?: number } = {}): MaeReconstruction => {
    const m = sampleMask(x.shape[0], o.seed ?? 12345, o.maskRatio ?? maskRatio);
    return tf.tidy(() => {
      const n = x.shape[0];
      const target = patchify(x, p);
      let pred: tf.Tensor3D = forward(x, m, false);
      if (r.normalizePixels) {
        // back to pixel space with each patch's own mean and std (as MAE's visualisation does)
        const mean = tf.mean(target, -1, true);
        const std = tf.sqrt(tf.add(tf.div(tf.sum(tf.square(tf.sub(target, mean)), -1, true), Math.max(P - 1, 1)), 1e-6));
        pred = tf.add(tf.mul(pred, std), mean) as tf.Tensor3D;
      }
      pred = tf.clipByValue(pred, 0, 1) as tf.Tensor3D;
      const m3 = tf.tensor3d(m.mask, [n, L, 1]);
      const keepM = tf.sub(1, m3);
      const masked = unpatchify(tf.add(tf.mul(target, keepM), tf.mul(m3, 0.5)) as tf.Tensor3D, p, [h, w, c]);
      const reconstruction = unpatchify(tf.add(tf.mul(target, keepM), tf.mul(pred, m3)) as tf.Tensor3D, p, [h, w, c]);
      return { masked, reconstruction, prediction: unpatchify(pred, p, [h, w, c]), mask: tf.tensor2d(m.mask, [n, L]) };
    });
  };
  return Object.assign(method, { vit: net, decoder, sampleMask, reconstruct });
}
