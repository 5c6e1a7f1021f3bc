/**
 * Colorization (Zhang et al., 2016; Larsson et al., 2016; deck 000, "Pretext tasks based on images (2/3)"; deck
 * 001, "Colorization"): encode the greyscale image, decode its colours. Here the regression form (L2), with the
 * decoder predicting the chroma residual on top of the grey image:
 *
 *   x̂ = gray(x) + D_φ(f_θ(gray(x))),    L(θ, φ) = 1/(N·H·W·3) Σ ‖x̂ − x‖²
 *
 * The deck's version, `target: 'ab-classes'` (Zhang et al. 2016): the encoder sees the L channel of CIE Lab
 * (L/100, repeated over 3 channels), the decoder classifies each pixel's ab colour over a fixed palette of Q cells
 * (lib/methods/color-palette.ts), with the class-rebalanced cross-entropy
 *
 *   L = −(1/(N·H·W)) Σ_{n,h,w} w_{q*} log softmax(D_φ(f_θ(L)))_{n,h,w,q*},   w = `classWeights` (default all 1)
 *
 * (`rebalanceWeights(abPrior(set.images, palette))` gives Zhang's weights); `colorize` decodes the annealed mean
 * of the predicted distribution (T = 0.38) back to RGB with the input's L. The encoder sees a grey image repeated
 * over the 3 channels, so after training it takes colour images like any other encoder. Needs colour data
 * (syntheticShapes, CIFAR-10).
 *
 * Paper (Zhang, Isola & Efros 2016, arXiv:1603.08511): predict the ab colours of each pixel from its lightness L as
 * a distribution over Q = 313 quantised ab bins (grid size 10), trained with class rebalancing, decoded with the
 * annealed mean at T = 0.38. The defaults here are the small-scale version of that recipe (see the options below),
 * sized for 28×28–32×32 images on a CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { luma } from '../augment/transform.js';
import { labToRgbTensor, rgbToLabTensor } from '../ops/lab.js';
import { check } from '../util/errors.js';
import { abPalette, type ColorPalette } from './color-palette.js';
import { pixelDecoder } from './pretext-heads.js';
import { type Augment, type MethodOptions, resolveEncoder, resolveOptimizer, singleView } from './common.js';
import { makeMethod, type Method } from '../train/method.js';
import { checkInt } from '../util/checks.js';
import { featureDim } from '../models/encoders.js';

export interface ColorizationOptions extends MethodOptions {
  /** Hidden units of the decoder MLP (default 256). */
  decoderHidden?: number;
  /** 'rgb': L2 on the RGB residual from the grey image (default); 'ab-classes': L in, ab classified over a palette. */
  target?: 'rgb' | 'ab-classes';
  /** Cell size of the ab palette (default 20; Zhang et al.: 10). 'ab-classes' only. */
  binSize?: number;
  /** w_q, one weight per palette class (default all 1: plain cross-entropy); e.g. rebalanceWeights(abPrior(...)). */
  classWeights?: ArrayLike<number>;
  /** T of the annealed mean in `colorize` (default 0.38). */
  annealTemperature?: number;
}

export type ColorizationResolved = {
  batchSize: number; seed: number; decoderHidden: number; inputShape: [number, number, number];
  target: 'rgb' | 'ab-classes'; binSize: number; annealTemperature: number;
};

export interface Colorization extends Method<ColorizationResolved> {
  decoder: tfl.LayersModel;
  /** The ab palette ('ab-classes' only). */
  palette?: ColorPalette;
  /** Palette class of every pixel [N, H, W] ('ab-classes' only; caller disposes). */
  targetClasses?(x: tf.Tensor4D): tf.Tensor3D;
  /** Greyscale inputs and predicted colours, in [0, 1] (inference mode; caller disposes). */
  colorize(x: tf.Tensor4D): { gray: tf.Tensor4D; color: tf.Tensor4D };
}

export function colorization(options: ColorizationOptions): Colorization {
  const where = 'colorization';
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, ... }', options);
  const { batchSize = 128, seed = 0, decoderHidden = 256, target = 'rgb', binSize = 20, annealTemperature = 0.38 } = options;
  checkInt(where, 'batchSize', batchSize);
  checkInt(where, 'decoderHidden', decoderHidden);
  check(target === 'rgb' || target === 'ab-classes', where, 'target', "'rgb' or 'ab-classes'", target);
  check(typeof annealTemperature === 'number' && annealTemperature > 0, where, 'annealTemperature', 'a positive number (Zhang et al.: 0.38)', annealTemperature);
  const { encoder, inputShape } = resolveEncoder(where, options);
  const [h, w, c] = inputShape;
  check(c === 3, where, 'inputShape', 'colour images [H, W, 3]', inputShape, 'colorization needs colour data: use syntheticShapes() or loadCifar10(), not Fashion-MNIST');
  const augment: Augment | undefined = options.augment;
  const resolved: ColorizationResolved = { batchSize, seed, decoderHidden, inputShape, target, binSize, annealTemperature };
  if (target === 'ab-classes') return abColorization(options, resolved, encoder, augment);
  const decoder = pixelDecoder(featureDim(encoder), h * w * 3, decoderHidden, seed, 'colorization_decoder');
  const predict = (x: tf.Tensor4D, training: boolean) => {
    const gray = tf.tile(luma(x), [1, 1, 1, 3]) as tf.Tensor4D;
    const res = tf.reshape(decoder.apply(encoder.apply(gray, { training }), { training }) as tf.Tensor, [x.shape[0], h, w, 3]);
    return { gray, color: tf.add(gray, res) as tf.Tensor4D };
  };
  const method = makeMethod<ColorizationResolved, { x: tf.Tensor4D }>({
    name: where,
    encoder,
    models: { encoder, decoder },
    optimizer: resolveOptimizer(options),
    options: resolved,
    trainable: [encoder, decoder],
    prepare: (x, i) => ({ x: singleView(augment, x, seed, i) }),
    loss: (_x, _i, _y, { x }) => tf.mean(tf.square(tf.sub(predict(x, true).color, x))) as tf.Scalar,
  });
  return Object.assign(method, {
    decoder,
    colorize: (x: tf.Tensor4D) => tf.tidy(() => {
      const { gray, color } = predict(x, false);
      return { gray, color: tf.clipByValue(color, 0, 1) as tf.Tensor4D };
    }),
  });
}

