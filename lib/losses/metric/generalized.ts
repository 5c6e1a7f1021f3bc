/**
 * The generalised contrastive loss — Tian 2022, "Understanding Deep Contrastive Learning via Coordinate-wise
 * Optimization" (deck 003, "Contrastive Loss Generalization"):
 *
 *   L_{φ,ψ}(θ) = Σ_i φ( Σ_{j≠i} ψ(d_i² − d_ij²) )
 *
 * d_i² = ‖z_i − z_i⁺‖² the squared distance of anchor i to its positive, d_ij² = ‖z_i − z_j‖² to negative j. The
 * deck's table of instances (ε, τ > 0):
 *
 *   loss               φ(x)              ψ(x)
 *   InfoNCE            τ log(ε + x)      e^{x/τ}          (ε = 1: the positive is in the denominator)
 *   MINE               log(x)            e^x
 *   Triplet            x                 [x + ε]_+        (ε = the margin)
 *   Soft Triplet       τ log(1 + x)      e^{x/τ + ε}
 *   N+1 Tuple          log(1 + x)        e^x
 *   Lifted Structured  [log(x)]_+²       e^{x + ε}        (ε = the margin α)
 *   Modified Triplet   x                 sigmoid(c·x)     (Coria et al. 2020; c > 0 the slope, default 1)
 *   Triplet Contrastive  linear          linear           (Ji et al. 2021; here φ(x) = x, ψ(x) = x)
 *
 * Where they coincide with the direct implementations (checked in test/losses/metric/generalized.test.ts; shown in
 * notebook 04), on an N-pair batch (anchors a_i, positives p_i, negatives of i = the other positives p_j):
 *   InfoNCE(τ, ε=1) = τ · cross-entropy of the logits −‖a_i − p_j‖²/τ (= τ · InfoNCE with cosine similarity and
 *     temperature τ/2 for unit-norm rows);
 *   N+1 Tuple = nPairLoss(√2·a, √2·p) for unit-norm rows (Sohn's a_iᵀp_j − a_iᵀp_i = (d_i² − d_ij²)/2);
 *   Triplet(ε) = (N − 1) · tripletLoss over all (a_i, p_i, p_j) with margin ε, squared distances;
 *   MINE = mineLoss(a, p, { marginal: 'perAnchor' }) + log(N − 1);
 *   Soft Triplet(τ, ε) = softMarginTripletLoss(margin τε, temperature τ) when each anchor has one negative;
 *   Lifted Structured(ε) = liftedStructuredLoss(…, { symmetric: false, distance: 'squared', margin: ε }) on a
 *     labelled batch (`labelledDistances`);
 *   Modified Triplet(c) = Σ_{j≠i} sigmoid(c(d_i² − d_ij²)) per anchor: a triplet loss whose hinge is replaced by a
 *     sigmoid (bounded: a hard triplet costs at most 1, an easy one → 0, with a gradient everywhere);
 *   Triplet Contrastive = Σ_{j≠i} (d_i² − d_ij²) per anchor, linear in the distances; for unit-norm rows
 *     d_i² − d_ij² = 2(a_iᵀp_j − a_iᵀp_i), so it is 2·Σ_{j≠i}(s_ij − s_ii): Ji et al.'s linear loss
 *     −E[f(x)ᵀf(x⁺) − f(x)ᵀf(x⁻)] summed over the negatives (scale and offset of a linear φ, ψ only rescale it).
 * The generic form composes φ and ψ literally (no log-sum-exp stabilisation): use it to study the family, and the
 * direct implementations to train.
 *
 *   const d = pairedDistances(anchors, positives); // an N-pair batch
 *   const loss = generalizedContrastiveLoss(d, contrastiveInstance('triplet', { epsilon: 0.2 })); tf.dispose([d.pos, d.neg, d.mask]);
 */
import * as tf from '@tensorflow/tfjs-core';
import { pairwiseSquaredDistances } from '../../ops/distances.js';
import type { Reduction } from '../../ops/reductions.js';
import { check } from '../../util/errors.js';
import { checkPairsPossible, isTensor, labelValues } from './common.js';
import { checkEmbeddings, checkPositive } from '../../util/checks.js';

