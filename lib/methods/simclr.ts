/**
 * SimCLR (Chen et al., 2020; deck 000, "SimCLR framework"; deck 001, "NT-Xent"): for each batch, two random
 * augmentations of every image go through the encoder f and the projection head g, z = g(f(x̃)), and NT-Xent
 * takes each view as an anchor with the other view as its positive and the 2N − 2 other views as negatives:
 *
 *   L_SimCLR(θ, φ) = 1/(2N) Σ_n [ L_info(z_n⁽¹⁾, z_n⁽²⁾, ℬ_n) + L_info(z_n⁽²⁾, z_n⁽¹⁾, ℬ_n) ]
 *
 * The representation kept for downstream tasks is h = f(x), before the head (deck 000, "Key design choices":
 * strong augmentations, a non-linear projection head, large batches). Ablations: `projectionHead: 'linear'` or
 * `false` (the loss on h itself), `augment` without a transform, `temperature`, `batchSize`.
 *
 * Paper (Chen et al. 2020, arXiv:2002.05709): "We use ResNet-50 as the base encoder network, and a 2-layer MLP
 * projection head to project the representation to a 128-dimensional latent space" (τ = 0.5 on CIFAR-10, batch 4096
 * on ImageNet). The defaults here are the small-scale version of that recipe (see the options below), sized for
 * 28×28–32×32 images on a CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { simclrAugment } from '../augment/compose.js';
import { ntXent } from '../losses/contrastive/ntxent.js';
import { projectionHead } from '../models/heads.js';
import { check } from '../util/errors.js';
import { type Augment, type MethodOptions, resolveEncoder, resolveOptimizer } from './common.js';
import { makeMethod, type Method, viewSeed } from '../train/method.js';
import { checkInt, checkTemperature } from '../util/checks.js';
import { featureDim } from '../models/encoders.js';

export interface SimclrOptions extends MethodOptions {
  /** τ of NT-Xent (default 0.5). */
  temperature?: number;
  /** Projection size (default 128). */
  projectionDim?: number;
  /** Hidden size of the head (default: the encoder's feature size). */
  hiddenDim?: number;
  /** true: 2-layer MLP head (default); 'linear': one dense layer; false: no head (loss on h). */
  projectionHead?: boolean | 'linear';
}

export type SimclrResolved = Required<Pick<SimclrOptions, 'temperature' | 'projectionDim' | 'batchSize' | 'seed'>> & {
  projectionHead: boolean | 'linear';
  inputShape: [number, number, number];
};

export interface Simclr extends Method<SimclrResolved> {
  /** The projection head g (undefined when projectionHead: false). */
  projector?: tfl.LayersModel;
  /** The two views of batch step `i` (what the loss sees; caller disposes). */
  views(x: tf.Tensor4D, i: number): [tf.Tensor4D, tf.Tensor4D];
  /**
   * z = g(f(x)) (or h when there is no head), in inference mode, or with `training: true` BatchNorm on the batch's
   * own statistics as in the loss (caller disposes).
   */
  project(x: tf.Tensor4D, options?: { training?: boolean }): tf.Tensor2D;
}

export function simclr(options: SimclrOptions): Simclr {
  const where = 'simclr';
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, temperature?, ... }', options);
  const { temperature = 0.5, projectionDim = 128, projectionHead: head = true, batchSize = 256, seed = 0 } = options;
  checkTemperature(where, temperature);
  checkInt(where, 'projectionDim', projectionDim);
  checkInt(where, 'batchSize', batchSize, 2);
  check(head === true || head === false || head === 'linear', where, 'projectionHead', "true, false or 'linear'", head);
  const { encoder, inputShape } = resolveEncoder(where, options);
  const augment: Augment = options.augment ?? simclrAugment({ seed });
  const k = featureDim(encoder);
  const projector = head === false ? undefined
    : projectionHead({ inputDim: k, hiddenDim: options.hiddenDim ?? k, outputDim: projectionDim, layers: head === 'linear' ? 1 : 2, seed: seed + 1000, init: options.init, name: 'simclr_projector' });
  const resolved: SimclrResolved = { temperature, projectionDim, projectionHead: head, batchSize, seed, inputShape };
  const views = (x: tf.Tensor4D, i: number): [tf.Tensor4D, tf.Tensor4D] => [augment(x, viewSeed(seed, i, 0)), augment(x, viewSeed(seed, i, 1))];
  const embed = (x: tf.Tensor4D, training: boolean) => {
    const h = encoder.apply(x, { training }) as tf.Tensor2D;
    return projector ? (projector.apply(h, { training }) as tf.Tensor2D) : h;
  };
  const method = makeMethod<SimclrResolved, { v: tf.Tensor4D }>({
    name: where,
    encoder,
    models: projector ? { encoder, projector } : { encoder },
    optimizer: resolveOptimizer(options),
    options: resolved,
    trainable: projector ? [encoder, projector] : [encoder],
    prepare: (x, i) => {
      check(x.shape[0] >= 2, where, 'x', 'a batch of at least 2 images (NT-Xent needs negatives)', x);
      const [a, b] = views(x, i);
      return { v: tf.concat([a, b], 0) as tf.Tensor4D };
    },
    loss: (x, _i, _y, { v }) => {
      const n = x.shape[0];
      const z = embed(v, true);
      return ntXent(tf.slice(z, [0, 0], [n, -1]), tf.slice(z, [n, 0], [n, -1]), { temperature });
    },
  });
  return Object.assign(method, {
    projector,
    views,
    project: (x: tf.Tensor4D, o: { training?: boolean } = {}) => tf.tidy(() => embed(x, o.training ?? false)),
  });
}
