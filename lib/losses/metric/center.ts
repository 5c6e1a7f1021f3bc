/**
 * Center loss — Wen, Zhang, Li & Qiao 2016 (deck 000, "Center loss (2/3)"):
 *
 *   L_center = L_CE(θ, W, b) + (λ/2) Σ_n ‖f_θ(x_n) − c_{y_n}‖²
 *
 * cross-entropy of a training-only softmax head (separability) plus the squared distance of each feature to the
 * centre of its class (compactness). The centres c_j are not learned by the optimizer but moved towards the class
 * means of each batch by the update rule of Wen et al. (their eq. 4), with rate α ∈ [0, 1]:
 *
 *   Δc_j = Σ_n δ(y_n = j)(c_j − f_n) / (1 + Σ_n δ(y_n = j)),    c_j ← c_j − α Δc_j
 *
 * We average the centre term over the batch: (λ/2)(1/N) Σ_n ‖f_n − c_{y_n}‖² (the deck's sum divided by N).
 *
 *   const centers = makeCenters({ numClasses: 10, dim: 64 });
 *   const loss = centerLoss(features, labels, centers, { lambda: 0.1, logits }); // then updateCenters(centers, features, labels)
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../../util/errors.js';
import { initSeed, Rng } from '../../util/rng.js';
import { stateVariable } from '../../ops/state.js';
import { isTensor, labelTensor, type Labels } from './common.js';
import { checkEmbeddings } from '../../util/checks.js';
import { metricLossSpec } from './spec.js';

export interface CenterLossOptions {
  /** λ, the weight of the centre term (default 0.1). */
  lambda?: number;
  /** Logits [N, C] of the softmax head: when given, the cross-entropy is added (the full center loss). */
  logits?: tf.Tensor2D;
}

/** Class centres [numClasses, dim] as a non-trainable tf.Variable (an optimizer's minimize never touches it). */
export function makeCenters({ numClasses, dim, init = 'zeros', seed = 0, name }: { numClasses: number; dim: number; init?: 'zeros' | 'normal'; seed?: number; name?: string }): tf.Variable {
  check(Number.isInteger(numClasses) && numClasses >= 2, 'makeCenters', 'numClasses', 'an integer >= 2', numClasses);
  check(Number.isInteger(dim) && dim > 0, 'makeCenters', 'dim', 'a positive integer (the feature dimension)', dim);
  check(init === 'zeros' || init === 'normal', 'makeCenters', 'init', "'zeros' or 'normal'", init);
  return stateVariable(() => (init === 'zeros' ? tf.zeros([numClasses, dim]) : tf.randomNormal([numClasses, dim], 0, 1, 'float32', initSeed(new Rng(seed).seed()))), name);
}

function checkCenters(where: string, features: tf.Tensor2D, centers: tf.Tensor): void {
  check(isTensor(centers) && centers.rank === 2 && centers.shape[1] === features.shape[1], where, 'centers',
    `a tensor/variable [numClasses, ${features.shape[1]}] (one centre per class, same width as the features)`, centers, 'make them with makeCenters({ numClasses, dim })');
}

/**
 * The center loss on features [N, D] with labels [N] (in [0, numClasses)) and centres [numClasses, D]; with
 * `logits`, cross-entropy + centre term, else the centre term alone. No gradient reaches the centres (they are
 * read as constants; move them with `updateCenters`). Returns a scalar (caller disposes).
 */
export function centerLoss(features: tf.Tensor2D, labels: Labels, centers: tf.Tensor2D | tf.Variable, options: CenterLossOptions = {}): tf.Scalar {
  const where = 'centerLoss';
  checkEmbeddings(where, 'features', features, 1, { float32: true });
  checkCenters(where, features, centers);
  const { lambda = 0.1, logits } = options;
  check(typeof lambda === 'number' && Number.isFinite(lambda) && lambda >= 0, where, 'lambda', 'a finite number >= 0', lambda);
  const [n] = features.shape;
  const numClasses = centers.shape[0]!;
  if (logits !== undefined) check(isTensor(logits) && logits.rank === 2 && logits.shape[0] === n && logits.shape[1] === numClasses, where, 'logits', `a tensor [${n}, ${numClasses}] (softmax head output, one column per centre)`, logits);
  return tf.tidy(() => {
    const { tensor } = labelTensor(where, labels, n, numClasses);
    const c = tf.gather(tf.clone(centers as tf.Tensor2D), tensor); // centres as constants of this step
    const centre = tf.mul(lambda / 2, tf.mean(tf.sum(tf.square(tf.sub(features, c)), 1)));
    if (!logits) return centre as tf.Scalar;
    const ce = tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(tensor, numClasses), tf.logSoftmax(logits)), 1)));
    return tf.add(ce, centre) as tf.Scalar;
  });
}

/** Move the centres by Wen et al.'s rule (see above) with rate α (default 0.5), in place. */
export function updateCenters(centers: tf.Variable, features: tf.Tensor2D, labels: Labels, alpha = 0.5): void {
  const where = 'updateCenters';
  checkEmbeddings(where, 'features', features, 1, { float32: true });
  checkCenters(where, features, centers);
  check(typeof alpha === 'number' && alpha >= 0 && alpha <= 1, where, 'alpha', 'a number in [0, 1] (the centre update rate)', alpha);
  const numClasses = centers.shape[0]!;
  tf.tidy(() => {
    const { tensor } = labelTensor(where, labels, features.shape[0], numClasses);
    const onehot = tf.cast(tf.oneHot(tensor, numClasses), 'float32'); // [N, C]
    const counts = tf.reshape(tf.sum(onehot, 0), [-1, 1]); // [C, 1]
    const sums = tf.matMul(onehot, features, true, false); // [C, D] = Σ_n δ(y_n = j) f_n
    const delta = tf.div(tf.sub(tf.mul(counts, centers), sums), tf.add(counts, 1));
    centers.assign(tf.sub(centers, tf.mul(alpha, delta)));
  });
}

/**
 * The center loss in the metric learner: a classifier head, class centres kept by the learner. `centerWeight` is λ,
 * `centerRate` the α of the centre update (the learner applies it after each step with `updateCenters`).
 */
export const centerSpec = metricLossSpec({
  name: 'center',
  head: 'classifier',
  keepsCentres: true,
  defaults: { centerWeight: 0.1, centerRate: 0.5 },
  loss: (b, o) => centerLoss(b.embeddings, b.labels, b.centers!, { lambda: o.centerWeight, logits: b.head }),
});
