/**
 * Linear probing (deck 000, "Linear probing"; deck 001, "Linear Probing (Evaluation)"): measure a representation
 * by how well a *linear* classifier on the frozen features predicts the labels.
 *
 *   1. standardise: h̃ = (h − μ_train) / σ_train (statistics of the training features only);
 *   2. softmax regression: p(y | h̃) = softmax(W h̃ + b),  W ∈ R^{C×D};
 *   3. minimise  L(W, b) = −(1/N) Σ_i log p(y_i | h̃_i) + (λ/2) ‖W‖²_F   (b is not penalised);
 *   4. report top-1 / top-5 accuracy and the confusion matrix on the test features.
 *
 * **Default: solved to convergence**, so that the figure measures the representation and not an optimiser budget.
 * Full-batch L-BFGS (lib/eval/lbfgs.ts): L and ∇_W L = h̃ᵀ(P − Y)/N + λW, ∇_b L = mean(P − Y) as tfjs ops on the
 * active backend, the per-row losses summed and the L-BFGS update done in float64 JS.
 *   - Regularisation λ = 1/N: scikit-learn's `LogisticRegression()` default (C = 1, whose objective
 *     Σ_i CE_i + ½‖W‖² is N·L). On the same standardised features the two give the same classifier
 *     (test/eval/probe-sklearn.test.ts, digits).
 *   - Stopping rule: the relative decrease of L in one iteration ≤ `tolerance` (default 1e-9), after at least
 *     `minIterations` (20) iterations whatever N; or earlier at an optimum: max |∇L| ≤ 1e-6, or no decrease left
 *     at float32 precision; at most `maxIterations` (1000). The result reports `iterations`, `converged`, `stop`.
 *   - Why tfjs ops and not float64 JS for L and ∇L: measured per evaluation (2026-12-01, 2-core Xeon, load ~12),
 *     N×D = 5000×128, C = 10: wasm 117 ms vs float64 JS 543 ms; 60000×128: 1.05 s vs 4.4 s; on the pure-JS cpu
 *     backend (tests only) JS would be 1.2–5× faster. One code path that runs where the model runs.
 * The problem is convex and W, b start at 0, so the default solver does not depend on a seed.
 *
 * The older protocol, mini-batch Adam, runs when `epochs`, `batchSize` or `learningRate` is given explicitly (or
 * `solver: 'adam'`): Adam at `learningRate` (default 1e-3), λ default 0, every row used once per epoch (the last
 * partial batch included), batches in a seeded order. With `epochs` it runs exactly that many; without, it runs
 * until the full-data loss L, evaluated after each epoch, improves by less than 1e-4·|L| three epochs running,
 * after at least 500 steps (a floor independent of N) and at most `maxIterations` epochs.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { checkFeatures, checkLabels, columnStats, type Features, featuresToTensor, standardize } from './features.js';
import { lbfgs } from './lbfgs.js';
import { accuracy, confusionMatrix, topKAccuracy } from './metrics.js';

export interface LinearProbeOptions {
  /** Number of classes (default 1 + the largest label of either set). */
  numClasses?: number;
  /** 'lbfgs' (the default: full batch, to convergence) or 'adam' (the default when epochs/batchSize/learningRate is given). */
  solver?: 'lbfgs' | 'adam';
  /** λ of the L2 penalty (λ/2)‖W‖² (default 1/N with L-BFGS, i.e. scikit-learn's C = 1; 0 with Adam). */
  weightDecay?: number;
  /** Standardise with the training mean/std (default true). */
  standardize?: boolean;
  /** Stopping rule: relative decrease of the loss below which it counts as converged (default 1e-9 L-BFGS, 1e-4 Adam per epoch). */
  tolerance?: number;
  /** Floor on L-BFGS iterations, independent of N (default 20). */
  minIterations?: number;
  /** Cap on L-BFGS iterations (default 1000) or on Adam epochs when `epochs` is not given (default 1000). */
  maxIterations?: number;
  /** Adam: passes over the training features (default: until the loss stops improving). */
  epochs?: number;
  /** Adam: rows per step, or 'full' for full-batch steps (default 512). */
  batchSize?: number | 'full';
  /** Adam learning rate (default 1e-3; full-batch runs like 1e-2). */
  learningRate?: number;
  /** Adam: seed of the mini-batch order (default 0). */
  seed?: number;
  /** Called after each L-BFGS iteration / Adam epoch with the loss (reading it is a sync point). */
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
  /** The regularised training loss L after each L-BFGS iteration (L at W = 0 first) / at the end of each Adam epoch. */
  losses: number[];
  /** The solver that ran. */
  solver: 'lbfgs' | 'adam';
  /** L-BFGS iterations, or Adam steps. */
  iterations: number;
  /** True when the stopping rule (not the iteration cap or a fixed `epochs`) ended training. */
  converged: boolean;
  /** What ended training: L-BFGS's 'gradient' (max |∇L| ≤ 1e-6), 'tolerance' (relative decrease ≤ tolerance),
   * 'line-search' (no decrease left at float32 precision), 'max-iterations'; Adam's 'epochs' (fixed budget), 'tolerance', 'max-iterations'. */
  stop: 'gradient' | 'tolerance' | 'line-search' | 'max-iterations' | 'epochs';
  /** λ used. */
  weightDecay: number;
  /** The final regularised training loss L. */
  loss: number;
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
  const adamAsked = options.epochs !== undefined || options.batchSize !== undefined || options.learningRate !== undefined;
  const solver = options.solver ?? (adamAsked ? 'adam' : 'lbfgs');
  check(solver === 'lbfgs' || solver === 'adam', where, 'solver', "'lbfgs' or 'adam'", solver);
  const n = trainFeatures.n, d = trainFeatures.dim;
  const { batchSize = 512, learningRate = 1e-3, seed = 0, minIterations = 20, maxIterations = 1000 } = options;
  const weightDecay = options.weightDecay ?? (solver === 'lbfgs' ? 1 / n : 0);
  const tolerance = options.tolerance ?? (solver === 'lbfgs' ? 1e-9 : 1e-4);
  const numClasses = options.numClasses ?? Math.max(cTrain, cTest);
  check(Number.isInteger(numClasses) && numClasses >= Math.max(cTrain, cTest, 2), where, 'numClasses', `an integer >= 2 and > every label (${Math.max(cTrain, cTest) - 1})`, numClasses);
  check(options.epochs === undefined || (Number.isInteger(options.epochs) && options.epochs > 0), where, 'epochs', 'a positive integer', options.epochs);
  check(batchSize === 'full' || (Number.isInteger(batchSize) && batchSize > 0), where, 'batchSize', "a positive integer or 'full'", batchSize);
  check(learningRate > 0 && Number.isFinite(learningRate), where, 'learningRate', 'a positive number', learningRate);
  check(weightDecay >= 0 && Number.isFinite(weightDecay), where, 'weightDecay', 'a number >= 0', weightDecay);
  check(tolerance >= 0 && Number.isFinite(tolerance), where, 'tolerance', 'a number >= 0', tolerance);
  check(Number.isInteger(minIterations) && minIterations >= 0, where, 'minIterations', 'an integer >= 0', minIterations);
  check(Number.isInteger(maxIterations) && maxIterations >= Math.max(1, minIterations), where, 'maxIterations', `an integer >= max(1, minIterations = ${minIterations})`, maxIterations);

  const c = numClasses;
  const stats = options.standardize === false ? { mean: new Float32Array(d), std: new Float32Array(d).fill(1) } : columnStats(trainFeatures);
  const X = featuresToTensor(standardize(trainFeatures, stats));
  const Y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(trainLabels), 'int32'), c), 'float32')) as tf.Tensor2D;
  try {
    const fitted = solver === 'lbfgs'
      ? await fitLbfgs(X, Y, { d, c, weightDecay, tolerance, minIterations, maxIterations, onEpoch: options.onEpoch })
      : await fitAdam(X, Y, { d, c, weightDecay, tolerance, maxIterations, epochs: options.epochs, batchSize, learningRate, seed, onEpoch: options.onEpoch });
    const weights: ProbeWeights = { W: fitted.W, b: fitted.b, dim: d, numClasses: c, ...stats };
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
      losses: fitted.losses,
      solver,
      iterations: fitted.iterations,
      converged: fitted.converged,
      stop: fitted.stop,
      weightDecay,
      loss: fitted.losses.at(-1) ?? Number.NaN,
    };
  } finally {
    tf.dispose([X, Y]);
  }
}