/** Colorization as classification over the ab palette (Zhang et al. 2016; see the file comment). */
function abColorization(options: ColorizationOptions, r: ColorizationResolved, encoder: tfl.LayersModel, augment: Augment | undefined): Colorization {
  const where = 'colorization';
  const [h, w] = r.inputShape;
  const palette = abPalette(r.binSize);
  const q = palette.size;
  const weights = options.classWeights === undefined ? new Float32Array(q).fill(1) : Float32Array.from(options.classWeights);
  check(weights.length === q && weights.every((v) => Number.isFinite(v) && v >= 0), where, 'classWeights', `${q} finite weights >= 0 (one per palette class, binSize ${r.binSize})`,
    options.classWeights, 'use rebalanceWeights(abPrior(set.images, abPalette(binSize)))');
  const decoder = pixelDecoder(featureDim(encoder), h * w * q, r.decoderHidden, r.seed, 'colorization_decoder');
  const lightness = (x: tf.Tensor4D) => tf.slice(rgbToLabTensor(x), [0, 0, 0, 0], [-1, -1, -1, 1]) as tf.Tensor4D;
  const input = (l: tf.Tensor4D) => tf.tile(tf.div(l, 100), [1, 1, 1, 3]) as tf.Tensor4D;
  const logits = (l: tf.Tensor4D, training: boolean) =>
    tf.reshape(decoder.apply(encoder.apply(input(l), { training }), { training }) as tf.Tensor, [l.shape[0], h, w, q]) as tf.Tensor4D;
  const targetClasses = (x: tf.Tensor4D): tf.Tensor3D => tf.tidy(() => {
    const ab = tf.reshape(tf.slice(rgbToLabTensor(x), [0, 0, 0, 1], [-1, -1, -1, 2]), [-1, 2]);
    const centres = tf.tensor2d(palette.ab, [q, 2]);
    // ‖ab − c‖² = ‖ab‖² − 2 ab·c + ‖c‖², argmin over the palette
    const d = tf.add(tf.sub(tf.sum(tf.square(ab), 1, true), tf.mul(2, tf.matMul(ab, centres, false, true))), tf.reshape(tf.sum(tf.square(centres), 1), [1, q]));
    return tf.reshape(tf.argMin(d, 1), [x.shape[0], h, w]) as tf.Tensor3D;
  });
  const method = makeMethod<ColorizationResolved, { l: tf.Tensor4D; cls: tf.Tensor3D }>({
    name: where,
    encoder,
    models: { encoder, decoder },
    optimizer: resolveOptimizer(options),
    options: r,
    trainable: [encoder, decoder],
    prepare: (x, i) => {
      const v = singleView(augment, x, r.seed, i);
      return { l: lightness(v), cls: targetClasses(v) };
    },
    loss: (_x, _i, _y, { l, cls }) => {
      const logP = tf.logSoftmax(logits(l, true));
      const onehot = tf.oneHot(tf.cast(cls, 'int32') as tf.Tensor3D, q);
      const ce = tf.neg(tf.sum(tf.mul(onehot, logP), -1));
      const wq = tf.gather(tf.tensor1d(weights), tf.cast(cls, 'int32'));
      return tf.mean(tf.mul(wq, ce)) as tf.Scalar;
    },
  });
  return Object.assign(method, {
    decoder,
    palette,
    targetClasses,
    colorize: (x: tf.Tensor4D) => tf.tidy(() => {
      const l = lightness(x);
      // annealed mean: p ∝ exp(log p / T), ab = Σ_q p_q c_q
      const p = tf.softmax(tf.div(tf.logSoftmax(logits(l, false)), r.annealTemperature));
      const ab = tf.reshape(tf.matMul(tf.reshape(p, [-1, q]), tf.tensor2d(palette.ab, [q, 2])), [x.shape[0], h, w, 2]);
      return { gray: input(l), color: labToRgbTensor(tf.concat([l, ab], 3) as tf.Tensor4D) };
    }),
  });
}
