/**
 * `generalizedMetricLearner`: the metric learner (lib/methods/metric-learning.ts: Siamese network with a unit-norm
 * embedding and no head, K×M class-balanced batches, lib/train's `fit`) trained with one row of the generalised
 * contrastive loss of deck 003 (Tian 2022; lib/losses/metric/generalized.ts) — the rows the course has no direct
 * implementation of (Modified Triplet φ = x, ψ = sigmoid(cx); Triplet Contrastive, linear/linear), with the same
 * backbone, sampler, optimizer and seed as the other losses, so notebook 04 can put them in its comparison table:
 *
 *   L_{φ,ψ}(θ) = (1/P) Σ_{(i,j): y_i = y_j, i ≠ j} φ( Σ_{k: y_k ≠ y_i} ψ(d_ij² − d_ik²) )
 *
 * one row per ordered positive pair of the batch (`labelledDistances`), d² the squared Euclidean distance between
 * unit-norm embeddings (so d² ∈ [0, 4] and the exponential rows stay finite).
 *
 *   const learner = generalizedMetricLearner({ instance: 'modifiedTriplet', instanceOptions: { slope: 2 }, inputShape: [28, 28, 1] });
 *   await learner.train(trainSet, { steps: 300, classesPerBatch: 8, perClass: 4 });
 */
import {
  CONTRASTIVE_INSTANCES, contrastiveInstance, generalizedContrastiveLoss, labelledDistances,
  type ContrastiveInstanceName, type ContrastiveInstanceOptions,
} from '../losses/metric/generalized.js';
import type { MetricLossOptions } from '../losses/metric/registry.js';
import { metricLossSpec } from '../losses/metric/spec.js';
import { check } from '../util/errors.js';
import { metricLearner, type MetricLearner, type MetricLearnerOptions } from './metric-learning.js';

/** The metric learner's options without the loss and its settings (nested or flat), plus the row of the table. */
export interface GeneralizedLearnerOptions extends Omit<MetricLearnerOptions, 'loss' | 'lossOptions' | 'numClasses' | keyof MetricLossOptions> {
  /** The row of the table (e.g. 'modifiedTriplet', 'tripletContrastive'). */
  instance: ContrastiveInstanceName;
  /** τ, ε, c of the row (see `contrastiveInstance`). */
  instanceOptions?: ContrastiveInstanceOptions;
}

export type GeneralizedMetricLearner = MetricLearner;

export function generalizedMetricLearner(options: GeneralizedLearnerOptions): GeneralizedMetricLearner {
  const where = 'generalizedMetricLearner';
  check(options !== null && typeof options === 'object', where, 'options', '{ instance, inputShape, ... }', options);
  const { instance, instanceOptions, ...rest } = options;
  check(CONTRASTIVE_INSTANCES.includes(instance), where, 'instance', `one of ${CONTRASTIVE_INSTANCES.map((l) => `'${l}'`).join(', ')}`, instance);
  const phiPsi = contrastiveInstance(instance, instanceOptions);
  // The rows depend on the labels: the learner hands its losses the batch's labels as read in host memory.
  const loss = metricLossSpec({
    name: instance,
    head: 'none',
    defaults: {},
    loss: (b) => generalizedContrastiveLoss(labelledDistances(b.embeddings, b.labels as ArrayLike<number>), phiPsi),
  });
  return metricLearner({ ...rest, loss });
}
