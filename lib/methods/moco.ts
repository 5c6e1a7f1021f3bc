/**
 * MoCo v2 (He et al., 2020; Chen et al., 2020; deck 002, "Momentum Contrastive Learning"): a query encoder
 * f_q (+ head) and a key encoder f_k that is a momentum copy of it,
 *
 *   θ_k ← m·θ_k + (1 − m)·θ_q           (never trained by gradients),
 *
 * a dictionary of K negatives kept as a queue of past keys — far larger than the batch — and the InfoNCE loss
 *
 *   L = −log( exp(q·k₊/τ) / ( exp(q·k₊/τ) + Σ_{k⁻ ∈ queue} exp(q·k⁻/τ) ) ),
 *
 * q = g_q(f_q(x̃₁)), k₊ = g_k(f_k(x̃₂)) for two augmentations of the same image (both L2-normalised). After each
 * step the batch's keys replace the oldest entries of the queue. The queue lives in a tf.Variable in
 * `state.queue` so checkpoints keep it; its write position follows from the step number ((i·N) mod K), so
 * a resumed run continues exactly.
 *
 * Shuffling BN (MoCo §3.3; `shuffleBN`, default true): BatchNorm in training mode lets a query find its positive
 * key through shared batch statistics (a leak that "cheats" the pretext task). We emulate MoCo's G GPUs with BN
 * per GPU (`bnGroups`, default 2): the queries go through f_q in G contiguous groups, the keys through f_k in G
 * groups of a random permutation of the batch (seeded by the step), unshuffled after (lib/methods/shuffle-bn.ts).
 * `shuffleBN: false` keeps the same grouping for both (the leak); `bnGroups: 1` is one full-batch pass for both.
 *
 * Paper (He et al. 2019, arXiv:1911.05722; MoCo v2: Chen et al. 2020, arXiv:2003.04297): a ResNet-50 query encoder
 * with a momentum key encoder (m = 0.999), a queue of K = 65536 keys, τ = 0.07; v2 replaces the fc head with "a
 * 2-layer MLP head (hidden layer 2048-d, with ReLU)" and uses τ = 0.2. The defaults here are the small-scale
 * version of that recipe (see the options below), sized for 28×28–32×32 images on a CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { simclrAugment } from '../augment/compose.js';
import { infoNce } from '../losses/contrastive/infonce.js';
import { copyWeights, emaUpdate } from '../models/ema.js';
import { projectionHead } from '../models/heads.js';
import { l2Normalize } from '../ops/distances.js';
import { stateVariable } from '../ops/state.js';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { applyInGroups, randomPermutation } from './shuffle-bn.js';
import { type Augment, cloneArchitecture, type MethodOptions, resolveEncoder, resolveOptimizer } from './common.js';
import { makeMethod, type Method, viewSeed } from '../train/method.js';
import { checkInt, checkTemperature } from '../util/checks.js';
import { featureDim } from '../models/encoders.js';

export interface MocoOptions extends MethodOptions {
  /** τ (default 0.2, MoCo v2's). */
  temperature?: number;
  /** K, the number of negatives in the queue (default 4096); a multiple of the batch size and larger than it. */
  queueSize?: number;
  /** m of the key encoder's EMA (default 0.99). */
  momentum?: number;
  projectionDim?: number;
  hiddenDim?: number;
  /** true: MoCo v2's 2-layer MLP head (default); 'linear': MoCo v1's single dense layer. */
  projectionHead?: true | 'linear';
  /** Shuffling BN: the key batch is cut into BN groups after a random permutation (default true; MoCo §3.3). */
  shuffleBN?: boolean;
  /** G, the emulated GPUs: groups with their own BN statistics, for queries and keys (default 2; 1: full batch). */
  bnGroups?: number;
}

export type MocoResolved = Required<Pick<MocoOptions, 'temperature' | 'queueSize' | 'momentum' | 'projectionDim' | 'batchSize' | 'seed' | 'shuffleBN' | 'bnGroups'>> & {
  inputShape: [number, number, number];
};

export interface Moco extends Method<MocoResolved> {
  projector: tfl.LayersModel;
  keyEncoder: tfl.LayersModel;
  keyProjector: tfl.LayersModel;
  /** The queue of negative keys [K, projectionDim] (L2-normalised rows). */
  queue: tf.Variable;
  /** The permutation of the key batch at step i (the identity when `shuffleBN` is false). */
  keyPermutation(n: number, i: number): Int32Array;
  /** The L2-normalised keys of batch x at step i, through f_k in training mode with shuffling BN [N, projectionDim] (caller disposes). */
  keys(x: tf.Tensor4D, i: number): tf.Tensor2D;
}

