/**
 * The method pattern shared by every file in lib/methods (docs/architecture.md, "Methods"): a factory takes one
 * typed options object and returns a {@link Method} — a lib/train `Trainable` plus the `encoder` to evaluate, a
 * `loss` without update, `train(data, options)` (lib/train `fit`: seeded batches, progress bar, loss history,
 * checkpoint save/resume) and `dispose()`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mixSeed } from '../augment/transform.js';
import { cosineMomentum } from '../models/ema.js';
import { smallCnn } from '../models/encoders.js';
export { cloneArchitecture } from '../transfer/surgery.js';
import { fit, type FitOptions, type Trainable } from '../train/fit.js';
import type { ImageSource } from '../train/batches.js';
import type { TrainResult } from '../train/loop.js';
import { makeOptimizer } from '../train/optimizers.js';
import { check } from '../util/errors.js';

/** A view generator: batched, seeded, x [N,H,W,C] in [0,1] → a new tensor (lib/augment's transforms fit). */
export type Augment = (x: tf.Tensor4D, seed: number) => tf.Tensor4D;

/** Options every method factory accepts (a method adds its own). */
export interface MethodOptions {
  /** [H, W, C] of the training images; required unless `encoder` is given. */
  inputShape?: [number, number, number];
  /** The backbone f: [N,H,W,C] → [N,K] (default: smallCnn({ inputShape, widths, seed })). */
  encoder?: tfl.LayersModel;
  /** smallCnn widths when the factory builds the encoder (default [32, 64, 128]). */
  widths?: number[];
  /** Adam's learning rate (default 1e-3; ignored when `optimizer` is given). */
  learningRate?: number;
  optimizer?: tf.Optimizer;
  /** Default batch size of `train` (default: the method's). */
  batchSize?: number;
  /** View generator (default: the method's, e.g. simclrAugment()). */
  augment?: Augment;
  /** Weight initialisation and augmentation seed (default 0). */
  seed?: number;
}

/** `fit`'s options with the batch size optional (it defaults to the method's `batchSize`). */
export type MethodTrainOptions = Omit<FitOptions, 'batchSize'> & { batchSize?: number };

/** What a method factory returns. */
export interface Method<O = unknown> extends Trainable {
  name: string;
  /** f: x → h, the representation evaluation uses (linear probe, kNN, transfer). */
  encoder: tfl.LayersModel;
  models: Record<string, tfl.LayersModel>;
  optimizer: tf.Optimizer;
  state?: Record<string, tf.Variable>;
  /** The resolved options (defaults filled in). */
  options: Readonly<O>;
  /** The training loss on a batch without any update (BatchNorm in training mode; caller disposes). */
  loss(x: tf.Tensor4D, i?: number, y?: tf.Tensor1D): tf.Scalar;
  /** One optimisation step; returns the loss (caller disposes). */
  step(x: tf.Tensor4D, i: number, y?: tf.Tensor1D): tf.Scalar;
  /** Train on a set of images with lib/train's fit. */
  train(data: ImageSource, options: MethodTrainOptions): Promise<TrainResult>;
  /** Free every model, the optimizer's state and the method's variables. */
  dispose(): void;
}

/** The seed of view `view` at training step `step`: a function of the step (not a running RNG) so resume is exact. */
export function viewSeed(seed: number, step: number, view = 0): number {
  return mixSeed(mixSeed(seed, step), view + 1);
}

/**
 * The one training view of step `step` for the single-view methods (supervised, colorization, inpainting):
 * augment(x, viewSeed(seed, step)), or a copy of x when there is no augmentation — a new tensor either way, so the
 * step can dispose it with the rest of `prepare`'s context without freeing the caller's batch.
 */
export function singleView(augment: Augment | undefined, x: tf.Tensor4D, seed: number, step: number): tf.Tensor4D {
  return augment ? augment(x, viewSeed(seed, step)) : tf.clone(x);
}

/** The resolved options of an EMA target on BYOL's cosine momentum schedule (BYOL and its ablations, DINO). */
export interface MomentumSchedule {
  /** Base EMA momentum m. */
  momentum: number;
  /** Cosine schedule of m from `momentum` to 1 over `totalSteps` (else m stays constant). */
  momentumSchedule: boolean;
  /** Length of the schedule; filled from `train`'s `steps` by {@link scheduleOverTrainSteps} unless given. */
  totalSteps: number | undefined;
}

/** The EMA momentum used after step `i`: cosineMomentum(m, i, totalSteps) when scheduled and the length is known, else m. */
export function scheduledMomentum(r: MomentumSchedule, i: number): number {
  return r.momentumSchedule && r.totalSteps !== undefined ? cosineMomentum(r.momentum, i, r.totalSteps) : r.momentum;
}

/**
 * The momentum schedule needs the run's length: unless the user gave `totalSteps`, make `method.train` take it from
 * the `steps` of each call before training.
 */
