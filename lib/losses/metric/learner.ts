/**
 * `metricLearner`: one Siamese network (lib/models/siamese.ts) trained with any of the metric-learning losses of
 * deck 000 on K×M class-balanced batches (Hermans et al.: K classes, M examples each) — the harness of notebook 04's
 * comparison in the spirit of "A Metric Learning Reality Check" (Musgrave et al. 2020, deck 003): same backbone,
 * same sampler, same number of steps and optimizer for every loss; only the loss (and its training-only head) differ.
 *
 *   loss               embedding        head (training only)   objective
 *   'softmax'          raw neck output  dense → logits         cross-entropy (the baseline)
 *   'center'           raw neck output  dense → logits         cross-entropy + (λ/2)‖f − c_y‖², centres by Wen's rule
 *   'pair'             unit norm        —                      pair loss over all pairs of the batch (balanced)
 *   'triplet'          unit norm        —                      triplet loss with online mining (`mining`)
 *   'cosface'          unit norm        cosine                 CosFace
 *   'arcface'          unit norm        cosine                 ArcFace
 *   'subcenterArcface' unit norm        cosine, k per class    sub-center ArcFace
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { classBalancedBatches } from '../../data/class-balanced.js';
import { trainableVariables } from '../../models/info.js';
import { siameseNetwork, type SiameseNetwork } from '../../models/siamese.js';
import type { DistanceName } from '../../ops/distances.js';
import { gather, type ImageSource } from '../../train/batches.js';
import type { Trainable } from '../../train/fit.js';
import { type ProgressLike, trainLoop, type TrainResult } from '../../train/loop.js';
import { makeOptimizer } from '../../train/optimizers.js';
import { check } from '../../util/errors.js';
import { checkLabelValues, readLabels } from '../../util/labels.js';
import { resolveProgress } from '../../train/fit.js';
import { type Margin, softmaxCrossEntropy } from './angular.js';
import { arcFaceLoss } from './arcface.js';
import { centerLoss, makeCenters, updateCenters } from './center.js';
import { labelTensor, type Labels } from './common.js';
import { cosFaceLoss } from './cosface.js';
import { onlineTripletLoss, type OnlineTripletStrategy } from './online-triplet.js';
import { batchPairLoss } from './pair.js';
import { subCenterArcFaceLoss } from './subcenter-arcface.js';

export type MetricLossName = 'softmax' | 'center' | 'pair' | 'triplet' | 'cosface' | 'arcface' | 'subcenterArcface';
export const METRIC_LOSSES: readonly MetricLossName[] = ['softmax', 'center', 'pair', 'triplet', 'cosface', 'arcface', 'subcenterArcface'];

export interface MetricLearnerOptions {
  loss: MetricLossName;
  /** [height, width, channels] of the images. */
  inputShape: [number, number, number];
  /** Training classes (labels in [0, numClasses)); required by the losses with a head. */
  numClasses?: number;
  /** 'conv' (default) or 'mlp' (smoke runs on the cpu backend); see `siameseNetwork`. */
  backbone?: 'conv' | 'mlp';
  /** Backbone widths (default conv [32, 64, 128], mlp [256]). */
  widths?: number[];
  /** Embedding size K (default 64). */
  embeddingDim?: number;
  /** Margin of the loss (defaults: pair 1, triplet 0.2, cosface 0.35, arcface 0.5); per class for cosface/arcface. */
  margin?: Margin;
  /** s of the margin softmax losses (default 30). */
  scale?: number;
  /** Triplet mining strategy (default 'batchHard'). */
  mining?: OnlineTripletStrategy;
  /** Averaging of the mined triplet loss (default 'selected'). */
  average?: 'selected' | 'nonzero';
  /** Distance of the pair/triplet losses (defaults: pair 'euclidean', triplet 'squared'). */
  distance?: DistanceName;
  /** Sub-centres per class (subcenterArcface; default 3). */
  subCenters?: number;
  /** λ of the center loss (default 0.1). */
  centerWeight?: number;
  /** α, the centre update rate (default 0.5). */
  centerRate?: number;
  /** Adam's learning rate (default 1e-3; ignored when `optimizer` is given). */
  learningRate?: number;
  optimizer?: tf.Optimizer;
  seed?: number;
}

export interface MetricTrainOptions {
  steps: number;
  /** K classes per batch (default min(8, classes present)). */
  classesPerBatch?: number;
  /** M examples per class (default 4). */
  perClass?: number;
  /** Batch sampling seed (default: the learner's seed). */
  seed?: number;
  /** Progress bar (default: one labelled with the loss name); false for none. */
  progress?: ProgressLike | false;
  logEvery?: number;
  onLog?: (info: { step: number; loss: number }) => void | Promise<void>;
}

export interface MetricLearner extends Trainable {
  name: string;
  net: SiameseNetwork;
  /** f_θ: images → embeddings; what evaluation uses (`embed(learner.encoder, set)`). */
  encoder: tfl.LayersModel;
  head?: tfl.LayersModel;
  models: Record<string, tfl.LayersModel>;
  optimizer: tf.Optimizer;
  state?: Record<string, tf.Variable>;
  options: Readonly<MetricLearnerOptions>;
  /** The training loss on a batch (BatchNorm in training mode), no update. Caller disposes. */
  loss(x: tf.Tensor4D, y: Labels): tf.Scalar;
  /**
   * One update on a batch. Labels are checked in full here, once per batch (range for the losses with a head, a
   * positive and a negative pair for 'pair'/'triplet'): a JS array as is, a tensor with one small read
   * (lib/util `readLabels`; none when its values are still in host memory). Returns the loss.
   */
  step(x: tf.Tensor4D, i: number, y: tf.Tensor1D | Labels): Promise<tf.Scalar>;
  /** `steps` updates on K×M class-balanced batches of `data`. */
  train(data: ImageSource, o: MetricTrainOptions): Promise<TrainResult>;
  dispose(): void;
}

