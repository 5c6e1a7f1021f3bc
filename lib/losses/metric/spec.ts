/**
 * What a metric loss is to the metric learner (lib/methods/metric-learning.ts): a **spec**, exported by the loss's
 * own file next to the loss function, and listed once in registry.ts (`METRIC_LOSS_SPECS`), from which the registry
 * `metricLosses`, the type `MetricLossName` and the list `METRIC_LOSSES` are derived.
 *
 *   export const arcFaceSpec = metricLossSpec({
 *     name: 'arcface',                         // the name the learner and the registry know it by
 *     head: 'centres',                         // the training head it needs (below)
 *     defaults: { margin: 0.5 as Margin, scale: 30 },   // every option it takes, with its default
 *     loss: (b, o) => arcFaceLoss(b.head!, b.labels, o), // (batch, options with every key set) → scalar
 *   });
 *
 * Head kinds (what the learner builds on top of the embedding f(x), training only; lib/models/siamese.ts):
 *
 *   'none'        no head; unit-norm embeddings (pair, triplet: losses of the embeddings alone)
 *   'classifier'  a dense softmax head → logits [N, C]; raw (not normalised) embeddings (softmax, center)
 *   'centres'     a cosine head: one unit-norm centre (class weight) per class → cosines [N, C] (CosFace, ArcFace)
 *   'subCentres'  a cosine head with k centres per class → cosines [N, C·k] (sub-center ArcFace); k is the
 *                 loss's option `subCenters`, which such a spec must declare
 *
 * `keepsCentres: true` (the center loss) asks the learner for class centres [C, K] outside the optimizer, moved by
 * Wen et al.'s rule after each step at the rate of the option `centerRate` (default 0.5).
 *
 * Options: `defaults` lists every option of the loss. `resolveLossOptions` fills what is not given from it and
 * rejects a name not in it (an error naming the option): an option is never silently dropped.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { check } from '../../util/errors.js';
import type { Labels } from './common.js';

/** What a metric loss sees of a training batch. */
export interface MetricBatch {
  /** f(x) [N, K] (unit norm unless the head is a classifier). */
  embeddings: tf.Tensor2D;
  /** The training head's output: logits [N, C] (classifier) or cosines [N, C·k] (centres, subCentres). */
  head?: tf.Tensor2D;
  labels: Labels;
  /** Number of training classes (the losses with a head). */
  numClasses?: number;
  /** The class centres of the center loss [C, K]. */
  centers?: tf.Variable;
}

/** The training head a metric loss needs (see above). */
export type MetricHeadKind = 'none' | 'classifier' | 'centres' | 'subCentres';
export const METRIC_HEAD_KINDS: readonly MetricHeadKind[] = ['none', 'classifier', 'centres', 'subCentres'];

/** A metric loss as the learner and the registry know it: name, head, option defaults, function. */
export interface MetricLossSpec<N extends string = string, O extends object = object> {
  /** The registry name (e.g. 'arcface'). */
  readonly name: N;
  /** The training head it needs. */
  readonly head: MetricHeadKind;
  /** The learner keeps class centres moved by Wen's rule (the center loss). */
  readonly keepsCentres?: boolean;
  /** Every option of the loss, with its default. */
  readonly defaults: Readonly<O>;
  /** The loss of a batch, with every option set (`resolveLossOptions`). Returns a scalar (caller disposes). */
  loss(batch: MetricBatch, options: O): tf.Scalar;
}

/** The options type of a spec. */
export type MetricLossSpecOptions<S> = S extends MetricLossSpec<string, infer O> ? O : never;

/** The registry's function for a spec (metricLossFunction): `head` in the learner's older words ('softmax' = a
 * classifier, 'cosine' = centres or subCentres), `centers` when it keeps class centres, and the spec itself. */
export type SpecLossFunction = ((batch: MetricBatch, options?: object) => tf.Scalar) & {
  head: 'softmax' | 'cosine' | 'none';
  centers: boolean;
  spec: MetricLossSpec;
};

/** The head a spec's kind asks lib/models `siameseNetwork` for. */
export function siameseHeadOf(kind: MetricHeadKind): 'none' | 'softmax' | 'cosine' {
  return kind === 'none' ? 'none' : kind === 'classifier' ? 'softmax' : 'cosine';
}

/** Check a spec (name, head, defaults, loss) and freeze it. */
export function metricLossSpec<N extends string, O extends object>(spec: MetricLossSpec<N, O>): MetricLossSpec<N, O> {
  const where = 'metricLossSpec';
  check(spec !== null && typeof spec === 'object', where, 'spec', '{ name, head, defaults, loss }', spec);
  check(typeof spec.name === 'string' && spec.name.length > 0, where, 'name', 'a non-empty string', spec.name);
  check(METRIC_HEAD_KINDS.includes(spec.head), where, 'head', METRIC_HEAD_KINDS.map((k) => `'${k}'`).join(', '), spec.head);
  check(spec.defaults !== null && typeof spec.defaults === 'object', where, 'defaults', 'an object of the options with their defaults ({} for none)', spec.defaults);
  check(typeof spec.loss === 'function', where, 'loss', 'a function (batch, options) → scalar', spec.loss);
  if (spec.head === 'subCentres') check('subCenters' in spec.defaults, where, 'defaults', "an option 'subCenters' (k, the centres per class of a 'subCentres' head)", Object.keys(spec.defaults));
  return Object.freeze({ ...spec, defaults: Object.freeze({ ...spec.defaults }) });
}

export function isMetricLossSpec(x: unknown): x is MetricLossSpec {
  return x !== null && typeof x === 'object' && typeof (x as MetricLossSpec).loss === 'function' && 'defaults' in x && 'head' in x;
}

/**
 * The spec's defaults overridden by `given` (a key whose value is undefined counts as not given). A key the spec
 * does not list is an error naming it (`${arg}.${key}`) — except those in `ignore` (the learner's older flat
 * settings, which every loss used to receive and ignore).
 */
export function resolveLossOptions<O extends object>(where: string, spec: MetricLossSpec<string, O>, given: object | undefined, arg = 'options', ignore: readonly string[] = []): O {
  const out: Record<string, unknown> = { ...spec.defaults };
  if (given === undefined) return out as O;
  check(given !== null && typeof given === 'object', where, arg, `an object of the options of the '${spec.name}' loss`, given);
  const known = Object.keys(spec.defaults);
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!known.includes(key)) {
      if (ignore.includes(key)) continue;
      check(false, where, `${arg}.${key}`, known.length ? `an option of the '${spec.name}' loss: ${known.join(', ')}` : `absent: the '${spec.name}' loss takes no option`, value,
        'check the spelling; the options of a loss are the keys of its spec\'s defaults');
    }
    out[key] = value;
  }
  return out as O;
}

/**
 * The registry's function for a spec: (batch, options) → scalar, options resolved against the spec's defaults on
 * each call (`ignore`: names passed over, see resolveLossOptions); carries `head`, `centers` and `spec`.
 */
export function metricLossFunction(spec: MetricLossSpec, ignore: readonly string[] = []): SpecLossFunction {
  const fn = (batch: MetricBatch, options?: object) => spec.loss(batch, resolveLossOptions(spec.name, spec, options, 'options', ignore));
  Object.defineProperty(fn, 'name', { value: spec.name });
  return Object.assign(fn, { head: siameseHeadOf(spec.head), centers: spec.keepsCentres === true, spec });
}