export function moco(options: MocoOptions): Moco {
  const where = 'moco';
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, queueSize?, ... }', options);
  const { temperature = 0.2, queueSize = 4096, momentum = 0.99, projectionDim = 128, projectionHead: head = true, batchSize = 256, seed = 0, shuffleBN = true, bnGroups = 2 } = options;
  checkTemperature(where, temperature);
  checkInt(where, 'queueSize', queueSize, 2);
  checkInt(where, 'projectionDim', projectionDim);
  checkInt(where, 'batchSize', batchSize, 1);
  check(typeof shuffleBN === 'boolean', where, 'shuffleBN', 'true or false', shuffleBN);
  checkInt(where, 'bnGroups', bnGroups, 1);
  check(batchSize >= 2 * bnGroups, where, 'bnGroups', `at most batchSize / 2 = ${Math.floor(batchSize / 2)} (BatchNorm needs >= 2 samples per group)`, bnGroups,
    'use fewer BN groups or a larger batch (bnGroups: 1 is one full-batch pass)');
  check(typeof momentum === 'number' && momentum >= 0 && momentum <= 1, where, 'momentum', 'a number in [0, 1] (typically 0.99-0.999)', momentum);
  check(queueSize > batchSize && queueSize % batchSize === 0, where, 'queueSize', `a multiple of batchSize (${batchSize}) larger than it`, queueSize,
    `e.g. queueSize: ${batchSize * 16}: the queue's point is to hold more negatives than a batch`);
  const { encoder, inputShape } = resolveEncoder(where, options);
  const augment: Augment = options.augment ?? simclrAugment({ seed });
  const k = featureDim(encoder);
  const makeHead = (name: string) =>
    projectionHead({ inputDim: k, hiddenDim: options.hiddenDim ?? k, outputDim: projectionDim, layers: head === 'linear' ? 1 : 2, seed: seed + 1000, init: options.init, name });
  const projector = makeHead('moco_projector');
  const keyEncoder = cloneArchitecture(encoder);
  const keyProjector = makeHead('moco_key_projector');
  copyWeights(keyEncoder, encoder);
  copyWeights(keyProjector, projector);
  const r = new Rng(seed + 7);
  const queue = stateVariable(() => l2Normalize(tf.tensor2d(Float32Array.from({ length: queueSize * projectionDim }, () => r.normal()), [queueSize, projectionDim])));
  const resolved: MocoResolved = { temperature, queueSize, momentum, projectionDim, batchSize, seed, shuffleBN, bnGroups, inputShape };
  const keyPermutation = (n: number, i: number): Int32Array =>
    shuffleBN ? randomPermutation(n, viewSeed(seed, i, 2)) : Int32Array.from({ length: n }, (_, j) => j);
  const keyNet = (v: tf.Tensor) => keyProjector.apply(keyEncoder.apply(v, { training: true }), { training: true }) as tf.Tensor;
  const groupsFor = (n: number) => {
    check(n >= 2 * bnGroups, where, 'x', `a batch of at least ${2 * bnGroups} images (bnGroups = ${bnGroups}, >= 2 per BatchNorm group)`, n,
      'train with a larger batch or pass a smaller bnGroups');
    return bnGroups;
  };
  const keysOf = (v2: tf.Tensor4D, i: number): tf.Tensor2D => tf.tidy(() =>
    l2Normalize(applyInGroups(keyNet, v2, { groups: groupsFor(v2.shape[0]), permutation: bnGroups > 1 ? keyPermutation(v2.shape[0], i) : undefined }) as tf.Tensor2D) as tf.Tensor2D);
  const method = makeMethod<MocoResolved, { q: tf.Tensor4D; keys: tf.Tensor2D }>({
    name: where,
    encoder,
    models: { encoder, projector, keyEncoder, keyProjector },
    optimizer: resolveOptimizer(options),
    state: { queue },
    options: resolved,
    trainable: [encoder, projector],
    prepare: (x, i) => {
      const n = x.shape[0];
      check(queueSize % n === 0 && queueSize > n, where, 'x', `a batch whose size divides queueSize = ${queueSize} and is smaller than it`, x,
        'train with a batch size that divides queueSize');
      const q = augment(x, viewSeed(seed, i, 0));
      const v2 = augment(x, viewSeed(seed, i, 1));
      const keys = keysOf(v2, i);
      return { q, keys };
    },
    loss: (_x, _i, _y, { q, keys }) => {
      // queries in G contiguous BN groups (one per emulated GPU); the keys were grouped after a permutation
      const z = applyInGroups((v) => projector.apply(encoder.apply(v, { training: true }), { training: true }) as tf.Tensor, q, { groups: groupsFor(q.shape[0]) }) as tf.Tensor2D;
      return infoNce(z, keys, queue as tf.Tensor2D, { temperature });
    },
    after: (i, { keys }) => {
      // enqueue the batch's keys over the oldest ones (position (i·N) mod K), then move the key encoder
      const n = keys.shape[0];
      const ptr = (i * n) % queueSize;
      const parts: tf.Tensor[] = [];
      if (ptr > 0) parts.push(tf.slice(queue, [0, 0], [ptr, -1]));
      parts.push(keys);
      if (ptr + n < queueSize) parts.push(tf.slice(queue, [ptr + n, 0], [-1, -1]));
      queue.assign(tf.concat(parts, 0));
      emaUpdate(keyEncoder, encoder, momentum);
      emaUpdate(keyProjector, projector, momentum);
    },
  });
  const keys = (x: tf.Tensor4D, i: number): tf.Tensor2D => tf.tidy(() => keysOf(augment(x, viewSeed(seed, i, 1)), i));
  return Object.assign(method, { projector, keyEncoder, keyProjector, queue, keyPermutation, keys });
}