interface Fitted { W: Float32Array; b: Float32Array; losses: number[]; iterations: number; converged: boolean; stop: LinearProbeResult['stop'] }

/** Full-batch L-BFGS on L(W, b); θ = [W row-major D×C, b]. */
async function fitLbfgs(
  X: tf.Tensor2D, Y: tf.Tensor2D,
  o: { d: number; c: number; weightDecay: number; tolerance: number; minIterations: number; maxIterations: number; onEpoch?: LinearProbeOptions['onEpoch'] },
): Promise<Fitted> {
  const { d, c, weightDecay } = o;
  const n = X.shape[0];
  const dc = d * c;
  // Xᵀ once: X̃ᵀ(P − Y) as a plain product each evaluation. matMul(X, R, true) would transpose the N×D X again at
  // every evaluation (the wasm BatchMatMul copies a transposed operand): 3–4× the time of the rest of the evaluation
  // at 60k × 784 (docs/performance.md, "Evaluation").
  const XT = tf.tidy(() => tf.transpose(X) as tf.Tensor2D);
  const objective = async (theta: Float64Array): Promise<{ f: number; g: Float64Array }> => {
    const [rowLoss, gW, gb] = tf.tidy(() => {
      const W = tf.tensor2d(Float32Array.from(theta.subarray(0, dc)), [d, c]);
      const b = tf.tensor1d(Float32Array.from(theta.subarray(dc)));
      const logp = tf.logSoftmax(tf.add(tf.matMul(X, W), b));
      const residual = tf.sub(tf.exp(logp), Y); // P − Y
      return [tf.neg(tf.sum(tf.mul(Y, logp), 1)), tf.div(tf.matMul(XT, residual), n), tf.mean(residual, 0)];
    });
    const [lv, gwv, gbv] = await Promise.all([rowLoss.data(), gW.data(), gb.data()]);
    tf.dispose([rowLoss, gW, gb]);
    let ce = 0;
    for (let i = 0; i < n; i++) ce += lv[i]!;
    let sq = 0;
    const g = new Float64Array(dc + c);
    for (let i = 0; i < dc; i++) {
      sq += theta[i]! * theta[i]!;
      g[i] = gwv[i]! + weightDecay * theta[i]!;
    }
    for (let j = 0; j < c; j++) g[dc + j] = gbv[j]!;
    return { f: ce / n + (weightDecay / 2) * sq, g };
  };
  let r;
  try {
    r = await lbfgs(objective, new Float64Array(dc + c), { maxIterations: o.maxIterations, minIterations: o.minIterations, tolerance: o.tolerance, gradientTolerance: 1e-6 });
  } finally {
    XT.dispose();
  }
  r.history.forEach((loss, epoch) => o.onEpoch?.({ epoch, loss }));
  check(Number.isFinite(r.f), 'linearProbe', 'trainFeatures', 'features on which the softmax regression stays finite', r.f, 'check the features for huge values');
  return { W: Float32Array.from(r.x.subarray(0, dc)), b: Float32Array.from(r.x.subarray(dc)), losses: r.history, iterations: r.iterations, converged: r.stop !== 'max-iterations', stop: r.stop };
}