/** Anchor-positive and anchor-negative squared distances, one row per anchor (caller disposes all three). */
export interface ContrastiveDistances {
  /** d_i², [P]. */
  pos: tf.Tensor1D;
  /** d_ij², [P, M]. */
  neg: tf.Tensor2D;
  /** 1 where column j is a negative of row i, [P, M]. */
  mask: tf.Tensor2D;
}

export interface PhiPsi {
  name: string;
  phi: (x: tf.Tensor) => tf.Tensor;
  psi: (x: tf.Tensor) => tf.Tensor;
}

export type ContrastiveInstanceName = 'infoNCE' | 'mine' | 'triplet' | 'softTriplet' | 'nPlusOneTuple' | 'liftedStructured' | 'modifiedTriplet' | 'tripletContrastive';
export const CONTRASTIVE_INSTANCES: readonly ContrastiveInstanceName[] = [
  'infoNCE', 'mine', 'triplet', 'softTriplet', 'nPlusOneTuple', 'liftedStructured', 'modifiedTriplet', 'tripletContrastive',
];

export interface ContrastiveInstanceOptions {
  /** τ (InfoNCE, Soft Triplet; default 1). */
  temperature?: number;
  /** ε (default: InfoNCE 1, Triplet 0.2, Soft Triplet 0, Lifted Structured 1). */
  epsilon?: number;
  /** c, the slope of the Modified Triplet's sigmoid ψ(x) = sigmoid(c·x) (default 1; > 0). */
  slope?: number;
}

/** φ and ψ of a row of the deck's table. */
export function contrastiveInstance(name: ContrastiveInstanceName, options: ContrastiveInstanceOptions = {}): PhiPsi {
  const where = 'contrastiveInstance';
  const { temperature: tau = 1 } = options;
  checkPositive(where, tau, 'temperature');
  const eps = (d: number) => {
    const e = options.epsilon ?? d;
    check(typeof e === 'number' && Number.isFinite(e) && e >= 0, where, 'epsilon', 'a finite number >= 0', e);
    return e;
  };
  switch (name) {
    case 'infoNCE': {
      const e = eps(1);
      return { name, phi: (x) => tf.mul(tau, tf.log(tf.add(e, x))), psi: (x) => tf.exp(tf.div(x, tau)) };
    }
    case 'mine':
      return { name, phi: (x) => tf.log(x), psi: (x) => tf.exp(x) };
    case 'triplet': {
      const e = eps(0.2);
      return { name, phi: (x) => tf.clone(x), psi: (x) => tf.relu(tf.add(x, e)) };
    }
    case 'softTriplet': {
      const e = eps(0);
      return { name, phi: (x) => tf.mul(tau, tf.log1p(x)), psi: (x) => tf.exp(tf.add(tf.div(x, tau), e)) };
    }
    case 'nPlusOneTuple':
      return { name, phi: (x) => tf.log1p(x), psi: (x) => tf.exp(x) };
    case 'liftedStructured': {
      const e = eps(1);
      return { name, phi: (x) => tf.square(tf.relu(tf.log(x))), psi: (x) => tf.exp(tf.add(x, e)) };
    }
    case 'modifiedTriplet': {
      const c = options.slope ?? 1;
      checkPositive(where, c, 'slope');
      return { name, phi: (x) => tf.clone(x), psi: (x) => tf.sigmoid(tf.mul(c, x)) };
    }
    case 'tripletContrastive':
      return { name, phi: (x) => tf.clone(x), psi: (x) => tf.clone(x) };
    default:
      check(false, where, 'name', `one of ${CONTRASTIVE_INSTANCES.join(', ')}`, name);
  }
}

/**
 * L_{φ,ψ} on precomputed squared distances (see above): (1/P) Σ_i φ(Σ_j mask_ij ψ(d_i² − d_ij²)) with
 * `reduction: 'mean'` (default), or the deck's sum. Every row needs a negative. Returns a scalar (caller disposes).
 */