export function scheduleOverTrainSteps(method: Method<unknown>, r: MomentumSchedule, givenTotalSteps: number | undefined): void {
  const train = method.train;
  method.train = (data, o) => {
    if (givenTotalSteps === undefined) r.totalSteps = o.steps;
    return train(data, o);
  };
}

/** The encoder from the options (given, or a new smallCnn) and its input shape. */
export function resolveEncoder(where: string, o: MethodOptions): { encoder: tfl.LayersModel; inputShape: [number, number, number] } {
  if (o.encoder !== undefined) {
    check(typeof o.encoder === 'object' && typeof (o.encoder as tfl.LayersModel).apply === 'function' && Array.isArray(o.encoder.inputs), where, 'encoder',
      'a tfjs-layers model [N,H,W,C] → [N,K]', o.encoder);
    const shape = o.encoder.inputs[0]!.shape.slice(1) as number[];
    check(shape.length === 3 && shape.every((d) => Number.isInteger(d)), where, 'encoder', 'a model taking images [N,H,W,C] with a fixed size', shape);
    return { encoder: o.encoder, inputShape: shape as [number, number, number] };
  }
  const s = o.inputShape;
  check(Array.isArray(s) && s.length === 3 && s.every((d) => Number.isInteger(d) && d > 0), where, 'inputShape', '[height, width, channels] of the training images',
    s, 'pass inputShape: [set.height, set.width, set.channels], or an encoder');
  return { encoder: smallCnn({ inputShape: s!, widths: o.widths, seed: o.seed ?? 0, name: `${where}_encoder` }), inputShape: s! };
}

/** The optimizer from the options. */
export function resolveOptimizer(o: MethodOptions): tf.Optimizer {
  return o.optimizer ?? makeOptimizer({ learningRate: o.learningRate ?? 1e-3 });
}

export interface MethodSpec<O, C extends tf.TensorContainer = void> {
  name: string;
  encoder: tfl.LayersModel;
  /** Every model to checkpoint (`encoder` is added under that key if missing). */
  models: Record<string, tfl.LayersModel>;
  optimizer: tf.Optimizer;
  state?: Record<string, tf.Variable>;
  options: O & { batchSize: number };
  /** Models the optimizer updates (never EMA/target copies). */
  trainable: tfl.LayersModel[];
  /** Tensors computed before the gradient tape (targets, keys: no gradient); disposed after the step. */
  prepare?: (x: tf.Tensor4D, i: number, y?: tf.Tensor1D) => C;
  /** The loss, built inside the tape. */
  loss: (x: tf.Tensor4D, i: number, y: tf.Tensor1D | undefined, ctx: C) => tf.Scalar;
  /** After the update (EMA of a target, pushing keys into a queue). */
  after?: (i: number, ctx: C) => void;
  /** Extra clean-up in dispose (variables in `state` are disposed already). */
  dispose?: () => void;
}

/** Assemble a {@link Method} from its parts (see docs/architecture.md, "Methods"). */
export function makeMethod<O, C extends tf.TensorContainer = void>(spec: MethodSpec<O, C>): Method<O> {
  const models = { encoder: spec.encoder, ...spec.models };
  // Recomputed every step: freezing a layer (lib/transfer) changes what is trainable.
  const variables = () => spec.trainable.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
  const run = <T>(x: tf.Tensor4D, i: number, y: tf.Tensor1D | undefined, body: (ctx: C) => T): T => {
    const ctx = (spec.prepare ? tf.tidy(() => spec.prepare!(x, i, y)) : undefined) as C;
    try {
      return body(ctx);
    } finally {
      if (ctx !== undefined) tf.dispose(ctx);
    }
  };
  const method: Method<O> = {
    name: spec.name,
    encoder: spec.encoder,
    models,
    optimizer: spec.optimizer,
    state: spec.state,
    options: spec.options,
    loss: (x, i = 0, y) => run(x, i, y, (ctx) => tf.tidy(() => spec.loss(x, i, y, ctx))),
    step: (x, i, y) =>
      run(x, i, y, (ctx) => {
        const loss = spec.optimizer.minimize(() => spec.loss(x, i, y, ctx), true, variables());
        check(loss !== null, spec.name, 'loss', 'a scalar loss', loss);
        if (spec.after) tf.tidy(() => spec.after!(i, ctx));
        return loss!;
      }),
    train: (data, o) => fit(method, data, { ...o, batchSize: o.batchSize ?? spec.options.batchSize }),
    dispose: () => {
      const seen = new Set<tfl.LayersModel>();
      for (const m of Object.values(models)) if (!seen.has(m)) (seen.add(m), m.dispose());
      spec.optimizer.dispose();
      for (const v of Object.values(spec.state ?? {})) v.dispose();
      spec.dispose?.();
    },
  };
  return method;
}

