/**
 * Supervised pre-training (deck 000, "Supervised representation learning → Transfer learning"; deck 002,
 * "Pre-training"): train the encoder f and a linear classifier W on labelled data with cross-entropy,
 *
 *   L(θ, W) = −1/N Σ_n log softmax(W f_θ(x_n))_{y_n},
 *
 * then reuse f for another task (lib/transfer). The baseline every self-supervised method is compared with.
 *
 * Labels must lie in [0, numClasses): `train` (lib/train `fit`) checks the whole training set once before the first
 * step (`labels: { numClasses }`, a JS array: no GPU read); a direct `step`/`loss` call checks the label tensor's
 * shape and dtype, and its values when they are in host memory (lib/util `checkLabelTensor`), never with a GPU read.
 *
 * No paper: the labelled baseline every self-supervised method is compared with: the same encoder with a
 * linear classifier on top, trained with cross-entropy on the labels.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { linearClassifier } from '../models/heads.js';
import { check } from '../util/errors.js';
import { checkLabelTensor } from '../util/labels.js';
import { type Augment, type MethodOptions, resolveEncoder, resolveOptimizer, singleView } from './common.js';
import { makeMethod, type Method } from '../train/method.js';
import { checkInt } from '../util/checks.js';
import { featureDim } from '../models/encoders.js';

export interface SupervisedOptions extends MethodOptions {
  /** Number of classes of the pre-training labels. */
  numClasses: number;
}

export type SupervisedResolved = { numClasses: number; batchSize: number; seed: number; inputShape: [number, number, number] };

export interface Supervised extends Method<SupervisedResolved> {
  head: tfl.LayersModel;
}

export function supervised(options: SupervisedOptions): Supervised {
  const where = 'supervised';
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, numClasses, ... }', options);
  const { numClasses, batchSize = 128, seed = 0 } = options;
  check(Number.isInteger(numClasses) && numClasses >= 2, where, 'numClasses', 'an integer >= 2', numClasses);
  checkInt(where, 'batchSize', batchSize);
  const { encoder, inputShape } = resolveEncoder(where, options);
  const augment: Augment | undefined = options.augment;
  const head = linearClassifier({ inputDim: featureDim(encoder), numClasses, seed: seed + 1, name: 'supervised_head' });
  const method = makeMethod<SupervisedResolved, { x: tf.Tensor4D }>({
    name: where,
    encoder,
    models: { encoder, head },
    optimizer: resolveOptimizer(options),
    options: { numClasses, batchSize, seed, inputShape },
    trainable: [encoder, head],
    prepare: (x, i) => ({ x: singleView(augment, x, seed, i) }),
    loss: (_x, _i, y, { x }) => {
      check(y instanceof tf.Tensor, where, 'y', 'the labels of the batch (train with labelled data)', y);
      checkLabelTensor(where, 'y', y!, { numClasses }, x.shape[0]);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(y!, numClasses), head.apply(encoder.apply(x, { training: true }), { training: true }) as tf.Tensor) as tf.Scalar;
    },
  });
  return Object.assign(method, { head, labels: { numClasses } });
}