export function generalizedContrastiveLoss(d: ContrastiveDistances, phiPsi: PhiPsi, { reduction = 'mean' }: { reduction?: Extract<Reduction, 'mean' | 'sum'> } = {}): tf.Scalar {
  const where = 'generalizedContrastiveLoss';
  check(d !== null && typeof d === 'object' && isTensor(d.pos) && d.pos.rank === 1, where, 'd.pos', 'a tensor [P] of anchor-positive squared distances', d?.pos);
  const p = d.pos.shape[0];
  check(isTensor(d.neg) && d.neg.rank === 2 && d.neg.shape[0] === p, where, 'd.neg', `a tensor [${p}, M] of anchor-negative squared distances`, d.neg);
  check(isTensor(d.mask) && d.mask.rank === 2 && d.mask.shape[0] === p && d.mask.shape[1] === d.neg.shape[1], where, 'd.mask', `a 0/1 tensor of the shape of d.neg [${d.neg.shape}]`, d.mask);
  check(phiPsi !== null && typeof phiPsi === 'object' && typeof phiPsi.phi === 'function' && typeof phiPsi.psi === 'function', where, 'phiPsi', '{ phi, psi } functions, e.g. contrastiveInstance("infoNCE")', phiPsi);
  check(reduction === 'mean' || reduction === 'sum', where, 'reduction', "'mean' or 'sum'", reduction);
  return tf.tidy(() => {
    const mask = tf.cast(d.mask, 'float32');
    // Masked entries: ψ of 0 (finite for every instance), then zeroed, so no inf·0 reaches value or gradient.
    const x = tf.mul(tf.sub(tf.reshape(d.pos, [-1, 1]), d.neg), mask);
    const inner = tf.sum(tf.mul(phiPsi.psi(x), mask), 1);
    const outer = phiPsi.phi(inner);
    return (reduction === 'mean' ? tf.mean(outer) : tf.sum(outer)) as tf.Scalar;
  });
}

/**
 * An N-pair batch (Sohn 2016; SimCLR-style): anchors a_i with positives p_i; the negatives of anchor i are the other
 * positives p_j (j ≠ i). d_i² = ‖a_i − p_i‖², d_ij² = ‖a_i − p_j‖².
 */
export function pairedDistances(anchors: tf.Tensor2D, positives: tf.Tensor2D): ContrastiveDistances {
  const where = 'pairedDistances';
  checkEmbeddings(where, 'anchors', anchors, 2, { float32: true });
  checkEmbeddings(where, 'positives', positives, 2, { float32: true });
  check(positives.shape[0] === anchors.shape[0] && positives.shape[1] === anchors.shape[1], where, 'positives', `a tensor of the same shape as anchors [${anchors.shape}]`, positives);
  const n = anchors.shape[0];
  return tf.tidy(() => {
    const neg = pairwiseSquaredDistances(anchors, positives);
    const pos = tf.sum(tf.square(tf.sub(anchors, positives)), 1) as tf.Tensor1D;
    const mask = tf.sub(tf.ones([n, n]), tf.eye(n)) as tf.Tensor2D;
    return { pos, neg, mask };
  });
}

/**
 * A labelled batch: one row per ordered positive pair (i, j), y_i = y_j, i ≠ j: d² = ‖z_i − z_j‖², negatives of the
 * row = every k with y_k ≠ y_i. Labels as a JS array (they choose the rows); the batch needs positives and negatives.
 */
export function labelledDistances(embeddings: tf.Tensor2D, labels: ArrayLike<number>): ContrastiveDistances {
  const where = 'labelledDistances';
  checkEmbeddings(where, 'embeddings', embeddings, 2, { float32: true });
  check(!isTensor(labels), where, 'labels', 'a JS array of labels (they decide the rows)', labels, 'read a tensor first: await y.data()');
  const n = embeddings.shape[0];
  const y = labelValues(where, labels, n);
  checkPairsPossible(where, y);
  const rows: number[] = [];
  const cols: number[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && y[i] === y[j]) (rows.push(i), cols.push(j));
  const maskRows = new Float32Array(rows.length * n);
  rows.forEach((i, r) => {
    for (let k = 0; k < n; k++) maskRows[r * n + k] = y[k] !== y[i] ? 1 : 0;
  });
  return tf.tidy(() => {
    const d = pairwiseSquaredDistances(embeddings, embeddings);
    const ri = tf.tensor1d(rows, 'int32');
    const neg = tf.gather(d, ri) as tf.Tensor2D;
    const pos = tf.gather(tf.reshape(d, [-1]), tf.tensor1d(rows.map((i, r) => i * n + cols[r]!), 'int32')) as tf.Tensor1D;
    return { pos, neg, mask: tf.tensor2d(maskRows, [rows.length, n]) };
  });
}
