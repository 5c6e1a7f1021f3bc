/**
 * The method pattern (docs/architecture.md, "Methods"): every trainer in lib/methods (and lib/classical's
 * autoencoders) is a factory returning a {@link Method} — a {@link Trainable} plus the `encoder` to evaluate, a `loss`
 * without update, `train(data, options)` (= {@link fit}: seeded batches, progress bar, loss history, checkpoint
 * save/resume) and `dispose()` — assembled from its parts by {@link makeMethod}. It lives in lib/train so that any
 * folder above train can build a method without importing lib/methods.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mixSeed } from '../augment/transform.js';
import { check } from '../util/errors.js';
import type { ImageSource } from './batches.js';
import { fit, type FitOptions, type Trainable } from './fit.js';
import type { TrainResult } from './loop.js';

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

export interface MethodSpec<O, C extends tf.TensorContainer = void> {
  name: string;
  encoder: tfl.LayersModel;
  /** Every model to checkpoint (`encoder` is added under that key if missing). */
  models: Record<string, tfl.LayersModel>;
  optimizer: tf.Optimizer;
  state?: Record<string, tf.Variable>;
  options: O & { batchSize: number };
  /**
   * [H, W, C] of the images `step` and `loss` take; a batch of another shape is refused with an error naming both
   * shapes and the fix. Default: `options.inputShape` when the options have one (every image method's resolved
   * options do); no check when neither is given (e.g. a text model).
   */
  inputShape?: readonly number[];
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

/** `options.inputShape` when it is a list of positive integers (the images a method was built for), else undefined. */
function optionsInputShape(options: unknown): readonly number[] | undefined {
  const s = (options as { inputShape?: unknown } | null)?.inputShape;
  return Array.isArray(s) && s.length > 0 && s.every((d) => Number.isInteger(d) && d > 0) ? (s as number[]) : undefined;
}

/**
 * Refuse a batch `x` whose image shape is not `expected` ([H, W, C]): a method built for H×W images would otherwise
 * train on other sizes without a word (a fully convolutional encoder accepts them) or fail deep inside a kernel.
 */
export function checkImageBatch(where: string, x: tf.Tensor, expected: readonly number[]): void {
  check(x instanceof tf.Tensor, where, 'x', `a batch of images [N, ${expected.join(', ')}]`, x);
  const given = x.shape.slice(1);
  if (given.length === expected.length && given.every((d, k) => d === expected[k])) return;
  const [h, w, c] = expected;
  const sizeFix = expected.length === 3 && given.length === 3 && (given[0] !== h || given[1] !== w) ? `resize the images to ${h}×${w} (lib/augment resizeImages(set, [${h}, ${w}]))` : undefined;
  const channelFix = expected.length === 3 && given.length === 3 && given[2] !== c ? `give images with ${c} channel${c === 1 ? ' (lib/data toGrayscale(set))' : 's'}` : undefined;
  const fixes = [sizeFix, channelFix].filter((f) => f !== undefined);
  check(false, where, 'x', `images [N, ${expected.join(', ')}] (the inputShape the method was built for)`, x,
    `${fixes.length ? fixes.join(' and ') : `give images [N, ${expected.join(', ')}]`}, or build the method for these images with inputShape: [${given.join(', ')}]`);
}

/**
 * Assemble a {@link Method} from its parts (see docs/architecture.md, "Methods"). Its `step` and `loss` refuse a batch
 * of images of another shape than `spec.inputShape` (default `options.inputShape`), with {@link checkImageBatch}.
 */
export function makeMethod<O, C extends tf.TensorContainer = void>(spec: MethodSpec<O, C>): Method<O> {
  const models = { encoder: spec.encoder, ...spec.models };
  const inputShape = spec.inputShape ?? optionsInputShape(spec.options);
  // Recomputed every step: freezing a layer (lib/transfer) changes what is trainable.
  const variables = () => spec.trainable.flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
  const run = <T>(x: tf.Tensor4D, i: number, y: tf.Tensor1D | undefined, body: (ctx: C) => T): T => {
    if (inputShape) checkImageBatch(spec.name, x, inputShape);
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
