/**
 * `metricLearner`: one Siamese network (lib/models/siamese.ts) trained with any of the metric-learning losses of
 * deck 000 (lib/losses `metricLosses`, by name or a function of your own) on K×M class-balanced batches (Hermans et
 * al. 2017, arXiv:1703.07737: K classes, M examples each) — the harness of notebook 04's comparison in the spirit of
 * "A Metric Learning Reality Check" (Musgrave et al. 2020, arXiv:2003.08505; deck 003): same backbone, same sampler,
 * same number of steps and optimizer for every loss; only the loss (and its training-only head) differ. The table of
 * losses and heads is lib/losses/metric/registry.ts.
 *
 * Built like every method (lib/train/method.ts `makeMethod`): `step` is makeMethod's (one `minimize` over the
 * encoder and head; the center loss's centres move by Wen's rule after it), and `train` is lib/train's `fit` with a
 * class-balanced batch sampler (`classBalancedSampler`), so it has fit's checkpoint save/resume. What differs from
 * `Method`: `step` is async and checks each batch's labels in full first (a JS array as is, a tensor with one small
 * read, lib/util `readLabels`), and `loss(x, y)` takes the labels second (no step index).
 *
 * Defaults: Hermans et al.'s batch-hard triplet (K×M batches, margin 0.2 on squared distances) for 'triplet';
 * CosFace's m = 0.35, ArcFace's m = 0.5 (arXiv:1801.09414, arXiv:1801.07698) at scale s = 30; sub-center ArcFace
 * with k = 3 (arXiv:2008.01092 uses 3); center loss λ = 0.1, α = 0.5 (Wen et al. 2016).
 *
 *   const learner = metricLearner({ loss: 'triplet', inputShape: [28, 28, 1] });
 *   await learner.train(set, { steps: 500, classesPerBatch: 8, perClass: 4 });
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Labels } from '../losses/metric/common.js';
import { makeCenters, updateCenters } from '../losses/metric/center.js';
import { type MetricLoss, type MetricLossName, type MetricLossOptions, metricLosses } from '../losses/metric/registry.js';
import { siameseNetwork, type SiameseNetwork } from '../models/siamese.js';
import type { ImageSource } from '../train/batches.js';
import { fit } from '../train/fit.js';
import type { TrainResult } from '../train/loop.js';
import { checkImageBatch, makeMethod, type Method, type MethodTrainOptions } from '../train/method.js';
import { makeOptimizer } from '../train/optimizers.js';
import { classBalancedSampler } from '../train/samplers.js';
import { check } from '../util/errors.js';
import { checkLabelValues, readLabels } from '../util/labels.js';

/** The learner's options; the loss settings (margin, scale, mining, average, distance, subCenters, centerWeight) are MetricLossOptions'. */
export interface MetricLearnerOptions extends MetricLossOptions {
  /** A name of `metricLosses` ('softmax', 'center', 'pair', 'triplet', 'cosface', 'arcface', 'subcenterArcface') or a loss function. */
  loss: MetricLossName | MetricLoss;
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
  /** α, the centre update rate (default 0.5). */
  centerRate?: number;
  /** Adam's learning rate (default 1e-3; ignored when `optimizer` is given). */
  learningRate?: number;
  optimizer?: tf.Optimizer;
  seed?: number;
}

/** `fit`'s options (checkpoints, resume, logging) with the K×M batch shape instead of a batch size. */
export interface MetricTrainOptions extends Omit<MethodTrainOptions, 'batchSize'> {
  steps: number;
  /** K classes per batch (default min(8, classes present)). */
  classesPerBatch?: number;
  /** M examples per class (default 4). */
  perClass?: number;
  /** Batch sampling seed (default: the learner's seed). */
  seed?: number;
}

export interface MetricLearner extends Omit<Method<MetricLearnerOptions>, 'loss' | 'step' | 'train'> {
  net: SiameseNetwork;
  head?: tfl.LayersModel;
  /** The training loss on a batch (BatchNorm in training mode), no update. Caller disposes. */
  loss(x: tf.Tensor4D, y: Labels): tf.Scalar;
  /**
   * One update on a batch. Labels are checked in full here, once per batch (range for the losses with a head, a
   * positive and a negative pair for the losses on embeddings alone): a JS array as is, a tensor with one small read
   * (lib/util `readLabels`; none when its values are still in host memory). Returns the loss.
   */
  step(x: tf.Tensor4D, i: number, y: tf.Tensor1D | Labels): Promise<tf.Scalar>;
  /** `steps` updates on K×M class-balanced batches of `data` (lib/train `fit`: checkpoints and resume too). */
  train(data: ImageSource, o: MetricTrainOptions): Promise<TrainResult>;
}

