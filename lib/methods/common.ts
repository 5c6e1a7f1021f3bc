/**
 * Helpers shared by the files of lib/methods (docs/architecture.md, "Methods"): the options every factory accepts,
 * the encoder and optimizer they resolve from them, the single training view and BYOL's momentum schedule. The
 * {@link Method} shape, `makeMethod` and `viewSeed` are lib/train/method.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cosineMomentum } from '../models/ema.js';
import { smallCnn } from '../models/encoders.js';
import type { InitScheme } from '../models/layers.js';
export { cloneArchitecture } from '../transfer/surgery.js';
import { type Method, viewSeed } from '../train/method.js';
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
  /**
   * Weight initialisation of the encoder the factory builds and of the method's heads (projector, predictor, DINO's
   * MLP; SwAV's prototypes and DINO's last layer keep their own): 'he' (default) or 'torch' (PyTorch's; lib/models/layers.ts `InitScheme` says why it learns more per step).
   */
  init?: InitScheme;
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
 * The momentum schedule needs the run's length. Unless the user gave `totalSteps`:
 * - `method.train` takes it from the `steps` of each call, before training;
 * - it is stored in every checkpoint (`extra.methodState.momentumSchedule.totalSteps`, lib/train `resumeState`), and a
 *   resumed run takes it back from there while the checkpoint lies inside that schedule (its step < the length): an
 *   interrupted run continues the schedule it started with, whatever `steps` the resuming call passes (resuming to
 *   an intermediate step, or through `fit` directly, which sets no length) — so it equals the uninterrupted run.
 *   A checkpoint at or past the end of its schedule (a finished run, now trained longer) takes the new call's
 *   `steps`, as a fresh run does; pass `totalSteps` to the factory to fix the length explicitly.
 */
export function scheduleOverTrainSteps(method: Method<unknown>, r: MomentumSchedule, givenTotalSteps: number | undefined): void {
  const train = method.train;
  method.train = (data, o) => {
    if (givenTotalSteps === undefined) r.totalSteps = o.steps;
    return train(data, o);
  };
  method.resumeState = {
    save: () => ({ momentumSchedule: { totalSteps: r.totalSteps ?? null } }),
    restore: (saved, step) => {
      const s = saved.momentumSchedule as { totalSteps?: unknown } | undefined;
      if (s === undefined || s === null || s.totalSteps === null || s.totalSteps === undefined) return;
      check(Number.isInteger(s.totalSteps) && (s.totalSteps as number) > 0, method.name, 'checkpoint extra.methodState.momentumSchedule.totalSteps',
        'a positive integer (the momentum schedule\'s length)', s.totalSteps, 'the checkpoint was altered: resume from another one (fit keeps path.1), or pass totalSteps to the factory');
      if (givenTotalSteps === undefined && step < (s.totalSteps as number)) r.totalSteps = s.totalSteps as number;
    },
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
  return { encoder: smallCnn({ inputShape: s!, widths: o.widths, seed: o.seed ?? 0, init: o.init, name: `${where}_encoder` }), inputShape: s! };
}

/** The optimizer from the options. */
export function resolveOptimizer(o: MethodOptions): tf.Optimizer {
  return o.optimizer ?? makeOptimizer({ learningRate: o.learningRate ?? 1e-3 });
}

