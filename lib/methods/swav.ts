/**
 * SwAV (Caron et al. 2020; decks 002 and 003 name it as the clustering-based branch of self-supervised learning):
 * online clustering with swapped assignments. Two views of each image go through the encoder f and a projection
 * head g to ℓ²-normalised embeddings z = g(f(x))/‖g(f(x))‖, scored against K trainable unit prototypes c_k
 * (a `NormalizedDense` layer: s_bk = z_bᵀ c_k/‖c_k‖). The codes q of each view come from Sinkhorn–Knopp on the
 * batch's scores (equipartition over the prototypes, no gradient); each view predicts the other's codes:
 *
 *   L = −(1/2B) Σ_b [ Σ_k q_bk^(2) log softmax(s_b^(1)/τ)_k + Σ_k q_bk^(1) log softmax(s_b^(2)/τ)_k ]
 *
 * (lib/losses/noncontrastive/swav.ts: τ = 0.1, ε = 0.05, 3 Sinkhorn iterations). Simplified from the paper: two
 * views (no multi-crop), no queue, prototypes trained from the first step.
 *
 * Paper (Caron et al. 2020, arXiv:2006.09882): a 2-layer MLP projection head (2048 hidden, 128 output), 3000
 * prototypes, τ = 0.1, ε = 0.05 and 3 Sinkhorn–Knopp iterations, multi-crop (2×224 + 6×96). The defaults here are
 * the small-scale version of that recipe (see the options below), sized for 28×28–32×32 images on a CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { simclrAugment } from '../augment/compose.js';
import { swavLoss } from '../losses/noncontrastive/swav.js';
import { projectionHead } from '../models/heads.js';
import { NormalizedDense } from '../models/siamese.js';
import { l2Normalize } from '../ops/distances.js';
import { check } from '../util/errors.js';
import { type Augment, type MethodOptions, resolveEncoder, resolveOptimizer } from './common.js';
import { makeMethod, type Method, viewSeed } from '../train/method.js';
import { checkInt } from '../util/checks.js';
import { featureDim } from '../models/encoders.js';

export interface SwavOptions extends MethodOptions {
  /** K, the number of prototypes (default 64; SwAV on ImageNet: 3000). */
  prototypes?: number;
  /** Projection size (default 64). */
  projectionDim?: number;
  /** Hidden size of the projection head (default: the encoder's feature size). */
  hiddenDim?: number;
  /** τ of the prediction softmax (default 0.1). */
  temperature?: number;
  /** ε of Sinkhorn–Knopp (default 0.05). */
  epsilon?: number;
  /** Sinkhorn–Knopp iterations (default 3). */
  sinkhornIterations?: number;
}

export interface SwavResolved {
  inputShape: [number, number, number];
  prototypes: number;
  projectionDim: number;
  hiddenDim: number;
  temperature: number;
  epsilon: number;
  sinkhornIterations: number;
  batchSize: number;
  seed: number;
}

export interface Swav extends Method<SwavResolved> {
  projector: tfl.LayersModel;
  /** z ↦ (z/‖z‖)ᵀ c_k/‖c_k‖ for the K prototypes. */
  prototypeLayer: tfl.LayersModel;
  /** The two views of step `i` (caller disposes). */
  views(x: tf.Tensor4D, i: number): [tf.Tensor4D, tf.Tensor4D];
  /** Prototype scores S [N, K] of x (inference mode unless `training`; caller disposes). */
  scores(x: tf.Tensor4D, options?: { training?: boolean }): tf.Tensor2D;
}

export function swav(options: SwavOptions): Swav {
  const where = 'swav';
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, prototypes?, ... }', options);
  const { encoder, inputShape } = resolveEncoder(where, options);
  const k = featureDim(encoder);
  const r: SwavResolved = {
    inputShape,
    prototypes: options.prototypes ?? 64,
    projectionDim: options.projectionDim ?? 64,
    hiddenDim: options.hiddenDim ?? k,
    temperature: options.temperature ?? 0.1,
    epsilon: options.epsilon ?? 0.05,
    sinkhornIterations: options.sinkhornIterations ?? 3,
    batchSize: options.batchSize ?? 256,
    seed: options.seed ?? 0,
  };
  checkInt(where, 'prototypes', r.prototypes, 2);
  checkInt(where, 'projectionDim', r.projectionDim);
  checkInt(where, 'hiddenDim', r.hiddenDim);
  checkInt(where, 'sinkhornIterations', r.sinkhornIterations);
  checkInt(where, 'batchSize', r.batchSize, 2);
  for (const key of ['temperature', 'epsilon'] as const)
    check(typeof r[key] === 'number' && Number.isFinite(r[key]) && r[key] > 0, where, key, 'a positive number', r[key]);
  const augment: Augment = options.augment ?? simclrAugment({ seed: r.seed });
  const projector = projectionHead({ inputDim: k, hiddenDim: r.hiddenDim, outputDim: r.projectionDim, layers: 2, seed: r.seed + 1000, init: options.init, name: 'swav_projector' });
  const input = tfl.input({ shape: [r.projectionDim] });
  const prototypeLayer = tfl.model({
    inputs: input,
    outputs: new NormalizedDense({ units: r.prototypes, seed: r.seed + 2000, name: 'swav_prototypes_dense' }).apply(input) as tfl.SymbolicTensor,
    name: 'swav_prototypes',
  });
  const views = (x: tf.Tensor4D, i: number): [tf.Tensor4D, tf.Tensor4D] => [augment(x, viewSeed(r.seed, i, 0)), augment(x, viewSeed(r.seed, i, 1))];
  const scoresOf = (x: tf.Tensor4D, training: boolean) => {
    const z = l2Normalize(projector.apply(encoder.apply(x, { training }), { training }) as tf.Tensor2D) as tf.Tensor2D;
    return prototypeLayer.apply(z, { training }) as tf.Tensor2D;
  };
  const lossOptions = { temperature: r.temperature, epsilon: r.epsilon, iterations: r.sinkhornIterations };
  const method = makeMethod<SwavResolved, { v1: tf.Tensor4D; v2: tf.Tensor4D }>({
    name: where,
    encoder,
    models: { encoder, projector, prototypes: prototypeLayer },
    optimizer: resolveOptimizer(options),
    options: r,
    trainable: [encoder, projector, prototypeLayer],
    prepare: (x, i) => {
      check(x.shape[0] >= 2, where, 'x', 'a batch of at least 2 images (the equipartition is over the batch)', x);
      const [v1, v2] = views(x, i);
      return { v1, v2 };
    },
    loss: (_x, _i, _y, { v1, v2 }) => swavLoss(scoresOf(v1, true), scoresOf(v2, true), lossOptions),
  });
  return Object.assign(method, {
    projector,
    prototypeLayer,
    views,
    scores: (x: tf.Tensor4D, o: { training?: boolean } = {}) => tf.tidy(() => scoresOf(x, o.training ?? false)),
  });
}
