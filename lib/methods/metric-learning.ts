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
 * The loss's options go nested, whole, in `lossOptions` (checked against the loss's spec, lib/losses/metric/spec.ts:
 * a name the loss does not take is an error naming it); what is not given takes the spec's default (each loss's
 * spec, in its file in lib/losses/metric/). For example:
 * Hermans et al.'s batch-hard triplet (K×M batches, margin 0.2 on squared distances) for 'triplet'; CosFace's
 * m = 0.35, ArcFace's m = 0.5 (arXiv:1801.09414, arXiv:1801.07698) at scale s = 30; sub-center ArcFace with k = 3
 * (arXiv:2008.01092 uses 3); center loss λ = 0.1, α = 0.5 (Wen et al. 2016).
 * The older flat form (`{ loss: 'arcface', margin: 0.3 }`: MetricLossOptions beside the learner's options) is still
 * accepted, for the settings it always had; a setting the loss does not take is ignored there, as before.
 *
 *   const learner = metricLearner({ loss: 'arcface', lossOptions: { margin: 0.3, scale: 16 }, inputShape: [28, 28, 1], numClasses: 5 });
 *   await learner.train(set, { steps: 500, classesPerBatch: 8, perClass: 4 });
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Labels } from '../losses/metric/common.js';
import { makeCenters, updateCenters } from '../losses/metric/center.js';
import {
  FLAT_METRIC_LOSS_OPTIONS, type MetricLoss, type MetricLossName, type MetricLossOptions, type MetricLossOptionsOf, metricLosses,
} from '../losses/metric/registry.js';
import { isMetricLossSpec, type MetricHeadKind, type MetricLossSpec, resolveLossOptions, siameseHeadOf } from '../losses/metric/spec.js';
import { siameseNetwork, type SiameseNetwork } from '../models/siamese.js';
import type { ImageSource } from '../train/batches.js';
import { fit } from '../train/fit.js';
import type { TrainResult } from '../train/loop.js';
import { checkImageBatch, makeMethod, type Method, type MethodTrainOptions } from '../train/method.js';
import { makeOptimizer } from '../train/optimizers.js';
import { classBalancedSampler } from '../train/samplers.js';
import { check } from '../util/errors.js';
import { checkLabelValues, readLabels } from '../util/labels.js';

/**
 * The learner's options. The loss's own options go in `lossOptions`; the flat settings inherited from
 * MetricLossOptions (margin, scale, mining, average, distance, subCenters, centerWeight, centerRate) are the older
 * form, still accepted.
 */
export interface MetricLearnerOptions<N extends MetricLossName = MetricLossName> extends MetricLossOptions {
  /** A name of `METRIC_LOSSES` (e.g. 'triplet', 'arcface'), a loss spec (lib/losses/metric/spec.ts) or a loss function. */
  loss: N | MetricLossSpec | MetricLoss;
  /**
   * The loss's options, passed whole (e.g. `{ margin: 0.3, scale: 16 }` for 'arcface'); each one the loss does not
   * take is an error naming it. Missing ones take the loss's defaults (its spec). For a loss function of your own:
   * merged over the flat settings and handed to it as they are.
   */
  lossOptions?: MetricLossOptionsOf<N>;
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
  /** The options the loss gets on every step: its spec's defaults, the flat settings, then `lossOptions`. */
  lossOptions: Readonly<Record<string, unknown>>;
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

/** The learner's own options (TypeScript keeps this record and MetricLearnerOptions in step). */
const LEARNER_OPTIONS: Record<Exclude<keyof MetricLearnerOptions, keyof MetricLossOptions>, true> = {
  loss: true, lossOptions: true, inputShape: true, numClasses: true, backbone: true, widths: true, embeddingDim: true, learningRate: true, optimizer: true, seed: true,
};
const FLAT: readonly string[] = FLAT_METRIC_LOSS_OPTIONS;

/**
 * The loss of the options: its function, its spec (a registered name, a spec, or a function made from one) and the
 * options it gets on every step — resolved against the spec, or, for a function of your own, the flat settings as
 * before with `lossOptions` merged over them.
 */
function resolveLoss(where: string, options: MetricLearnerOptions): { fn: MetricLoss; spec?: MetricLossSpec; name: string; lossOptions: Record<string, unknown> } {
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || Object.hasOwn(LEARNER_OPTIONS, key) || FLAT.includes(key)) continue;
    check(false, where, key, `an option of metricLearner (${[...Object.keys(LEARNER_OPTIONS), ...FLAT].join(', ')})`, value,
      'check the spelling; the options of the loss go in lossOptions, e.g. { loss: \'arcface\', lossOptions: { margin: 0.3 } }');
  }
  const spec = isMetricLossSpec(options.loss) ? options.loss : undefined;
  const fn = spec ? undefined : metricLosses.get(options.loss as MetricLossName | MetricLoss, where, 'loss');
  const resolvedSpec = spec ?? fn!.spec;
  const name = typeof options.loss === 'string' ? options.loss : resolvedSpec?.name ?? ((options.loss as MetricLoss).name || 'custom');
  const flat = Object.fromEntries(FLAT.map((k) => [k, (options as unknown as Record<string, unknown>)[k]]));
  if (resolvedSpec) {
    const given = options.lossOptions;
    if (given !== undefined) {
      check(given !== null && typeof given === 'object', where, 'lossOptions', `an object of the options of the '${name}' loss`, given);
      for (const [key, value] of Object.entries(given)) {
        if (value === undefined || flat[key] === undefined || flat[key] === value) continue;
        check(false, where, key, `given once: in lossOptions (the flat form is the older one)`, `${key}: ${String(flat[key])} and lossOptions.${key}: ${String(value)}`,
          `drop the flat ${key}`);
      }
    }
    // the flat settings this loss takes, then lossOptions (each key checked against the spec)
    const taken = Object.fromEntries(Object.entries(flat).filter(([k]) => Object.hasOwn(resolvedSpec.defaults, k)));
    const lossOptions = resolveLossOptions(where, resolvedSpec, { ...taken, ...(given ?? {}) }, 'lossOptions') as Record<string, unknown>;
    return { fn: fn ?? (resolvedSpec.loss as MetricLoss), spec: resolvedSpec, name, lossOptions };
  }
  // a function of your own: the flat settings as it always got them, lossOptions merged over them
  const given = options.lossOptions as Record<string, unknown> | undefined;
  check(given === undefined || (given !== null && typeof given === 'object'), where, 'lossOptions', 'an object (handed to the loss function)', given);
  const { centerRate: _rate, ...older } = flat; // centerRate is the learner's (the centre update), as before
  const lossOptions: Record<string, unknown> = { ...older, subCenters: options.subCenters ?? 3, centerWeight: options.centerWeight ?? 0.1, ...(given ?? {}) };
  return { fn: fn!, name, lossOptions };
}

