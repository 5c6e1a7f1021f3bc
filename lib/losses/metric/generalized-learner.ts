/**
 * `generalizedMetricLearner`: a Siamese network (lib/models/siamese.ts, unit-norm embedding, no head) trained
 * with one row of the generalised contrastive loss of deck 003 (Tian 2022; generalized.ts) on K×M class-balanced
 * batches — the rows the course has no direct implementation of (Modified Triplet, Triplet Contrastive) trained
 * with the same harness as `metricLearner` (same backbone, sampler, optimizer and seed), so notebook 04 can put
 * them in its comparison table:
 *
 *   L_{φ,ψ}(θ) = (1/P) Σ_{(i,j): y_i = y_j, i ≠ j} φ( Σ_{k: y_k ≠ y_i} ψ(d_ij² − d_ik²) )
 *
 * one row per ordered positive pair of the batch (`labelledDistances`), d² the squared Euclidean distance between
 * unit-norm embeddings (so d² ∈ [0, 4] and the exponential rows stay finite).
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { classBalancedBatches } from '../../data/class-balanced.js';
import { trainableVariables } from '../../models/info.js';
import { siameseNetwork, type SiameseNetwork } from '../../models/siamese.js';
import { gather, type ImageSource } from '../../train/batches.js';
import { resolveProgress, type Trainable } from '../../train/fit.js';
import { trainLoop, type TrainResult } from '../../train/loop.js';
import { makeOptimizer } from '../../train/optimizers.js';
import { check } from '../../util/errors.js';
import { readLabels } from '../../util/labels.js';
import type { Labels } from './common.js';
import {
  CONTRASTIVE_INSTANCES, contrastiveInstance, generalizedContrastiveLoss, labelledDistances,
  type ContrastiveInstanceName, type ContrastiveInstanceOptions,
} from './generalized.js';
import type { MetricTrainOptions } from './learner.js';

export interface GeneralizedLearnerOptions {
  /** The row of the table (e.g. 'modifiedTriplet', 'tripletContrastive'). */
  instance: ContrastiveInstanceName;
  /** τ, ε, c of the row (see `contrastiveInstance`). */
  instanceOptions?: ContrastiveInstanceOptions;
  inputShape: [number, number, number];
  /** 'conv' (default) or 'mlp'; see `siameseNetwork`. */
  backbone?: 'conv' | 'mlp';
  widths?: number[];
  /** K (default 64). */
  embeddingDim?: number;
  /** Adam's learning rate (default 1e-3; ignored when `optimizer` is given). */
  learningRate?: number;
  optimizer?: tf.Optimizer;
  seed?: number;
}

export interface GeneralizedMetricLearner extends Trainable {
  net: SiameseNetwork;
  encoder: tfl.LayersModel;
  /** L_{φ,ψ} of a labelled batch (BatchNorm in training mode), no update; labels as a JS array. Caller disposes. */
  loss(x: tf.Tensor4D, y: ArrayLike<number>): tf.Scalar;
  step(x: tf.Tensor4D, i: number, y: tf.Tensor1D | Labels): Promise<tf.Scalar>;
  train(data: ImageSource, o: MetricTrainOptions): Promise<TrainResult>;
  dispose(): void;
}

export function generalizedMetricLearner(options: GeneralizedLearnerOptions): GeneralizedMetricLearner {
  const where = 'generalizedMetricLearner';
  check(options !== null && typeof options === 'object', where, 'options', '{ instance, inputShape, ... }', options);
  const { instance, inputShape, widths, embeddingDim = 64, seed = 0 } = options;
  check(CONTRASTIVE_INSTANCES.includes(instance), where, 'instance', `one of ${CONTRASTIVE_INSTANCES.map((l) => `'${l}'`).join(', ')}`, instance);
  const phiPsi = contrastiveInstance(instance, options.instanceOptions);
  const net = siameseNetwork({ inputShape, backbone: options.backbone ?? 'conv', widths, embeddingDim, seed, head: 'none', normalize: true, name: `metric_${instance}` });
  const optimizer = options.optimizer ?? makeOptimizer({ learningRate: options.learningRate ?? 1e-3 });
  const models = { encoder: net.encoder };
  const lossOf = (x: tf.Tensor4D, y: ArrayLike<number>): tf.Scalar => tf.tidy(() => {
    const e = net.encoder.apply(x, { training: true }) as tf.Tensor2D;
    return generalizedContrastiveLoss(labelledDistances(e, y), phiPsi);
  });
  const learner: GeneralizedMetricLearner = {
    name: instance,
    net,
    encoder: net.encoder,
    models,
    optimizer,
    loss: (x, y) => lossOf(x, y),
    async step(x, _i, y) {
      const labels = await readLabels(`${where}.step`, 'y', y, { pairs: true }, x.shape[0]);
      return optimizer.minimize(() => lossOf(x, labels), true, trainableVariables(net.encoder)) as tf.Scalar;
    },
    async train(data, o) {
      check(o !== null && typeof o === 'object' && Number.isInteger(o.steps) && o.steps > 0, `${where}.train`, 'steps', 'a positive integer', o?.steps);
      const present = new Set(data.labels).size;
      check(present >= 2, `${where}.train`, 'data.labels', 'at least two classes (every row needs a negative)', present);
      const { classesPerBatch = Math.min(8, present), perClass = 4, seed: batchSeed = seed } = o;
      const batches = classBalancedBatches(data.labels, { classesPerBatch, perClass, seed: batchSeed, numBatches: o.steps });
      return trainLoop({
        steps: o.steps,
        logEvery: o.logEvery,
        onLog: o.onLog,
        progress: resolveProgress(o.progress, o.steps, instance),
        step: async (i) => {
          const { x, y } = gather(data, batches[i]!);
          try {
            return await learner.step(x, i, Int32Array.from(batches[i]!, (j) => data.labels[j]!));
          } finally {
            x.dispose();
            y.dispose();
          }
        },
      });
    },
    dispose() {
      net.encoder.dispose();
      optimizer.dispose();
    },
  };
  return learner;
}
