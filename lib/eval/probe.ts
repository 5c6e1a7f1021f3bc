/**
 * Linear probing (deck 000, "Linear probing"; deck 001, "Linear Probing (Evaluation)"): measure a representation
 * by how well a *linear* classifier on the frozen features predicts the labels.
 *
 *   1. standardise: h̃ = (h − μ_train) / σ_train (statistics of the training features only);
 *   2. softmax regression: p(y | h̃) = softmax(W h̃ + b),  W ∈ R^{C×D};
 *   3. minimise  L(W, b) = −(1/B) Σ_i log p(y_i | h̃_i) + (λ/2) ‖W‖²_F  with Adam (mini-batch or full-batch);
 *   4. report top-1 / top-5 accuracy and the confusion matrix on the test features.
 *
 * The problem is convex: W and b start at 0, so the seed only changes the mini-batch order.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { checkFeatures, checkLabels, columnStats, type Features, featuresToTensor, standardize } from './features.js';
import { accuracy, confusionMatrix, topKAccuracy } from './metrics.js';

export interface LinearProbeOptions {
  /** Number of classes (default 1 + the largest label of either set). */
  numClasses?: number;
  /** Passes over the training features (default 30). */
  epochs?: number;
  /** Rows per step, or 'full' for full-batch gradient descent (default 512). */
  batchSize?: number | 'full';
  /** Adam learning rate (default 1e-3; full-batch runs like 1e-2). */
  learningRate?: number;
  /** λ of the L2 penalty (λ/2)‖W‖² (default 0). */
  weightDecay?: number;
  /** Standardise with the training mean/std (default true). */
  standardize?: boolean;
  /** Seed of the mini-batch order (default 0). */
  seed?: number;
  /** Called after each epoch with the last step's loss (reading it is a sync point: once per epoch). */
  onEpoch?: (info: { epoch: number; loss: number }) => void;
}

/** The trained probe: apply it with {@link probePredict}. */
export interface ProbeWeights {
  /** Row-major D×C weights (column c scores class c). */
  W: Float32Array;
  b: Float32Array;
  dim: number;
  numClasses: number;
  /** The standardisation applied before W (identity when standardize: false). */
  mean: Float32Array;
  std: Float32Array;
}

export interface LinearProbeResult {
  /** Test top-1 accuracy. */
  top1: number;
  /** Test top-5 accuracy (top-min(5, C)). */
  top5: number;
  trainAccuracy: number;
  /** Test confusion matrix: confusion[true][predicted]. */
  confusion: number[][];
  /** Predicted test classes. */
  predictions: Int32Array;
  /** Test logits, row-major [N_test × C]. */
  logits: Float32Array;
  weights: ProbeWeights;
  /** Loss at the end of each epoch. */
  losses: number[];
}

/** Logits W h̃ + b of `f` under a trained probe, row-major [N × C]. */
export async function probePredict(weights: ProbeWeights, f: Features): Promise<{ logits: Float32Array; predictions: Int32Array }> {
  checkFeatures(f, 'probePredict', 'features');
  check(f.dim === weights.dim, 'probePredict', 'features', `dim ${weights.dim} (what the probe was trained on)`, f.dim);
  const x = standardize(f, weights);
  const logitsT = tf.tidy(() => tf.add(tf.matMul(featuresToTensor(x), tf.tensor2d(weights.W, [weights.dim, weights.numClasses])), tf.tensor1d(weights.b)));
  const logits = new Float32Array((await logitsT.data()) as Float32Array);
  logitsT.dispose();
  const c = weights.numClasses;
  const predictions = new Int32Array(f.n);
  for (let i = 0; i < f.n; i++) {
    let best = 0;
    for (let j = 1; j < c; j++) if (logits[i * c + j]! > logits[i * c + best]!) best = j;
    predictions[i] = best;
  }
  return { logits, predictions };
}

