/**
 * The metric-learning losses by name (lib/losses/registry.ts), as the metric learner (lib/methods/metric-learning.ts)
 * trains them — the comparison of notebook 04 in the spirit of "A Metric Learning Reality Check" (Musgrave et al.
 * 2020, deck 003): same backbone, sampler and steps for every loss; only the loss and its training-only head differ.
 *
 *   name               embedding        head (training only)   objective
 *   'softmax'          raw neck output  dense → logits         cross-entropy (the baseline)
 *   'center'           raw neck output  dense → logits         cross-entropy + (λ/2)‖f − c_y‖², centres by Wen's rule
 *   'pair'             unit norm        —                      pair loss over all pairs of the batch (balanced)
 *   'triplet'          unit norm        —                      triplet loss with online mining (`mining`)
 *   'cosface'          unit norm        cosine                 CosFace
 *   'arcface'          unit norm        cosine                 ArcFace
 *   'subcenterArcface' unit norm        cosine, k per class    sub-center ArcFace
 *
 * A loss is a function of the batch ({@link MetricBatch}: embeddings, the head's output, labels, centres) and the
 * learner's options; its `head` property says which training head it needs (none: a loss on the embeddings alone,
 * like the pair and triplet losses — what a function of your own gets unless it says otherwise).
 *
 *   const triplet = metricLosses.get('triplet');
 *   const loss = triplet({ embeddings, labels }, { mining: 'batchHard', margin: 0.2 });
 */
import * as tf from '@tensorflow/tfjs-core';
import type { DistanceName } from '../../ops/distances.js';
import { LossRegistry } from '../registry.js';
import { type Margin, softmaxCrossEntropy } from './angular.js';
import { arcFaceLoss } from './arcface.js';
import { centerLoss } from './center.js';
import { labelTensor, type Labels } from './common.js';
import { cosFaceLoss } from './cosface.js';
import { onlineTripletLoss, type OnlineTripletStrategy } from './online-triplet.js';
import { batchPairLoss } from './pair.js';
import { subCenterArcFaceLoss } from './subcenter-arcface.js';

/** What a metric loss sees of a training batch. */
export interface MetricBatch {
  /** f(x) [N, K] (unit norm unless the head is 'softmax'). */
  embeddings: tf.Tensor2D;
  /** The training head's output: logits [N, C] ('softmax') or cosines [N, C·k] ('cosine'). */
  head?: tf.Tensor2D;
  labels: Labels;
  /** Number of training classes (the losses with a head). */
  numClasses?: number;
  /** The class centres of the center loss [C, K]. */
  centers?: tf.Variable;
}

/** The loss settings of the metric learner (MetricLearnerOptions extends these). */
export interface MetricLossOptions {
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
}

/** A metric loss: (batch, options) → scalar; `head` the training head it needs, `centers` when it keeps class centres. */
export type MetricLoss = ((batch: MetricBatch, options: MetricLossOptions) => tf.Scalar) & {
  head?: 'softmax' | 'cosine' | 'none';
  centers?: boolean;
};

export type MetricLossName = 'softmax' | 'center' | 'pair' | 'triplet' | 'cosface' | 'arcface' | 'subcenterArcface';

const withHead = (fn: (b: MetricBatch, o: MetricLossOptions) => tf.Scalar, head: MetricLoss['head'], centers = false): MetricLoss => Object.assign(fn, { head, centers });

/** Name → metric loss; `metricLosses.get(nameOrFn)`. */
export const metricLosses = new LossRegistry<MetricLoss>('metric loss', {
  softmax: withHead((b) => {
    const { tensor } = labelTensor('metricLearner.loss', b.labels, b.embeddings.shape[0], b.numClasses);
    return softmaxCrossEntropy(b.head!, tf.cast(tf.oneHot(tensor, b.numClasses!), 'float32') as tf.Tensor2D);
  }, 'softmax'),
  center: withHead((b, o) => centerLoss(b.embeddings, b.labels, b.centers!, { lambda: o.centerWeight, logits: b.head }), 'softmax', true),
  pair: withHead((b, o) => batchPairLoss(b.embeddings, b.labels, { margin: o.margin as number | undefined, distance: o.distance ?? 'euclidean', balance: true }), 'none'),
  triplet: withHead((b, o) =>
    onlineTripletLoss(b.embeddings, b.labels, { strategy: o.mining ?? 'batchHard', margin: o.margin as number | undefined, distance: o.distance ?? 'squared', average: o.average }), 'none'),
  cosface: withHead((b, o) => cosFaceLoss(b.head!, b.labels, { scale: o.scale, margin: o.margin }), 'cosine'),
  arcface: withHead((b, o) => arcFaceLoss(b.head!, b.labels, { scale: o.scale, margin: o.margin }), 'cosine'),
  subcenterArcface: withHead((b, o) => subCenterArcFaceLoss(b.head!, b.labels, { scale: o.scale, margin: o.margin, subCenters: o.subCenters }), 'cosine'),
});

/** The registered names of the metric learner's built-in losses, in notebook 04's order. */
export const METRIC_LOSSES: readonly MetricLossName[] = ['softmax', 'center', 'pair', 'triplet', 'cosface', 'arcface', 'subcenterArcface'];
