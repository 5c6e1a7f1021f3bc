/**
 * `fit`: train any method (anything with `models`, an `optimizer` and a `step`) on an image set, with seeded
 * batches, the progress bar, loss history, and checkpoint save/resume. Every method in lib/methods exposes a
 * `train(data, options)` that calls this.
 *
 * Divergence (lib/train/loop.ts): a non-finite loss, or weights that went NaN/±Infinity while the loss stayed finite
 * (every weight of `models` and `state` is checked with each loss read, in the same read), end the run with an error
 * naming the step — never status 'done'.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { check } from '../util/errors.js';
import { removeStaleTemporaries } from '../util/fs.js';
import { BatchStream, gather, type ImageSource } from './batches.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import { watchedWeights } from './diverged.js';
import { checkLabelValues, type LabelRules } from '../util/labels.js';
import { type ProgressLike, trainLoop, type TrainResult } from './loop.js';
import { ProgressBar } from '../viz/progress.js';
import type { BatchSampler, BatchSamplerFactory } from './samplers.js';

/** What `fit` needs from a method. */
export interface Trainable {
  /** Name for the progress bar and checkpoints, e.g. 'simclr'. */
  name: string;
  /** Every model whose weights the checkpoint must hold (online, target/EMA, heads...). */
  models: Record<string, tfl.LayersModel>;
  optimizer: tf.Optimizer;
  /** Non-model state to checkpoint (MoCo's queue, DINO's centre...). */
  state?: Record<string, tf.Variable>;
  /** One optimisation step on a batch x [N,H,W,C] in [0,1] (labels y for supervised methods); returns the loss. */
  step(x: tf.Tensor4D, i: number, y: tf.Tensor1D): tf.Scalar | Promise<tf.Scalar>;
  /**
   * What the step needs of the labels (e.g. `{ numClasses: 10 }` for a classifier): `fit` checks the whole
   * data set's labels once before the first step — they are a JS array on the CPU, so this costs no GPU read —
   * instead of each step reading its batch's labels back from the device.
   */
  labels?: LabelRules;
  /**
   * Small JSON state a resumed run needs besides the weights, the optimizer and `state` (e.g. the length of BYOL's
   * and DINO's momentum schedule): `save()` is stored in every checkpoint (`extra.methodState`), and `restore` gets
   * it back with the checkpoint's step when `fit` resumes, before the first step.
   */
  resumeState?: {
    save(): Record<string, unknown>;
    restore(saved: Record<string, unknown>, step: number): void;
  };
}

let progressByDefault = true;

/**
 * Whether `fit` (and the learners built on it) show a progress bar when the options do not say (default true).
 * The test suite turns it off once (test/setup.ts); a notebook or script passes `progress: false` per call.
 */
export function setDefaultProgress(enabled: boolean): void {
  check(typeof enabled === 'boolean', 'setDefaultProgress', 'enabled', 'true or false', enabled);
  progressByDefault = enabled;
}

/** The progress option resolved: the given one, else a ProgressBar labelled `label` (unless turned off by default). */
export function resolveProgress(given: ProgressLike | false | undefined, total: number, label: string): ProgressLike | false {
  if (given !== undefined) return given;
  return progressByDefault ? new ProgressBar({ total, label }) : false;
}

export interface FitOptions {
  steps: number;
  batchSize: number;
  /** Seed of the batch order (default 0). */
  seed?: number;
  /** Progress display; default: a lib/viz ProgressBar labelled with the method's name (see setDefaultProgress); `false` for none. */
  progress?: ProgressLike | false;
  /**
   * Save a checkpoint here (atomically) every `checkpointEvery` steps and at the end. At the start, `fit` removes the
   * temporary files that killed saves left in its folder (lib/util `removeStaleTemporaries`: only our own names, of
   * processes that are gone).
   */
  checkpointPath?: string;
  checkpointEvery?: number;
  /**
   * How many checkpoints to keep (default 2): `checkpointPath` (the newest) and `checkpointPath.1` (the one
   * before), ... `checkpointPath.{K-1}`. Resume reads `checkpointPath`; rename an older one to go back further.
   */
  keepCheckpoints?: number;
  /** Continue from `checkpointPath` if it exists (default true when a path is given). */
  resume?: boolean;
  logEvery?: number;
  onLog?: (info: { step: number; loss: number }) => void | Promise<void>;
  /**
   * Which examples make each batch (lib/train/samplers.ts), e.g. `classBalancedSampler({ classesPerBatch: 8,
   * perClass: 4 })` for metric learning's K×M batches; default: seeded epochs of `batchSize` (`BatchStream`).
   */
  sampler?: BatchSamplerFactory;
}

export async function fit(method: Trainable, data: ImageSource, o: FitOptions): Promise<TrainResult> {
  check(method && typeof method.step === 'function', 'fit', 'method', 'an object with models, optimizer and step()', method);
  check(o !== null && typeof o === 'object', 'fit', 'options', 'an object { steps, batchSize, ... }', o);
  const sampler: BatchSampler = o.sampler ? o.sampler(data, { steps: o.steps, batchSize: o.batchSize, seed: o.seed ?? 0 }) : new BatchStream(data, o.batchSize, o.seed ?? 0);
  if (method.labels) checkLabelValues('fit', 'data.labels', data.labels, method.labels, 'the training set');
  const keep = o.keepCheckpoints ?? 2;
  check(Number.isInteger(keep) && keep >= 1, 'fit', 'keepCheckpoints', 'an integer >= 1', keep);
  let startStep = 0;
  let history: number[] = [];
  const ckptState = () => ({ models: method.models, optimizer: method.optimizer, tensors: method.state });
  // A save killed midway left its temporary file beside the checkpoint: remove it now, at the start, rather than
  // only at the next save (which may be many steps away, or never come if this run fails first).
  if (o.checkpointPath) removeStaleTemporaries(dirname(o.checkpointPath), Date.now());
  if (o.checkpointPath && (o.resume ?? true) && existsSync(o.checkpointPath)) {
    const { step, extra } = await loadCheckpoint(o.checkpointPath, ckptState());
    startStep = Math.min(step, o.steps);
    history = Array.isArray(extra.losses) ? (extra.losses as number[]) : [];
    const saved = extra.methodState;
    if (method.resumeState && saved !== null && typeof saved === 'object' && !Array.isArray(saved)) method.resumeState.restore(saved as Record<string, unknown>, step);
  }
  return trainLoop({
    steps: o.steps,
    startStep,
    history,
    logEvery: o.logEvery,
    onLog: o.onLog,
    progress: resolveProgress(o.progress, o.steps, method.name),
    // every weight a checkpoint would hold is checked with each loss read (no extra sync): a run never ends 'done'
    // with weights that saveCheckpoint would refuse
    weights: () => watchedWeights(method.models, method.state),
    checkpointEvery: o.checkpointEvery ?? 0,
    checkpoint: o.checkpointPath
      ? (next, losses) => saveCheckpoint(o.checkpointPath!, {
        step: next, ...ckptState(), extra: { method: method.name, losses, ...(method.resumeState ? { methodState: method.resumeState.save() } : {}) },
      }, { keep })
      : undefined,
    step: async (i) => {
      const { x, y } = gather(data, sampler.indices(i));
      try {
        return await method.step(x, i, y);
      } finally {
        x.dispose();
        y.dispose();
      }
    },
  });
}
