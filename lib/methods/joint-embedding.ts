/**
 * The joint-embedding (Siamese) family without negatives, one engine for BYOL, SimSiam, Barlow Twins and VICReg
 * (deck 003, "Architecture comparison" and the ME/SG/PR/BN ablation table of Bardes et al. 2022). Two augmented
 * views x₁, x₂ of each image go through the online branch
 *
 *   z_v = g(f(x_v))            (projector g, BatchNorm in its hidden layers unless `batchNorm: false`)
 *   o_v = q(z_v) if `predictor` else z_v
 *
 * and a target branch t_v: the EMA copy ξ ← m ξ + (1 − m) θ of f and g when `momentumEncoder` (BYOL; no gradient
 * ever reaches it), else the online z_v itself — through a stop-gradient when `stopGradient` (SimSiam), with the
 * gradient flowing into both branches otherwise (Barlow Twins, VICReg, and the collapsing ablations). The loss is
 * the method's pairwise term ℓ symmetrised over the views (lib/losses `jointEmbeddingLosses`, chosen by name or
 * given as a function with `loss`) plus optional VICReg regularisers on the projections:
 *
 *   L = w·[ℓ(o₁, t₂) + ℓ(o₂, t₁)] + μ [v(z₁) + v(z₂)]/2 + ν [c(z₁) + c(z₂)]
 *
 * with w = 1 for BYOL's sum and ½ for the others (ℓ symmetric in its arguments makes ½[ℓ(z₁,z₂) + ℓ(z₂,z₁)] =
 * ℓ(z₁, z₂) for Barlow Twins and VICReg). v and c are VICReg's variance hinge and covariance penalty
 * (lib/losses/noncontrastive/vicreg.ts), weighted as in the official VICReg code (the variance averaged over the two
 * views, not summed as in the deck's formula): the "Var Reg" and "Var/Cov Reg" columns of the ablation table.
 * This file is the shared machinery; byol.ts, simsiam.ts, barlow-twins.ts and vicreg.ts hold each method's
 * defaults, formula and doc.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { simclrAugment } from '../augment/compose.js';
import { type JointEmbeddingLossName, jointEmbeddingLosses, type JointEmbeddingTerm } from '../losses/noncontrastive/joint-embedding.js';
import { vicregCovarianceTerm, vicregVarianceTerm } from '../losses/noncontrastive/vicreg.js';
import { copyWeights, emaUpdate } from '../models/ema.js';
import { predictionHead, projectionHead } from '../models/heads.js';
import { stopGradient as sg } from '../ops/gradients.js';
import { check } from '../util/errors.js';
import { type Augment, cloneArchitecture, type MethodOptions, resolveEncoder, resolveOptimizer, scheduledMomentum, scheduleOverTrainSteps } from './common.js';
import { makeMethod, type Method, viewSeed } from '../train/method.js';
import { checkInt } from '../util/checks.js';
import { featureDim } from '../models/encoders.js';

/** The pairwise term ℓ(o, t) of each method: a name of lib/losses `jointEmbeddingLosses`. */
export type PairLoss = JointEmbeddingLossName;

/** The switches of the collapse lab (deck 003's ME / SG / PR / BN columns, and the regularisers). */
export interface JointEmbeddingOptions extends MethodOptions {
  /** The symmetrised pairwise term: a name of `jointEmbeddingLosses` or a function (o₁, t₂, o₂, t₁, weights) → scalar (default: the method's). */
  loss?: PairLoss | JointEmbeddingTerm;
  /** Projection size (default 128). */
  projectionDim?: number;
  /** Hidden size of the projector (default: max(feature size, projectionDim)). */
  hiddenDim?: number;
  /** Dense layers of the projector (default: the method's: 2 for BYOL, 3 for the others). */
  projectorLayers?: number;
  /** PR: a prediction head q on the online branch (BYOL, SimSiam: true; Barlow Twins, VICReg: false). */
  predictor?: boolean;
  /** Hidden size of the predictor (default: the method's). */
  predictorHiddenDim?: number;
  /** ME: the target is an EMA copy of encoder + projector (BYOL: true). */
  momentumEncoder?: boolean;
  /** Base EMA momentum m (default 0.996, BYOL's; must be in [0, 1]). */
  momentum?: number;
  /** Cosine schedule of m from `momentum` to 1 over `totalSteps` (default true; BYOL's). */
  momentumSchedule?: boolean;
  /**
   * Steps of the momentum schedule (default: the `steps` passed to `train`; stored in checkpoints, so a run resumed
   * from one continues its schedule: lib/methods/common.ts `scheduleOverTrainSteps`).
   */
  totalSteps?: number;
  /** SG: stop the gradient through the target when it is the online branch (SimSiam: true). */
  stopGradient?: boolean;
  /** BN: BatchNorm in the projector's and predictor's hidden layers (default true). */
  batchNorm?: boolean;
  /** BatchNorm on the projector's output (SimSiam's and Barlow Twins' projectors end with BN; default: the method's). */
  outputBatchNorm?: boolean;
  /** μ: weight of VICReg's variance term [v(z₁) + v(z₂)]/2 (default: VICReg 25, the others 0). */
  varianceWeight?: number;
  /** ν: weight of VICReg's covariance term c(z₁) + c(z₂) (default: VICReg 1, the others 0). */
  covarianceWeight?: number;
  /** λ: VICReg's invariance weight (default 25). */
  invarianceWeight?: number;
  /** Barlow Twins' λ on the redundancy term (default 5e-3). */
  lambda?: number;
}

