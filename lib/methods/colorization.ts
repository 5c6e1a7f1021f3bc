/**
 * Colorization (Zhang et al., 2016; Larsson et al., 2016; deck 000, "Pretext tasks based on images (2/3)"; deck
 * 001, "Colorization"): encode the greyscale image, decode its colours. Here the regression form (L2), with the
 * decoder predicting the chroma residual on top of the grey image:
 *
 *   x̂ = gray(x) + D_φ(f_θ(gray(x))),    L(θ, φ) = 1/(N·H·W·3) Σ ‖x̂ − x‖²
 *
 * (the deck's version classifies each pixel's ab colour over a fixed palette with a weighted cross-entropy;
 * L2 is the simpler baseline it improves on). The encoder sees the grey image repeated over the 3 channels, so
 * after training it takes colour images like any other encoder. Needs colour data (syntheticShapes, CIFAR-10).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { luma } from '../augment/transform.js';
import { check } from '../util/errors.js';
import { pixelDecoder } from './pretext-heads.js';
import { type Augment, checkInt, makeMethod, type Method, type MethodOptions, outputDim, resolveEncoder, resolveOptimizer, singleView } from './common.js';

export interface ColorizationOptions extends MethodOptions {
  /** Hidden units of the decoder MLP (default 256). */
  decoderHidden?: number;
}

export type ColorizationResolved = { batchSize: number; seed: number; decoderHidden: number; inputShape: [number, number, number] };

export interface Colorization extends Method<ColorizationResolved> {
  decoder: tfl.LayersModel;
  /** Greyscale inputs and predicted colours, in [0, 1] (inference mode; caller disposes). */
  colorize(x: tf.Tensor4D): { gray: tf.Tensor4D; color: tf.Tensor4D };
}

export function colorization(options: ColorizationOptions): Colorization {
  const where = 'colorization';
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, ... }', options);
  const { batchSize = 128, seed = 0, decoderHidden = 256 } = options;
  checkInt(where, 'batchSize', batchSize);
  checkInt(where, 'decoderHidden', decoderHidden);
  const { encoder, inputShape } = resolveEncoder(where, options);
  const [h, w, c] = inputShape;
  check(c === 3, where, 'inputShape', 'colour images [H, W, 3]', inputShape, 'colorization needs colour data: use syntheticShapes() or loadCifar10(), not Fashion-MNIST');
  const augment: Augment | undefined = options.augment;
  const decoder = pixelDecoder(outputDim(encoder), h * w * 3, decoderHidden, seed, 'colorization_decoder');
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
    options: { batchSize, seed, decoderHidden, inputShape },
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
