/**
 * The shared training loop every method uses: runs `step` for a number of steps, reads the losses back to the
 * CPU only every `logEvery` steps (each read is a GPU sync point), shows a progress bar, saves checkpoints
 * every `checkpointEvery` steps and resumes from one.
 *
 * Divergence: the per-step losses since the last read are kept as scalar tensors; every `logEvery` steps they are
 * stacked into one small tensor and read in one go (one GPU sync per `logEvery` steps, none extra). When a value
 * is NaN or ±Infinity the loop shows it on the progress bar and throws a {@link NonFiniteLossError} naming the
 * first non-finite step and the last finite loss; no checkpoint is written after that step (a checkpoint is only
 * written right after a read that found every loss finite, and `saveCheckpoint` refuses non-finite weights).
 *
 * Weights: a loss can stay finite while the weights are NaN (on wasm, a NaN image leaves SimCLR's loss at chance,
 * ln(2N − 1), with every encoder weight NaN). With `weights`, each read also counts the NaN/±Infinity values of every watched weight — one
 * fused reduction, stacked with the losses into the same read, so still one sync per `logEvery` steps — and throws a
 * {@link NonFiniteTrainingWeightsError} naming the step of the read and the weights at fault (a second read, on
 * that error path only, finds which).
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { type NamedWeight, nonFiniteCount, NonFiniteLossError, NonFiniteTrainingWeightsError, nonFiniteWeights } from './diverged.js';

/** What the loop needs from a progress display (lib/viz's ProgressBar implements it). */
export interface ProgressLike {
  update(step: number, metrics: Record<string, number>): void;
  done(): string | void;
}

export interface TrainLoopOptions {
  /** Total number of optimisation steps (the loop runs steps startStep .. steps-1). */
  steps: number;
  /** One optimisation step; returns the loss as a scalar tensor (the loop reads and disposes it). */
  step: (i: number) => tf.Scalar | Promise<tf.Scalar>;
  /** Resume from this step (e.g. from a checkpoint). Default 0. */
  startStep?: number;
  /** Loss values already recorded before startStep (kept in the returned history). */
  history?: number[];
  /** Read losses back every n steps (default 10, and always at the end). */
  logEvery?: number;
  /**
   * Called once for every step's loss, in order, when the losses are read back (every `logEvery` steps: the calls of
   * a read come together). For work every n steps (an evaluation), test `(step + 1) % n === 0` in the callback.
   */
  onLog?: (info: { step: number; loss: number }) => void | Promise<void>;
  /** Called after every `checkpointEvery` steps and at the end, with the next step index and loss history. */
  checkpoint?: (nextStep: number, history: number[]) => Promise<void>;
  checkpointEvery?: number;
  /** A progress display, `false` for none, or `true`/undefined for the default (needs `makeProgress`). */
  progress?: ProgressLike | false;
  /**
   * Stop early on a finite loss (e.g. a target reached): return true to stop, the result's status is then
   * 'stopped'. Checked at each read (every `logEvery` steps). A non-finite loss never reaches it: it throws a
   * {@link NonFiniteLossError}.
   */
  stopWhen?: (loss: number, step: number) => boolean;
  /**
   * The weights to check for NaN/±Infinity at each read (`fit` passes every weight of the method's models and its
   * state: lib/train `watchedWeights`). Called at each read, so freezing or swapping layers is seen. Default: none.
   */
  weights?: () => readonly NamedWeight[];
}

export interface TrainResult {
  /** One loss value per step (index = step). */
  losses: number[];
  /** Steps run in this call. */
  stepsRun: number;
  seconds: number;
  stepsPerSecond: number;
  /** Why the loop ended: 'done' or 'stopped' (`stopWhen` fired). A diverged loss throws instead. */
  status: 'done' | 'stopped';
}

