/**
 * The shared training loop every method uses: runs `step` for a number of steps, reads the losses back to the
 * CPU only every `logEvery` steps (each read is a GPU sync point), shows a progress bar, saves checkpoints
 * every `checkpointEvery` steps and resumes from one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';

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
  /** Called with each read-back loss (after the step that produced it). */
  onLog?: (info: { step: number; loss: number }) => void | Promise<void>;
  /** Called after every `checkpointEvery` steps and at the end, with the next step index and loss history. */
  checkpoint?: (nextStep: number, history: number[]) => Promise<void>;
  checkpointEvery?: number;
  /** A progress display, `false` for none, or `true`/undefined for the default (needs `makeProgress`). */
  progress?: ProgressLike | false;
  /** Stop early (e.g. when the loss is NaN): return true to stop. Default: stop on a non-finite loss. */
  stopWhen?: (loss: number, step: number) => boolean;
}

export interface TrainResult {
  /** One loss value per step (index = step). */
  losses: number[];
  /** Steps run in this call. */
  stepsRun: number;
  seconds: number;
  stepsPerSecond: number;
  /** Why the loop ended: 'done' or 'stopped' (stopWhen fired, e.g. the loss diverged). */
  status: 'done' | 'stopped';
}

export async function trainLoop(o: TrainLoopOptions): Promise<TrainResult> {
  const { steps, step, startStep = 0, logEvery = 10, checkpointEvery = 0, progress = false } = o;
  check(Number.isInteger(steps) && steps >= 0, 'trainLoop', 'steps', 'a non-negative integer', steps);
  check(Number.isInteger(startStep) && startStep >= 0 && startStep <= steps, 'trainLoop', 'startStep', `an integer in [0, steps=${steps}]`, startStep);
  check(Number.isInteger(logEvery) && logEvery > 0, 'trainLoop', 'logEvery', 'a positive integer', logEvery);
  const stopWhen = o.stopWhen ?? ((loss: number) => !Number.isFinite(loss));
  const losses = (o.history ?? []).slice(0, startStep);
  const pending: { step: number; loss: tf.Scalar }[] = [];
  const t0 = performance.now();
  let status: TrainResult['status'] = 'done';
  let i = startStep;

  const flush = async (): Promise<boolean> => {
    let stop = false;
    for (const p of pending) {
      const value = (await p.loss.data())[0]!;
      p.loss.dispose();
      losses[p.step] = value;
      if (progress) progress.update(p.step + 1, { loss: value });
      if (o.onLog) await o.onLog({ step: p.step, loss: value });
      if (stopWhen(value, p.step)) stop = true;
    }
    pending.length = 0;
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