const NEEDS_CLASSES: readonly MetricLossName[] = ['softmax', 'center', 'cosface', 'arcface', 'subcenterArcface'];

export function metricLearner(options: MetricLearnerOptions): MetricLearner {
  const where = 'metricLearner';
  check(options !== null && typeof options === 'object', where, 'options', '{ loss, inputShape, numClasses, ... }', options);
  const { loss: name, inputShape, widths, embeddingDim = 64, seed = 0, subCenters = 3, centerWeight = 0.1, centerRate = 0.5 } = options;
  check(METRIC_LOSSES.includes(name), where, 'loss', `one of ${METRIC_LOSSES.map((l) => `'${l}'`).join(', ')}`, name);
  if (NEEDS_CLASSES.includes(name)) check(Number.isInteger(options.numClasses) && options.numClasses! >= 2, where, 'numClasses', `an integer >= 2 (the '${name}' loss has a classifier head)`, options.numClasses);
  const numClasses = options.numClasses;
  const head = name === 'softmax' || name === 'center' ? 'softmax' : name === 'cosface' || name === 'arcface' || name === 'subcenterArcface' ? 'cosine' : 'none';
  const net = siameseNetwork({
    inputShape, backbone: options.backbone ?? 'conv', widths, embeddingDim, seed, head, numClasses,
    normalize: head !== 'softmax',
    subCenters: name === 'subcenterArcface' ? subCenters : 1,
    name: `metric_${name}`,
  });
  const optimizer = options.optimizer ?? makeOptimizer({ learningRate: options.learningRate ?? 1e-3 });
  const centers = name === 'center' ? makeCenters({ numClasses: numClasses!, dim: embeddingDim, name: `metric_center_centres_${seed}` }) : undefined;
  const models: Record<string, tfl.LayersModel> = { encoder: net.encoder, ...(net.head ? { head: net.head } : {}) };

  /** Forward pass and loss; `keep` receives the embeddings (kept) when the centre update needs them. */
  const lossOf = (x: tf.Tensor4D, y: Labels, keep?: (e: tf.Tensor2D) => void): tf.Scalar =>
    tf.tidy(() => {
      const e = net.encoder.apply(x, { training: true }) as tf.Tensor2D;
      if (keep) keep(tf.keep(e));
      const out = net.head ? (net.head.apply(e, { training: true }) as tf.Tensor2D) : undefined;
      switch (name) {
        case 'softmax': {
          const { tensor } = labelTensor('metricLearner.loss', y, e.shape[0], numClasses);
          return softmaxCrossEntropy(out!, tf.cast(tf.oneHot(tensor, numClasses!), 'float32') as tf.Tensor2D);
        }
        case 'center':
          return centerLoss(e, y, centers!, { lambda: centerWeight, logits: out });
        case 'pair':
          return batchPairLoss(e, y, { margin: options.margin as number | undefined, distance: options.distance ?? 'euclidean', balance: true });
        case 'triplet':
          return onlineTripletLoss(e, y, { strategy: options.mining ?? 'batchHard', margin: options.margin as number | undefined, distance: options.distance ?? 'squared', average: options.average });
        case 'cosface':
          return cosFaceLoss(out!, y, { scale: options.scale, margin: options.margin });
        case 'arcface':
          return arcFaceLoss(out!, y, { scale: options.scale, margin: options.margin });
        default:
          return subCenterArcFaceLoss(out!, y, { scale: options.scale, margin: options.margin, subCenters });
      }
    });

  const vars = () => trainableVariables(...Object.values(models));

  const learner: MetricLearner = {
    name,
    net,
    encoder: net.encoder,
    head: net.head,
    models,
    optimizer,
    state: centers ? { centers } : undefined,
    options: Object.freeze({ ...options }),
    loss: (x, y) => lossOf(x, y),
    async step(x, _i, y) {
      const labels = await readLabels('metricLearner.step', 'y', y, { numClasses: head === 'none' ? undefined : numClasses, pairs: name === 'pair' || name === 'triplet' }, x.shape[0]);
      let feats: tf.Tensor2D | undefined;
      const loss = optimizer.minimize(() => lossOf(x, labels, centers ? (e) => (feats = e) : undefined), true, vars()) as tf.Scalar;
      if (centers && feats) {
        try {
          updateCenters(centers, feats, labels, centerRate);
        } finally {
          feats.dispose();
        }
      }
      return loss;
    },
    async train(data, o) {
      check(o !== null && typeof o === 'object' && Number.isInteger(o.steps) && o.steps > 0, 'metricLearner.train', 'steps', 'a positive integer', o?.steps);
      // The whole set's labels once (a JS array: no GPU read); each batch's again in step (also a JS array).
      if (numClasses !== undefined) checkLabelValues('metricLearner.train', 'data.labels', data.labels, { numClasses }, 'the training set');
      const present = new Set(data.labels).size;
      const { classesPerBatch = Math.min(8, present), perClass = 4, seed: batchSeed = seed } = o;
      const batches = classBalancedBatches(data.labels, { classesPerBatch, perClass, seed: batchSeed, numBatches: o.steps });
      const progress = resolveProgress(o.progress, o.steps, name);
      return trainLoop({
        steps: o.steps,
        logEvery: o.logEvery,
        onLog: o.onLog,
        progress,
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
      net.head?.dispose();
      optimizer.dispose();
      centers?.dispose();
    },
  };
  return learner;
}