export async function trainLoop(o: TrainLoopOptions): Promise<TrainResult> {
  const { steps, step, startStep = 0, logEvery = 10, checkpointEvery = 0, progress = false } = o;
  check(Number.isInteger(steps) && steps >= 0, 'trainLoop', 'steps', 'a non-negative integer', steps);
  check(Number.isInteger(startStep) && startStep >= 0 && startStep <= steps, 'trainLoop', 'startStep', `an integer in [0, steps=${steps}]`, startStep);
  check(Number.isInteger(logEvery) && logEvery > 0, 'trainLoop', 'logEvery', 'a positive integer', logEvery);
  const stopWhen = o.stopWhen;
  const losses = (o.history ?? []).slice(0, startStep);
  const pending: { step: number; loss: tf.Scalar }[] = [];
  const t0 = performance.now();
  let status: TrainResult['status'] = 'done';
  let i = startStep;
  /** The step after which the last weight check found every weight finite. */
  let weightsFiniteAfter: number | undefined;

  /** The last finite loss before `step` (this run's or the resumed history's). */
  const lastFiniteBefore = (step: number): { step: number; loss: number } | undefined => {
    for (let s = step - 1; s >= 0; s--) if (typeof losses[s] === 'number' && Number.isFinite(losses[s])) return { step: s, loss: losses[s]! };
    return undefined;
  };

  /**
   * Read the pending losses and the watched weights' non-finite count (one stacked read), record the losses; throws
   * at the first non-finite loss, then if a weight is not finite.
   */
  const flush = async (): Promise<boolean> => {
    if (pending.length === 0) return false;
    const batch = pending.splice(0, pending.length);
    const watched = o.weights ? o.weights() : [];
    let values: Float32Array;
    try {
      const stacked = tf.tidy(() =>
        tf.concat([...batch.map((p) => tf.reshape(tf.cast(p.loss, 'float32'), [1])), ...(watched.length ? [tf.reshape(nonFiniteCount(watched), [1])] : [])]),
      );
      try {
        values = (await stacked.data()) as Float32Array;
      } finally {
        stacked.dispose();
      }
    } finally {
      tf.dispose(batch.map((p) => p.loss));
    }
    let stop = false;
    for (let k = 0; k < batch.length; k++) {
      const s = batch[k]!.step;
      const value = values[k]!;
      if (!Number.isFinite(value)) {
        if (progress) progress.update(s + 1, { loss: value });
        throw new NonFiniteLossError('trainLoop', s, value, lastFiniteBefore(s));
      }
      losses[s] = value;
      if (progress) progress.update(s + 1, { loss: value });
      if (o.onLog) await o.onLog({ step: s, loss: value });
      if (stopWhen && stopWhen(value, s)) stop = true;
    }
    const last = batch[batch.length - 1]!.step;
    if (watched.length && values[batch.length]! > 0) {
      const bad = await nonFiniteWeights(watched);
      if (progress) progress.update(last + 1, { 'non-finite weights': values[batch.length]! });
      throw new NonFiniteTrainingWeightsError('trainLoop', last, bad, weightsFiniteAfter, losses[last]);
    }
    if (watched.length) weightsFiniteAfter = last;
    return stop;
  };

  try {
    for (; i < steps; i++) {
      const loss = await step(i);
      check(loss instanceof tf.Tensor && loss.size === 1, 'trainLoop', 'step', 'a function returning the loss as a scalar tensor', loss);
      pending.push({ step: i, loss: tf.keep(loss) as tf.Scalar });
      const last = i === steps - 1;
      if ((i + 1 - startStep) % logEvery === 0 || last) {
        if (await flush()) {
          status = 'stopped';
          i++;
          break;
        }
      }
      if (o.checkpoint && checkpointEvery > 0 && (i + 1) % checkpointEvery === 0 && !last) {
        await flush();
        await o.checkpoint(i + 1, losses);
      }
    }
    await flush();
    if (o.checkpoint) await o.checkpoint(i, losses);
  } finally {
    tf.dispose(pending.map((p) => p.loss));
    if (progress) progress.done();
  }
  const seconds = (performance.now() - t0) / 1000;
  const stepsRun = i - startStep;
  return { losses, stepsRun, seconds, stepsPerSecond: stepsRun / Math.max(seconds, 1e-9), status };
}