export interface JointEmbeddingResolved {
  inputShape: [number, number, number];
  loss: PairLoss | JointEmbeddingTerm;
  projectionDim: number;
  hiddenDim: number;
  projectorLayers: number;
  predictor: boolean;
  predictorHiddenDim: number;
  momentumEncoder: boolean;
  momentum: number;
  momentumSchedule: boolean;
  totalSteps: number | undefined;
  stopGradient: boolean;
  batchNorm: boolean;
  outputBatchNorm: boolean;
  varianceWeight: number;
  covarianceWeight: number;
  invarianceWeight: number;
  lambda: number;
  batchSize: number;
  seed: number;
}

export interface JointEmbedding<O = JointEmbeddingResolved> extends Method<O> {
  /** g: features → projections. */
  projector: tfl.LayersModel;
  /** q: projections → predictions (when `predictor`). */
  predictorHead?: tfl.LayersModel;
  /** EMA copies (when `momentumEncoder`). */
  targetEncoder?: tfl.LayersModel;
  targetProjector?: tfl.LayersModel;
  /** The two views of step `i` (caller disposes). */
  views(x: tf.Tensor4D, i: number): [tf.Tensor4D, tf.Tensor4D];
  /** z = g(f(x)) in inference mode (caller disposes). */
  project(x: tf.Tensor4D): tf.Tensor2D;
  /** The EMA momentum used after step `i`. */
  momentumAt(i: number): number;
}

/** Per-method defaults the factories pass in. */
export interface JointEmbeddingDefaults {
  loss: PairLoss;
  projectionDim: number;
  projectorLayers: number;
  predictor: boolean;
  /** Default predictor hidden size from the projection size. */
  predictorHidden: (projectionDim: number) => number;
  momentumEncoder: boolean;
  stopGradient: boolean;
  outputBatchNorm: boolean;
  varianceWeight: number;
  covarianceWeight: number;
  batchSize: number;
}

