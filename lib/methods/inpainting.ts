/**
 * Inpainting, the context encoder (Pathak et al., 2016; deck 000, "Pretext tasks based on images (3/3)"; deck 002,
 * "Masked image modeling (Context Encoders)"): remove a patch, encode what is left, regress the missing pixels:
 *
 *   x̃ = (1 − M) ⊙ x + M ⊙ fill,   x̂ = D_φ(f_θ(x̃)),   L(θ, φ) = ‖M ⊙ (x̂ − x)‖² / Σ M
 *
 * with M the mask (1 on the removed patch, per channel). The paper adds an adversarial loss for sharper
 * completions; the representation is learned by the L2 part, which is what we keep.
 *
 * Paper (Pathak et al. 2016, arXiv:1604.07379): a context encoder: an encoder–decoder that fills a removed region
 * (a central square of a quarter of the image, or random blocks) from its surroundings, with a reconstruction (L2)
 * plus adversarial loss. The defaults here are the small-scale version of that recipe (see the options below),
 * sized for 28×28–32×32 images on a CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { applyMask, centerMask, randomBoxMask } from '../augment/erase.js';
import { check } from '../util/errors.js';
import { pixelDecoder } from './pretext-heads.js';
import { type Augment, type MethodOptions, resolveEncoder, resolveOptimizer, singleView } from './common.js';
import { makeMethod, type Method, viewSeed } from '../train/method.js';
import { checkInt } from '../util/checks.js';
import { featureDim } from '../models/encoders.js';

export interface InpaintingOptions extends MethodOptions {
  /** Side of the square hole as a fraction of the image side (default 0.5). */
  maskFraction?: number;
  /** 'random' position per image (default) or the 'center' (the context encoder's central region). */
  mask?: 'random' | 'center';
  /** Value the hole is filled with (default 0.5). */
  fill?: number;
  decoderHidden?: number;
}

export type InpaintingResolved = { batchSize: number; seed: number; maskFraction: number; mask: 'random' | 'center'; fill: number; decoderHidden: number; inputShape: [number, number, number] };

export interface Inpainting extends Method<InpaintingResolved> {
  decoder: tfl.LayersModel;
  /** The masked inputs, the mask, the raw prediction and the completion (prediction inside the hole) for step i's masks. */
  inpaint(x: tf.Tensor4D, i?: number): { masked: tf.Tensor4D; mask: tf.Tensor4D; prediction: tf.Tensor4D; completed: tf.Tensor4D };
}

export function inpainting(options: InpaintingOptions): Inpainting {
  const where = 'inpainting';
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, ... }', options);
  const { batchSize = 128, seed = 0, maskFraction = 0.5, mask = 'random', fill = 0.5, decoderHidden = 256 } = options;
  checkInt(where, 'batchSize', batchSize);
  checkInt(where, 'decoderHidden', decoderHidden);
  check(typeof maskFraction === 'number' && maskFraction > 0 && maskFraction < 1, where, 'maskFraction', 'a fraction in (0, 1)', maskFraction);
  check(mask === 'random' || mask === 'center', where, 'mask', "'random' or 'center'", mask);
  check(typeof fill === 'number' && fill >= 0 && fill <= 1, where, 'fill', 'a value in [0, 1]', fill);
  const { encoder, inputShape } = resolveEncoder(where, options);
  const [h, w, c] = inputShape;
  const augment: Augment | undefined = options.augment;
  const decoder = pixelDecoder(featureDim(encoder), h * w * c, decoderHidden, seed, 'inpainting_decoder', 'sigmoid');
  const makeMask = (n: number, i: number) => (mask === 'center' ? centerMask(n, h, w, maskFraction) : randomBoxMask(n, h, w, { fraction: maskFraction, seed: viewSeed(seed, i, 1) }));
  const decode = (masked: tf.Tensor4D, training: boolean) =>
    tf.reshape(decoder.apply(encoder.apply(masked, { training }), { training }) as tf.Tensor, [masked.shape[0], h, w, c]) as tf.Tensor4D;
  const method = makeMethod<InpaintingResolved, { x: tf.Tensor4D; m: tf.Tensor4D; masked: tf.Tensor4D }>({
    name: where,
    encoder,
    models: { encoder, decoder },
    optimizer: resolveOptimizer(options),
    options: { batchSize, seed, maskFraction, mask, fill, decoderHidden, inputShape },
    trainable: [encoder, decoder],
    prepare: (x0, i) => {
      const x = singleView(augment, x0, seed, i);
      const m = makeMask(x.shape[0], i);
      return { x, m, masked: applyMask(x, m, fill) };
    },
    loss: (_x, _i, _y, { x, m, masked }) => {
      const err = tf.mul(tf.square(tf.sub(decode(masked, true), x)), m);
      return tf.div(tf.sum(err), tf.mul(tf.sum(m), c)) as tf.Scalar;
    },
  });
  return Object.assign(method, {
    decoder,
    inpaint: (x: tf.Tensor4D, i = 0) => tf.tidy(() => {
      const m = makeMask(x.shape[0], i);
      const masked = applyMask(x, m, fill);
      const prediction = decode(masked, false);
      const completed = tf.add(tf.mul(tf.sub(1, m), x), tf.mul(m, prediction)) as tf.Tensor4D;
      return { masked, mask: m, prediction, completed };
    }),
  });
}