/** Train a linear classifier on frozen `trainFeatures` and evaluate it on `testFeatures`. */
export async function linearProbe(
  trainFeatures: Features, trainLabels: ArrayLike<number>, testFeatures: Features, testLabels: ArrayLike<number>, options: LinearProbeOptions = {},
): Promise<LinearProbeResult> {
  const where = 'linearProbe';
  checkFeatures(trainFeatures, where, 'trainFeatures');
  checkFeatures(testFeatures, where, 'testFeatures');
  const cTrain = checkLabels(trainLabels, trainFeatures.n, where, 'trainLabels', 'trainFeatures');
  const cTest = checkLabels(testLabels, testFeatures.n, where, 'testLabels', 'testFeatures');
  check(testFeatures.dim === trainFeatures.dim, where, 'testFeatures', `the same dimension as trainFeatures (${trainFeatures.dim})`, testFeatures.dim, 'embed both sets with the same encoder');
  const { epochs = 30, batchSize = 512, learningRate = 1e-3, weightDecay = 0, seed = 0 } = options;
  const numClasses = options.numClasses ?? Math.max(cTrain, cTest);
  check(Number.isInteger(numClasses) && numClasses >= Math.max(cTrain, cTest, 2), where, 'numClasses', `an integer >= 2 and > every label (${Math.max(cTrain, cTest) - 1})`, numClasses);
  check(Number.isInteger(epochs) && epochs > 0, where, 'epochs', 'a positive integer', epochs);
  check(batchSize === 'full' || (Number.isInteger(batchSize) && batchSize > 0), where, 'batchSize', "a positive integer or 'full'", batchSize);
  check(learningRate > 0 && Number.isFinite(learningRate), where, 'learningRate', 'a positive number', learningRate);
  check(weightDecay >= 0 && Number.isFinite(weightDecay), where, 'weightDecay', 'a number >= 0', weightDecay);

  const n = trainFeatures.n, d = trainFeatures.dim, c = numClasses;
  const stats = options.standardize === false ? { mean: new Float32Array(d), std: new Float32Array(d).fill(1) } : columnStats(trainFeatures);
  const xTrain = standardize(trainFeatures, stats);
  const bs = batchSize === 'full' ? n : Math.min(batchSize, n);
  const X = featuresToTensor(xTrain);
  const Y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(trainLabels), 'int32'), c), 'float32'));
  const W = tf.tidy(() => tf.variable(tf.zeros([d, c])));
  const b = tf.tidy(() => tf.variable(tf.zeros([c])));
  const opt = tf.train.adam(learningRate);
  const rng = new Rng(seed);
  const losses: number[] = [];
  try {
    const lossOf = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.tidy(() => {
      const logits = tf.add(tf.matMul(x, W), b);
      const ce = tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(logits)), 1)));
      return (weightDecay > 0 ? tf.add(ce, tf.mul(weightDecay / 2, tf.sum(tf.square(W)))) : ce) as tf.Scalar;
    });
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = bs === n ? null : rng.permutation(n);
      let last: tf.Scalar | null = null;
      for (let s = 0; s + bs <= n; s += bs) {
        const loss = tf.tidy(() => {
          let x = X, y = Y as tf.Tensor2D;
          if (order) {
            const idx = tf.tensor1d(order.subarray(s, s + bs), 'int32');
            x = tf.gather(X, idx) as tf.Tensor2D;
            y = tf.gather(Y, idx) as tf.Tensor2D;
          }
          return opt.minimize(() => lossOf(x, y), true, [W, b]) as tf.Scalar;
        });
        last?.dispose();
        last = loss;
      }
      const value = last ? (await last.data())[0]! : NaN;
      last?.dispose();
      losses.push(value);
      options.onEpoch?.({ epoch, loss: value });
      check(Number.isFinite(value), where, 'learningRate', 'a value for which training does not diverge', `${learningRate} (loss ${value} at epoch ${epoch})`, 'lower the learning rate, or standardise the features');
    }
    const weights: ProbeWeights = {
      W: new Float32Array((await W.data()) as Float32Array), b: new Float32Array((await b.data()) as Float32Array), dim: d, numClasses: c, ...stats,
    };
    const train = await probePredict(weights, trainFeatures);
    const test = await probePredict(weights, testFeatures);
    return {
      top1: accuracy(test.predictions, testLabels),
      top5: topKAccuracy(test.logits, testLabels, Math.min(5, c), c),
      trainAccuracy: accuracy(train.predictions, trainLabels),
      confusion: confusionMatrix(test.predictions, testLabels, c),
      predictions: test.predictions,
      logits: test.logits,
      weights,
      losses,
    };
  } finally {
    tf.dispose([X, Y, W, b]);
    opt.dispose();
  }
}
