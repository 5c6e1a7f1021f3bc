/**
 * The error a training run ends with when its loss stops being a finite number (NaN or ±Infinity): it names the
 * first step whose loss was not finite and the last finite loss before it, so the cause can be looked for at the
 * right place (a NaN image in that batch, a learning rate that blew up a few steps earlier).
 */
import { formatNumber } from '../notebook/format.js';

export class NonFiniteLossError extends Error {
  constructor(
    /** Where it was detected ('trainLoop', 'fit', ...). */
    readonly where: string,
    /** The first step (counting from 0, the index into `TrainResult.losses`) whose loss was not finite. */
    readonly step: number,
    /** The value read at that step: NaN, Infinity or -Infinity. */
    readonly value: number,
    /** The last finite loss before it and its step (undefined when no step before it had a finite loss). */
    readonly lastFinite: { step: number; loss: number } | undefined,
  ) {
    super(
      `${where}: the loss is ${value} at step ${step} (the first non-finite step, counting from 0 as in TrainResult.losses); ` +
        (lastFinite ? `the last finite loss was ${formatNumber(lastFinite.loss)} at step ${lastFinite.step}.` : 'no earlier step had a finite loss.') +
        ' Training stopped; no checkpoint was written after it. Fix: look for NaN or Inf in the inputs of that batch' +
        ' (e.g. a NaN pixel), lower the learning rate, or resume from the last checkpoint.',
    );
    this.name = 'NonFiniteLossError';
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