/** Mini-batch Adam, every row once per epoch (the last partial batch included); fixed `epochs`, or until L stops improving. */
async function fitAdam(
  X: tf.Tensor2D, Y: tf.Tensor2D,
  o: { d: number; c: number; weightDecay: number; tolerance: number; maxIterations: number; epochs?: number; batchSize: number | 'full'; learningRate: number; seed: number; onEpoch?: LinearProbeOptions['onEpoch'] },
): Promise<Fitted> {
  const where = 'linearProbe';
  const { d, c, weightDecay, learningRate } = o;
  const n = X.shape[0];
  const bs = o.batchSize === 'full' ? n : Math.min(o.batchSize, n);
  const W = tf.tidy(() => tf.variable(tf.zeros([d, c])));
  const b = tf.tidy(() => tf.variable(tf.zeros([c])));
  const opt = tf.train.adam(learningRate);
  const rng = new Rng(o.seed);
  const losses: number[] = [];
  const minSteps = 500, patience = 3;
  let steps = 0, converged = false, best = Infinity, flat = 0;
  try {
    const lossOf = (x: tf.Tensor2D, y: tf.Tensor2D) => tf.tidy(() => {
      const ce = tf.neg(tf.mean(tf.sum(tf.mul(y, tf.logSoftmax(tf.add(tf.matMul(x, W), b))), 1)));
      return (weightDecay > 0 ? tf.add(ce, tf.mul(weightDecay / 2, tf.sum(tf.square(W)))) : ce) as tf.Scalar;
    });
    const maxEpochs = o.epochs ?? o.maxIterations;
    for (let epoch = 0; epoch < maxEpochs; epoch++) {
      const order = bs === n ? null : rng.permutation(n);
      let last: tf.Scalar | null = null;
      for (let s = 0; s < n; s += bs) {
        const e = Math.min(n, s + bs);
        const loss = tf.tidy(() => {
          let x = X, y = Y;
          if (order) {
            const idx = tf.tensor1d(order.subarray(s, e), 'int32');
            x = tf.gather(X, idx) as tf.Tensor2D;
            y = tf.gather(Y, idx) as tf.Tensor2D;
          }
          return opt.minimize(() => lossOf(x, y), true, [W, b]) as tf.Scalar;
        });
        steps++;
        last?.dispose();
        last = loss;
      }
      let value: number;
      if (o.epochs === undefined) {
        // the stopping rule looks at the full-data loss, not the last batch's
        last?.dispose();
        const all = lossOf(X, Y);
        value = (await all.data())[0]!;
        all.dispose();
      } else {
        value = last ? (await last.data())[0]! : NaN;
        last?.dispose();
      }
      losses.push(value);
      o.onEpoch?.({ epoch, loss: value });
      check(Number.isFinite(value), where, 'learningRate', 'a value for which training does not diverge', `${learningRate} (loss ${value} at epoch ${epoch})`, 'lower the learning rate, or standardise the features');
      if (o.epochs === undefined) {
        flat = best - value <= o.tolerance * Math.abs(value) ? flat + 1 : 0;
        best = Math.min(best, value);
        if (steps >= minSteps && flat >= patience) {
          converged = true;
          break;
        }
      }
    }
    return { W: new Float32Array((await W.data()) as Float32Array), b: new Float32Array((await b.data()) as Float32Array), losses, iterations: steps, converged, stop: converged ? 'tolerance' : o.epochs === undefined ? 'max-iterations' : 'epochs' };
  } finally {
    tf.dispose([W, b]);
    opt.dispose();
  }
}
