/**
 * Rotation prediction, RotNet (Gidaris et al., 2018; deck 000, "Pretext tasks based on images (1/3)"; deck 001,
 * "Rotation Prediction"): for every image of a batch, apply all four rotations r ∈ {0°, 90°, 180°, 270°} with
 * labels 0..3, encode each, and train the encoder f and a classification head c with cross-entropy:
 *
 *   L(θ, φ) = −1/(4N) Σ_n Σ_{r=0}^{3} log softmax(c_φ(f_θ(rot_r(x_n))))_r
 *
 * Recognising the rotation needs the object's canonical orientation, hence some idea of what the object is.
 *
 * Paper (Gidaris, Singh & Komodakis 2018, arXiv:1803.07728): a ConvNet "trained to recognize the 2d rotation that
 * is applied to the image that it gets as input", over the four rotations 0°, 90°, 180°, 270°. The defaults here
 * are the small-scale version of that recipe (see the options below), sized for 28×28–32×32 images on a CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { allRotations } from '../augment/rotate.js';
import { check } from '../util/errors.js';
import { pretextClassifier } from './pretext-heads.js';
import { type Augment, type MethodOptions, resolveEncoder, resolveOptimizer } from './common.js';
import { makeMethod, type Method, viewSeed } from '../train/method.js';
import { checkInt } from '../util/checks.js';
import { featureDim } from '../models/encoders.js';

export interface RotationOptions extends MethodOptions {
  /** Head on the features: 'mlp' (default) or 'linear'. */
  head?: 'mlp' | 'linear';
}

export type RotationResolved = { batchSize: number; seed: number; head: 'mlp' | 'linear'; inputShape: [number, number, number] };

export interface Rotation extends Method<RotationResolved> {
  head: tfl.LayersModel;
  /** Rotation-prediction accuracy on a batch (all four rotations of each image; async, reads the result). */
  accuracy(x: tf.Tensor4D): Promise<number>;
}

export function rotation(options: RotationOptions): Rotation {
  const where = 'rotation';
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, ... }', options);
  const { batchSize = 128, seed = 0, head: kind = 'mlp' } = options;
  checkInt(where, 'batchSize', batchSize);
  check(kind === 'mlp' || kind === 'linear', where, 'head', "'mlp' or 'linear'", kind);
  const { encoder, inputShape } = resolveEncoder(where, options);
  check(inputShape[0] === inputShape[1], where, 'inputShape', 'square images (H = W) for 90° rotations', inputShape, 'crop or resize to a square');
  const augment: Augment | undefined = options.augment;
  const head = pretextClassifier(featureDim(encoder), 4, kind, seed, 'rotation_head');
  const logits = (x: tf.Tensor4D, training: boolean) => head.apply(encoder.apply(x, { training }), { training }) as tf.Tensor2D;
  const method = makeMethod<RotationResolved, { x: tf.Tensor4D; y: tf.Tensor1D }>({
    name: where,
    encoder,
    models: { encoder, head },
    optimizer: resolveOptimizer(options),
    options: { batchSize, seed, head: kind, inputShape },
    trainable: [encoder, head],
    prepare: (x, i) => allRotations(augment ? augment(x, viewSeed(seed, i)) : x),
    loss: (_x, _i, _y, r) => tf.losses.softmaxCrossEntropy(tf.oneHot(r.y, 4), logits(r.x, true)) as tf.Scalar,
  });
  return Object.assign(method, {
    head,
    accuracy: async (x: tf.Tensor4D) => {
      const acc = tf.tidy(() => {
        const r = allRotations(x);
        return tf.mean(tf.cast(tf.equal(tf.argMax(logits(r.x, false), 1), r.y), 'float32'));
      });
      const v = (await acc.data())[0]!;
      acc.dispose();
      return v;
    },
  });
}