/** The head kind a function of your own asks for with its `head` property (older words). */
const KIND_OF: Record<'softmax' | 'cosine' | 'none', MetricHeadKind> = { softmax: 'classifier', cosine: 'centres', none: 'none' };

export function metricLearner<N extends MetricLossName>(options: MetricLearnerOptions<N>): MetricLearner {
  const where = 'metricLearner';
  check(options !== null && typeof options === 'object', where, 'options', '{ loss, inputShape, numClasses, ... }', options);
  const { inputShape, widths, embeddingDim = 64, seed = 0 } = options;
  const { fn: lossFn, spec, name, lossOptions } = resolveLoss(where, options as MetricLearnerOptions);
  const kind: MetricHeadKind = spec ? spec.head : KIND_OF[lossFn.head ?? 'none'];
  const head = siameseHeadOf(kind);
  if (head !== 'none') check(Number.isInteger(options.numClasses) && options.numClasses! >= 2, where, 'numClasses', `an integer >= 2 (the '${name}' loss has a classifier head)`, options.numClasses);
  const numClasses = options.numClasses;
  const net = siameseNetwork({
    inputShape, backbone: options.backbone ?? 'conv', widths, embeddingDim, seed, head, numClasses,
    normalize: kind !== 'classifier',
    subCenters: kind === 'subCentres' ? (lossOptions.subCenters as number) : 1,
    name: `metric_${name}`,
  });
  const optimizer = options.optimizer ?? makeOptimizer({ learningRate: options.learningRate ?? 1e-3 });
  const keepsCentres = spec ? spec.keepsCentres === true : lossFn.centers === true;
  const centers = keepsCentres ? makeCenters({ numClasses: numClasses!, dim: embeddingDim, name: `metric_center_centres_${seed}` }) : undefined;
  const centerRate = ((lossOptions.centerRate ?? options.centerRate) as number | undefined) ?? 0.5;

  /** Forward pass and loss; the embeddings are kept in `ctx.features` when the centre update needs them. */
  const lossOf = (x: tf.Tensor4D, y: Labels, ctx?: Ctx): tf.Scalar =>
    tf.tidy(() => {
      const e = net.encoder.apply(x, { training: true }) as tf.Tensor2D;
      if (ctx && centers) ctx.features = tf.keep(e);
      const out = net.head ? (net.head.apply(e, { training: true }) as tf.Tensor2D) : undefined;
      const batch = { embeddings: e, head: out, labels: y, numClasses, centers };
      return spec ? spec.loss(batch, lossOptions) : lossFn(batch, lossOptions);
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
    lossOptions: Object.freeze({ ...lossOptions }),
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
