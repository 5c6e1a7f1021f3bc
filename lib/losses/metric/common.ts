/**
 * Shared helpers of the metric-learning losses (deck 000, "Metric learning"): argument checks, labels that may come
 * as a tensor or as a JS array, and the same/different-label masks of a batch (distances and reductions: lib/ops).
 *
 * Labels: every loss accepts `tf.Tensor1D` (int32) or a JS array (`Int32Array`, `number[]`). A JS array is checked
 * in full (integers, range [0, numClasses) where the loss knows C, a batch that has positives and negatives). A
 * tensor is checked for shape and dtype, and in full too when its values are in host memory (lib/util `hostLabels`:
 * always on the cpu and wasm backends; on webgpu while not yet uploaded) — the same checks, the same messages as a
 * JS array. A loss never reads labels back from a GPU, which would add a sync per step: on tensorflow, and on webgpu
 * once the labels were uploaded, a label tensor's VALUES are not checked (a one-class batch gives a pair/triplet loss
 * of 0, a label >= C a one-hot row of zeros) — pass a JS array there, or read them once with lib/util `readLabels`
 * before the loss. `metricLearner`'s step and `train` do: they are always checked in full.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type DistanceName, pairwiseDistance } from '../../ops/distances.js';
import { check } from '../../util/errors.js';
import { hostLabels } from '../../util/labels.js';

export type Labels = tf.Tensor1D | Int32Array | ArrayLike<number>;

export function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

/**
 * Check labels for a batch of `n` rows; with `numClasses`, values must lie in [0, numClasses). Returns the labels as
 * an int32 tensor (a new tensor for a JS array: call inside tf.tidy or dispose it) and the values when they were
 * checked (a JS array, or a tensor whose values are in host memory).
 */
export function labelTensor(where: string, labels: Labels, n: number, numClasses?: number): { tensor: tf.Tensor1D; values?: Int32Array } {
  if (isTensor(labels)) {
    check(labels.rank === 1 && labels.shape[0] === n, where, 'labels', `a tensor [${n}] (one label per row)`, labels);
    check(labels.dtype === 'int32', where, 'labels', 'an int32 tensor', labels, "cast with tf.cast(labels, 'int32') or pass an Int32Array");
    const host = hostLabels(labels); // checked in full when that costs no GPU read
    return { tensor: labels, values: host ? labelValues(where, host, n, numClasses) : undefined };
  }
  const values = labelValues(where, labels, n, numClasses);
  return { tensor: tf.tensor1d(values, 'int32'), values };
}

/** Check JS labels (length n, integers >= 0, < numClasses when given) and return them as an Int32Array. */
export function labelValues(where: string, labels: ArrayLike<number>, n: number, numClasses?: number): Int32Array {
  check(labels !== null && typeof labels === 'object' && typeof labels.length === 'number', where, 'labels', 'an int32 tensor or an array of integer labels', labels);
  check(labels.length === n, where, 'labels', `one label per row (${n})`, `${labels.length} labels`, 'pass the labels of the same batch');
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    const ok = Number.isInteger(y) && y >= 0 && (numClasses === undefined || y < numClasses);
    if (!ok) {
      check(false, where, 'labels', numClasses === undefined ? 'non-negative integers' : `integers in [0, numClasses=${numClasses})`, `${y} at index ${i}`,
        numClasses === undefined ? undefined : 'relabel the classes to 0..C-1 (filterClasses does) or raise numClasses');
    }
    out[i] = y;
  }
  return out;
}

/** Count classes and the classes that have at least two examples in a batch of JS labels. */
export function batchClassStats(values: Int32Array): { classes: number; withPositives: number } {
  const counts = new Map<number, number>();
  for (const y of values) counts.set(y, (counts.get(y) ?? 0) + 1);
  let withPositives = 0;
  for (const c of counts.values()) if (c >= 2) withPositives++;
  return { classes: counts.size, withPositives };
}

/**
 * The batch must have a positive (two examples of one class) and a negative (two classes): the condition of every
 * pair/triplet loss. Checked when the values are known (JS labels, or a tensor in host memory: see labelTensor).
 */
export function checkPairsPossible(where: string, values: Int32Array | undefined): void {
  if (!values) return;
  const { classes, withPositives } = batchClassStats(values);
  check(classes >= 2, where, 'labels', 'a batch with at least two classes (negatives)', `a batch of ${values.length} examples of one class`,
    'sample K >= 2 classes per batch, e.g. classBalancedBatches(labels, { classesPerBatch: 8, perClass: 4 })');
  check(withPositives >= 1, where, 'labels', 'a batch where some class has at least two examples (positives)', `${values.length} examples of ${classes} distinct classes`,
    'sample M >= 2 examples per class, e.g. classBalancedBatches(labels, { classesPerBatch: 8, perClass: 4 })');
}

/**
 * Same-label and different-label masks of a batch, float 0/1 [N, N]: `pos` has ones where y_i = y_j and i != j,
 * `neg` where y_i != y_j.
 */
export function labelMasks(labels: tf.Tensor1D): { pos: tf.Tensor2D; neg: tf.Tensor2D } {
  return tf.tidy(() => {
    const n = labels.shape[0];
    const same = tf.cast(tf.equal(tf.reshape(labels, [-1, 1]), tf.reshape(labels, [1, -1])), 'float32');
    const pos = tf.sub(same, tf.eye(n)) as tf.Tensor2D;
    const neg = tf.sub(1, same) as tf.Tensor2D;
    return { pos, neg };
  });
}

/**
 * What the in-batch pair and triplet losses start from: the labels checked (JS labels must give the batch a positive
 * and a negative pair, {@link checkPairsPossible}), their same/different-label masks `pos`, `neg` [N, N] and the
 * pairwise distances `d` [N, N] of the embeddings. Call inside tf.tidy.
 */
export function labelledBatch(where: string, embeddings: tf.Tensor2D, labels: Labels, distance: DistanceName): { pos: tf.Tensor2D; neg: tf.Tensor2D; d: tf.Tensor2D } {
  const { tensor, values } = labelTensor(where, labels, embeddings.shape[0]);
  checkPairsPossible(where, values);
  const { pos, neg } = labelMasks(tensor);
  return { pos, neg, d: pairwiseDistance(embeddings, embeddings, distance) };
}

/**
 * 1 where x > 0 else 0, as a float tensor with a (zero) gradient: comparison ops (Greater, Less) have no gradient
 * in tfjs, so a mask computed from distances on the tape must use `step`.
 */
export function positive(x: tf.Tensor): tf.Tensor {
  return tf.step(x);
}

