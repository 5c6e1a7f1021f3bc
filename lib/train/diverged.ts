/**
 * The errors a training run ends with when it diverges, and the check behind the second one:
 * - {@link NonFiniteLossError}: the loss stops being a finite number (NaN or ±Infinity); it names the first step
 *   whose loss was not finite and the last finite loss before it, so the cause can be looked for at the right place
 *   (a NaN image in that batch, a learning rate that blew up a few steps earlier).
 * - {@link NonFiniteTrainingWeightsError}: the weights hold NaN or ±Infinity while the loss stays finite (a loss can:
 *   SimCLR's sits at chance, ln(2N − 1), once every embedding is NaN); it names the step after which the weights
 *   were found non-finite and which weights ('model key/weight name').
 * Both extend {@link TrainingDivergedError} (`where`, `step`). The weights are checked by {@link nonFiniteCount}: one
 * fused reduction over every weight, read together with the losses (lib/train/loop.ts), so it costs no extra sync.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { formatNumber } from '../notebook/format.js';

const FIX = 'Fix: look for NaN or Inf in the inputs of that batch (e.g. a NaN pixel), lower the learning rate, or resume from the last checkpoint.';

/** A training run that diverged: what {@link NonFiniteLossError} and {@link NonFiniteTrainingWeightsError} share. */
export class TrainingDivergedError extends Error {
  constructor(
    /** Where it was detected ('trainLoop', 'fit', ...). */
    readonly where: string,
    /** The step (counting from 0, the index into `TrainResult.losses`) at which the run was found diverged. */
    readonly step: number,
    message: string,
  ) {
    super(message);
    this.name = 'TrainingDivergedError';
  }
}

/** The loss of a step was NaN or ±Infinity; `step` is the first such step. */
export class NonFiniteLossError extends TrainingDivergedError {
  constructor(
    where: string,
    /** The first step (counting from 0, the index into `TrainResult.losses`) whose loss was not finite. */
    step: number,
    /** The value read at that step: NaN, Infinity or -Infinity. */
    readonly value: number,
    /** The last finite loss before it and its step (undefined when no step before it had a finite loss). */
    readonly lastFinite: { step: number; loss: number } | undefined,
  ) {
    super(
      where,
      step,
      `${where}: the loss is ${value} at step ${step} (the first non-finite step, counting from 0 as in TrainResult.losses); ` +
        (lastFinite ? `the last finite loss was ${formatNumber(lastFinite.loss)} at step ${lastFinite.step}.` : 'no earlier step had a finite loss.') +
        ` Training stopped; no checkpoint was written after it. ${FIX}`,
    );
    this.name = 'NonFiniteLossError';
  }
}

/** A weight to watch for divergence, named for the error message: 'model key/weight name', e.g. 'encoder/conv1/kernel'. */
export interface NamedWeight {
  name: string;
  tensor: tf.Tensor;
}

/**
 * Every weight of `models` (trainable ones and BatchNorm statistics: what a checkpoint holds), each variable once,
 * named 'key/weight name', then the extra state variables named 'state/key' (MoCo's queue, DINO's centre).
 */
export function watchedWeights(models: Record<string, tfl.LayersModel>, state: Record<string, tf.Variable> = {}): NamedWeight[] {
  const seen = new Set<tf.Tensor>();
  const out: NamedWeight[] = [];
  const add = (name: string, tensor: tf.Tensor) => {
    if (seen.has(tensor) || tensor.dtype !== 'float32') return;
    seen.add(tensor);
    out.push({ name, tensor });
  };
  for (const [key, model] of Object.entries(models)) for (const w of model.weights) add(`${key}/${w.name}`, w.read());
  for (const [key, v] of Object.entries(state)) add(`state/${key}`, v);
  return out;
}

/**
 * How many values of `weights` are NaN or ±Infinity, as a float32 scalar: one fused reduction (no read; call it
 * inside tf.tidy or dispose the result). The training loop reads it together with the losses.
 */
export function nonFiniteCount(weights: readonly NamedWeight[]): tf.Scalar {
  return tf.tidy(() => {
    if (weights.length === 0) return tf.scalar(0);
    const counts = weights.map((w) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(w.tensor)), 'float32')));
    return (counts.length === 1 ? counts[0]! : tf.addN(counts)) as tf.Scalar;
  });
}

/** The weights holding NaN or ±Infinity, with how many of their values are (one read: for the error message only). */
export async function nonFiniteWeights(weights: readonly NamedWeight[]): Promise<{ name: string; count: number; size: number }[]> {
  if (weights.length === 0) return [];
  const counts = tf.tidy(() => tf.stack(weights.map((w) => tf.sum(tf.cast(tf.logicalNot(tf.isFinite(w.tensor)), 'float32')))));
  try {
    const values = await counts.data();
    return weights.flatMap((w, i) => (values[i]! > 0 ? [{ name: w.name, count: values[i]!, size: w.tensor.size }] : []));
  } finally {
    counts.dispose();
  }
}

/**
 * The weights hold NaN or ±Infinity although the loss is still finite. Weights are checked at each loss read-back
 * (every `logEvery` steps), so `step` is the step after which they were found non-finite, and `lastCheckedFinite`
 * the step after which the previous read found them finite: they went non-finite in between.
 */
export class NonFiniteTrainingWeightsError extends TrainingDivergedError {
  constructor(
    where: string,
    /** The step after which the weights were found non-finite (the last step of the read-back). */
    step: number,
    /** The weights at fault ('model key/weight name') and how many of their values are not finite. */
    readonly weights: { name: string; count: number; size: number }[],
    /** The step after which the previous check found every weight finite (undefined: none in this run). */
    readonly lastCheckedFinite: number | undefined,
    /** The last loss read (finite). */
    readonly lastLoss: number | undefined,
  ) {
    const shown = weights.slice(0, 4).map((w) => `${w.name} (${w.count} of ${w.size} values)`).join(', ');
    const more = weights.length > 4 ? ` and ${weights.length - 4} more` : '';
    super(
      where,
      step,
      `${where}: the weights hold NaN or Infinity after step ${step} although the loss stayed finite` +
        (lastLoss !== undefined ? ` (${formatNumber(lastLoss)} at step ${step})` : '') +
        `: ${shown}${more}. ` +
        (lastCheckedFinite !== undefined ? `They were finite after step ${lastCheckedFinite}, the previous check` : 'This was the first check of the run') +
        ' (weights are checked with the loss, every logEvery steps; logEvery: 1 finds the exact step). ' +
        `Training stopped; no checkpoint was written after it. ${FIX}`,
    );
    this.name = 'NonFiniteTrainingWeightsError';
  }
}

/** `saveCheckpoint` refused to write weights holding NaN or ±Infinity; the checkpoint already on disk is kept. */
export class NonFiniteWeightsError extends Error {
  constructor(
    readonly path: string,
    /** The tensor at fault, e.g. 'model/encoder/3' or 'optimizer/1/dense/kernel/m'. */
    readonly tensor: string,
    readonly index: number,
    readonly value: number,
  ) {
    super(
      `saveCheckpoint: refusing to write ${path}: ${tensor} holds ${value} at index ${index} (non-finite weights: the run diverged). ` +
        'The checkpoint already there is kept. Fix: resume from it with a lower learning rate, or look for NaN/Inf in the training data.',
    );
    this.name = 'NonFiniteWeightsError';
  }
}