const isBool = (v: unknown) => typeof v === 'boolean';
const nonNeg = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Build a joint-embedding method named `name` from the user's options over the method's defaults. */
export function jointEmbedding(name: string, options: JointEmbeddingOptions, d: JointEmbeddingDefaults): JointEmbedding {
  const where = name;
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, ... }', options);
  const { encoder, inputShape } = resolveEncoder(where, options);
  const k = featureDim(encoder);
  const projectionDim = options.projectionDim ?? d.projectionDim;
  checkInt(where, 'projectionDim', projectionDim);
  const r: JointEmbeddingResolved = {
    inputShape,
    loss: options.loss ?? d.loss,
    projectionDim,
    hiddenDim: options.hiddenDim ?? Math.max(k, projectionDim),
    projectorLayers: options.projectorLayers ?? d.projectorLayers,
    predictor: options.predictor ?? d.predictor,
    predictorHiddenDim: options.predictorHiddenDim ?? d.predictorHidden(projectionDim),
    momentumEncoder: options.momentumEncoder ?? d.momentumEncoder,
    momentum: options.momentum ?? 0.996,
    momentumSchedule: options.momentumSchedule ?? true,
    totalSteps: options.totalSteps,
    stopGradient: options.stopGradient ?? d.stopGradient,
    batchNorm: options.batchNorm ?? true,
    outputBatchNorm: options.outputBatchNorm ?? d.outputBatchNorm,
    varianceWeight: options.varianceWeight ?? d.varianceWeight,
    covarianceWeight: options.covarianceWeight ?? d.covarianceWeight,
    invarianceWeight: options.invarianceWeight ?? 25,
    lambda: options.lambda ?? 5e-3,
    batchSize: options.batchSize ?? d.batchSize,
    seed: options.seed ?? 0,
  };
  checkInt(where, 'hiddenDim', r.hiddenDim);
  checkInt(where, 'projectorLayers', r.projectorLayers);
  checkInt(where, 'predictorHiddenDim', r.predictorHiddenDim);
  checkInt(where, 'batchSize', r.batchSize, 2);
  for (const key of ['predictor', 'momentumEncoder', 'momentumSchedule', 'stopGradient', 'batchNorm', 'outputBatchNorm'] as const)
    check(isBool(r[key]), where, key, 'true or false', r[key]);
  check(typeof r.momentum === 'number' && r.momentum >= 0 && r.momentum <= 1, where, 'momentum', 'a number in [0, 1] (the EMA momentum m; BYOL uses 0.996)', r.momentum,
    'pass e.g. momentum: 0.99 (m = 1 freezes the target, m = 0 copies the online network every step)');
  if (r.totalSteps !== undefined) checkInt(where, 'totalSteps', r.totalSteps);
  for (const key of ['varianceWeight', 'covarianceWeight', 'invarianceWeight', 'lambda'] as const)
    check(nonNeg(r[key]), where, key, 'a finite number >= 0 (0 switches the term off)', r[key]);

  const augment: Augment = options.augment ?? simclrAugment({ seed: r.seed });
  const makeProjector = (nm: string) =>
    projectionHead({ inputDim: k, hiddenDim: r.hiddenDim, outputDim: projectionDim, layers: r.projectorLayers, batchNorm: r.batchNorm, outputBatchNorm: r.outputBatchNorm, seed: r.seed + 1000, init: options.init, name: nm });
  const projector = makeProjector(`${name}_projector`);
  const predictorHead = r.predictor
    ? predictionHead({ inputDim: projectionDim, hiddenDim: r.predictorHiddenDim, outputDim: projectionDim, layers: 2, batchNorm: r.batchNorm, seed: r.seed + 2000, init: options.init, name: `${name}_predictor` })
    : undefined;
  let targetEncoder: tfl.LayersModel | undefined;
  let targetProjector: tfl.LayersModel | undefined;
  if (r.momentumEncoder) {
    targetEncoder = cloneArchitecture(encoder);
    targetProjector = makeProjector(`${name}_target_projector`);
    copyWeights(targetEncoder, encoder);
    copyWeights(targetProjector, projector);
  }

  const pairTerm = jointEmbeddingLosses.get(r.loss, where, 'loss');
  const views = (x: tf.Tensor4D, i: number): [tf.Tensor4D, tf.Tensor4D] => [augment(x, viewSeed(r.seed, i, 0)), augment(x, viewSeed(r.seed, i, 1))];
  const momentumAt = (i: number) => scheduledMomentum(r, i);

  const trainable = [encoder, projector, ...(predictorHead ? [predictorHead] : [])];
  const models: Record<string, tfl.LayersModel> = { encoder, projector };
  if (predictorHead) models.predictor = predictorHead;
  if (targetEncoder && targetProjector) Object.assign(models, { targetEncoder, targetProjector });

  type Ctx = { v1: tf.Tensor4D; v2: tf.Tensor4D; t1?: tf.Tensor2D; t2?: tf.Tensor2D };
  const method = makeMethod<JointEmbeddingResolved, Ctx>({
    name,
    encoder,
    models,
    optimizer: resolveOptimizer(options),
    options: r,
    trainable,
    prepare: (x, i) => {
      check(x.shape[0] >= 2, where, 'x', 'a batch of at least 2 images (batch statistics need several samples)', x);
      const [v1, v2] = views(x, i);
      if (!targetEncoder || !targetProjector) return { v1, v2 };
      // the EMA target, outside the gradient tape
      const t = (v: tf.Tensor4D) => targetProjector!.apply(targetEncoder!.apply(v, { training: true }), { training: true }) as tf.Tensor2D;
      return { v1, v2, t1: t(v1), t2: t(v2) };
    },
    loss: (_x, _i, _y, ctx) => {
      const z = (v: tf.Tensor4D) => projector.apply(encoder.apply(v, { training: true }), { training: true }) as tf.Tensor2D;
      const z1 = z(ctx.v1), z2 = z(ctx.v2);
      const o1 = predictorHead ? (predictorHead.apply(z1, { training: true }) as tf.Tensor2D) : z1;
      const o2 = predictorHead ? (predictorHead.apply(z2, { training: true }) as tf.Tensor2D) : z2;
      const target = (zv: tf.Tensor2D) => (r.stopGradient ? sg(zv) : zv);
      const t1 = ctx.t1 ?? target(z1), t2 = ctx.t2 ?? target(z2);
      const terms: tf.Scalar[] = [pairTerm(o1, t2, o2, t1, r)];
      if (r.varianceWeight > 0) terms.push(vicregVarianceTerm(z1, z2, r.varianceWeight));
      if (r.covarianceWeight > 0) terms.push(vicregCovarianceTerm(z1, z2, r.covarianceWeight));
      return (terms.length === 1 ? terms[0]! : tf.addN(terms)) as tf.Scalar;
    },
    after: (i) => {
      if (!targetEncoder || !targetProjector) return;
      const m = momentumAt(i);
      emaUpdate(targetEncoder, encoder, m);
      emaUpdate(targetProjector, projector, m);
    },
  });
  scheduleOverTrainSteps(method, r, options.totalSteps);
  return Object.assign(method, {
    projector,
    predictorHead,
    targetEncoder,
    targetProjector,
    views,
    momentumAt,
    project: (x: tf.Tensor4D) => tf.tidy(() => projector.predict(encoder.predict(x) as tf.Tensor) as tf.Tensor2D),
  });
}
