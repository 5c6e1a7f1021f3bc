/**
 * The metric-learning losses by name (lib/losses/registry.ts), as the metric learner (lib/methods/metric-learning.ts)
 * trains them — the comparison of notebook 04 in the spirit of "A Metric Learning Reality Check" (Musgrave et al.
 * 2020, deck 003): same backbone, sampler and steps for every loss; only the loss and its training-only head differ.
 *
 * ONE list, `METRIC_LOSS_SPECS`: each loss's file exports its spec (spec.ts: name, head kind, option defaults,
 * function), and everything else is derived from this list — the registry `metricLosses`, the type
 * `MetricLossName`, the list `METRIC_LOSSES`, the typed `lossOptions` of the learner (`MetricLossOptionsOf`).
 * Adding a loss: its file with its spec, then its line here (docs/architecture.md, "Adding a metric loss").
 *
 * Each loss's head kind, options and defaults are in its spec, in its own file (e.g. arcface.ts `arcFaceSpec`).
 *
 * A registered loss is a function of the batch ({@link MetricBatch}: embeddings, the head's output, labels, centres)
 * and its options (missing ones take the spec's defaults); its `head` property says which training head it needs
 * (none: a loss on the embeddings alone — what a function of your own gets unless it says otherwise).
 *
 *   const triplet = metricLosses.get('triplet');
 *   const loss = triplet({ embeddings, labels }, { mining: 'batchHard', margin: 0.2 });
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { DistanceName } from '../../ops/distances.js';
import { LossRegistry } from '../registry.js';
import type { Margin } from './angular.js';
import { arcFaceSpec } from './arcface.js';
import { centerSpec } from './center.js';
import { cosFaceSpec } from './cosface.js';
import { tripletSpec, type OnlineTripletStrategy } from './online-triplet.js';
import { pairSpec } from './pair.js';
import { softmaxSpec } from './softmax.js';
import { type MetricBatch, type MetricLossSpec, type MetricLossSpecOptions, metricLossFunction } from './spec.js';
import { subCenterArcFaceSpec } from './subcenter-arcface.js';
import { supConSpec } from './supcon.js';

export type { MetricBatch } from './spec.js';

/** The built-in metric losses, one line each, in notebook 04's order (then the losses added since). */
export const METRIC_LOSS_SPECS = [
  softmaxSpec,
  centerSpec,
  pairSpec,
  tripletSpec,
  cosFaceSpec,
  arcFaceSpec,
  subCenterArcFaceSpec,
  supConSpec,
] as const;

type BuiltInSpec = (typeof METRIC_LOSS_SPECS)[number];
/** The names of the built-in losses (derived from METRIC_LOSS_SPECS). */
export type MetricLossName = BuiltInSpec['name'];
/** The options of the loss `N`, each optional (its spec's defaults fill the rest). */
export type MetricLossOptionsOf<N extends MetricLossName> = Partial<MetricLossSpecOptions<Extract<BuiltInSpec, { name: N }>>>;

/**
 * The flat loss settings of the metric learner — the older form, still accepted beside `lossOptions` (and what a
 * loss function of your own receives): each goes to the losses that take it, the others ignore it. This list is
 * closed: a loss added later takes its options in `lossOptions` only.
 */
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
  /** α, the centre update rate of the center loss (default 0.5). */
  centerRate?: number;
}

/** The names of MetricLossOptions (TypeScript keeps this record and the interface in step). */
const FLAT: Record<keyof MetricLossOptions, true> = { margin: true, scale: true, mining: true, average: true, distance: true, subCenters: true, centerWeight: true, centerRate: true };
export const FLAT_METRIC_LOSS_OPTIONS: readonly (keyof MetricLossOptions)[] = Object.keys(FLAT) as (keyof MetricLossOptions)[];

/**
 * A metric loss: (batch, options) → scalar; `head` the training head it needs ('softmax' a classifier, 'cosine'
 * centres or sub-centres, 'none'), `centers` when it keeps class centres, `spec` when it was made from a spec.
 */
export type MetricLoss = ((batch: MetricBatch, options: MetricLossOptions | Readonly<Record<string, unknown>>) => tf.Scalar) & {
  head?: 'softmax' | 'cosine' | 'none';
  centers?: boolean;
  spec?: MetricLossSpec;
};

/** Name → metric loss; `metricLosses.get(nameOrFn)`. The flat settings a loss does not take are passed over. */
export const metricLosses = new LossRegistry<MetricLoss>(
  'metric loss',
  Object.fromEntries(METRIC_LOSS_SPECS.map((s) => [s.name, metricLossFunction(s as MetricLossSpec, FLAT_METRIC_LOSS_OPTIONS)])),
);

/** The registered names of the metric learner's built-in losses, in METRIC_LOSS_SPECS' order. */
export const METRIC_LOSSES: readonly MetricLossName[] = METRIC_LOSS_SPECS.map((s) => s.name);
