// Shared fixtures of the training-loop tests: two blobs as 2x2x1 "images" and a logistic classifier that learns them.
import * as tf from '@tensorflow/tfjs-core';
import { mlpEncoder } from '../../lib/models/index.js';
import { makeOptimizer, type Trainable } from '../../lib/train/index.js';
import { Rng } from '../../lib/util/rng.js';

/** Two Gaussian blobs as 2x2x1 "images"; image `nanImage` (if given) gets a NaN pixel. */
export function blobs(n: number, { seed = 0, nanImage }: { seed?: number; nanImage?: number } = {}) {
  const r = new Rng(seed);
  const images = new Float32Array(n * 4);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % 2;
    for (let d = 0; d < 4; d++) images[i * 4 + d] = (labels[i] ? 0.8 : 0.2) + 0.1 * r.normal();
  }
  if (nanImage !== undefined) images[nanImage * 4] = NaN;
  return { images, labels, n, height: 2, width: 2, channels: 1 };
}

/** A logistic classifier on the blobs (softmax cross-entropy, Adam 0.05). */
export function classifier(seed = 0): Trainable {
  const model = mlpEncoder({ inputShape: [2, 2, 1], hidden: [], outputDim: 2, seed });
  const optimizer = makeOptimizer({ learningRate: 0.05 });
  return {
    name: 'logreg',
    models: { model },
    optimizer,
    step: (x, _i, y) =>
      optimizer.minimize(() => tf.losses.softmaxCrossEntropy(tf.oneHot(y, 2), model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true)!,
  };
}

/**
 * The steps at which `Tensor.prototype.data` (a device read) was called while `run` ran: `run` gets a step counter to
 * advance (`next()` returns the current step and counts one up) and each read records the counter's value.
 */
export async function readsAtSteps(run: (next: () => number) => Promise<unknown>): Promise<number[]> {
  const calls: number[] = [];
  const data = tf.Tensor.prototype.data;
  let i = 0;
  tf.Tensor.prototype.data = function (this: tf.Tensor) {
    calls.push(i);
    return data.call(this);
  } as typeof data;
  try {
    await run(() => i++);
  } finally {
    tf.Tensor.prototype.data = data;
  }
  return calls;
}

/** The error `p` rejects with (fails the test when it resolves). */
export async function thrown(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection');
}