export function metricLearner(options: MetricLearnerOptions): MetricLearner {
  const where = 'metricLearner';
  check(options !== null && typeof options === 'object', where, 'options', '{ loss, inputShape, numClasses, ... }', options);
  const { inputShape, widths, embeddingDim = 64, seed = 0, subCenters = 3, centerWeight = 0.1, centerRate = 0.5 } = options;
  const lossFn = metricLosses.get(options.loss, where, 'loss');
  const name = typeof options.loss === 'string' ? options.loss : options.loss.name || 'custom';
  const head = lossFn.head ?? 'none';
  if (head !== 'none') check(Number.isInteger(options.numClasses) && options.numClasses! >= 2, where, 'numClasses', `an integer >= 2 (the '${name}' loss has a classifier head)`, options.numClasses);
  const numClasses = options.numClasses;
  const net = siameseNetwork({
    inputShape, backbone: options.backbone ?? 'conv', widths, embeddingDim, seed, head, numClasses,
    normalize: head !== 'softmax',
    subCenters: name === 'subcenterArcface' ? subCenters : 1,
    name: `metric_${name}`,
  });
  const optimizer = options.optimizer ?? makeOptimizer({ learningRate: options.learningRate ?? 1e-3 });
  const centers = lossFn.centers ? makeCenters({ numClasses: numClasses!, dim: embeddingDim, name: `metric_center_centres_${seed}` }) : undefined;
  const lossOptions: MetricLossOptions = {
    margin: options.margin, scale: options.scale, mining: options.mining, average: options.average, distance: options.distance, subCenters, centerWeight,
  };

  /** Forward pass and loss; the embeddings are kept in `ctx.features` when the centre update needs them. */
  const lossOf = (x: tf.Tensor4D, y: Labels, ctx?: Ctx): tf.Scalar =>
    tf.tidy(() => {
      const e = net.encoder.apply(x, { training: true }) as tf.Tensor2D;
      if (ctx && centers) ctx.features = tf.keep(e);
      const out = net.head ? (net.head.apply(e, { training: true }) as tf.Tensor2D) : undefined;
      return lossFn({ embeddings: e, head: out, labels: y, numClasses, centers }, lossOptions);
    });

  /** Per step: the embeddings of the forward pass, for the centre update after it (disposed by makeMethod). */
  type Ctx = { features?: tf.Tensor2D };
  const method = makeMethod<MetricLearnerOptions, Ctx>({
    name,
    encoder: net.encoder,
    models: net.head ? { head: net.head } : {},
    optimizer,
    state: centers ? { centers } : undefined,
    // makeMethod's own `train` (which reads batchSize) is replaced below by the class-balanced one.
    options: Object.freeze({ ...options }) as MetricLearnerOptions & { batchSize: number },
    trainable: net.head ? [net.encoder, net.head] : [net.encoder],
    prepare: () => ({}),
    // in a step, the losses get the labels as read in host memory (a loss whose rows depend on them needs that)
    loss: (x, _i, y, ctx) => lossOf(x, labelsOfStep ?? y!, ctx),
    after: (_i, ctx) => {
      if (centers && ctx.features) updateCenters(centers, ctx.features, labelsOfStep!, centerRate);
    },
  });
  let labelsOfStep: Int32Array | undefined;
  const updateStep = method.step;

  const learner: MetricLearner = Object.assign(method, {
    net,
    head: net.head,
    loss: (x: tf.Tensor4D, y: Labels) => {
      if (inputShape) checkImageBatch(name, x, inputShape);
      return lossOf(x, y);
    },
    async step(x: tf.Tensor4D, i: number, y: tf.Tensor1D | Labels): Promise<tf.Scalar> {
      const labels = await readLabels('metricLearner.step', 'y', y, { numClasses: head === 'none' ? undefined : numClasses, pairs: head === 'none' }, x.shape[0]);
      const yT = tf.tensor1d(labels, 'int32');
      labelsOfStep = labels;
      try {
        return updateStep(x, i, yT);
      } finally {
        labelsOfStep = undefined;
        yT.dispose();
      }
    },
    async train(data: ImageSource, o: MetricTrainOptions): Promise<TrainResult> {
      check(o !== null && typeof o === 'object' && Number.isInteger(o.steps) && o.steps > 0, 'metricLearner.train', 'steps', 'a positive integer', o?.steps);
      // The whole set's labels once (a JS array: no GPU read); each batch's again in step.
      if (numClasses !== undefined) checkLabelValues('metricLearner.train', 'data.labels', data.labels, { numClasses }, 'the training set');
      const present = new Set(data.labels).size;
      const { classesPerBatch = Math.min(8, present), perClass = 4, seed: batchSeed = seed, ...rest } = o;
      return fit(learner, data, { ...rest, batchSize: classesPerBatch * perClass, seed: batchSeed, sampler: classBalancedSampler({ classesPerBatch, perClass }) });
    },
  });
  return learner;
}
