/**
 * Class labels checked where they enter: values in [0, numClasses), integers, and — for the pair and triplet losses
 * — a batch with a positive pair (two examples of one class) and a negative pair (two classes).
 *
 * Where the check runs (docs/architecture.md, "Labels"):
 * - JS arrays (`Int32Array`, `number[]`) are checked in full wherever they are passed: reading them is free.
 * - `fit` checks the whole training set's labels (a JS array) once before the first step against the method's
 *   `labels` rules (lib/train `Trainable.labels`, e.g. supervised's `numClasses`): no GPU read at all.
 * - Tensors are checked for rank and int32 dtype everywhere, and their values only when they are in host memory
 *   already ({@link hostLabels}: always on the cpu and wasm backends, on webgpu while the tensor was not yet
 *   uploaded) — never with a GPU read inside a loss, which would cost a sync per step. So on a GPU (webgpu once the
 *   labels were uploaded; tensorflow) a label tensor's values are NOT checked by a loss: pass a JS array (checked in
 *   full, free) or read them once with {@link readLabels} where a read happens anyway. A learner's `step` reads its
 *   batch's labels once (`await y.data()`, {@link readLabels}) before the loss.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from './errors.js';

export interface LabelRules {
  /** Labels must be integers in [0, numClasses). */
  numClasses?: number;
  /** The labels must hold a positive pair (some class twice) and a negative pair (two classes). */
  pairs?: boolean;
}

const RELABEL = 'relabel the classes to 0..C-1 (filterClasses does) or raise numClasses';
const SAMPLE = 'sample K >= 2 classes per batch and M >= 2 examples of each, e.g. classBalancedBatches(labels, { classesPerBatch: 8, perClass: 4 })';

/**
 * Check label values: integers >= 0 (and < numClasses), and with `pairs` a positive and a negative pair. `what`
 * describes them in the message (default: the argument's name). Throws an ArgumentError naming `where` and `arg`.
 */
export function checkLabelValues(where: string, arg: string, values: ArrayLike<number>, rules: LabelRules = {}, what?: string): void {
  const { numClasses, pairs = false } = rules;
  check(values !== null && typeof values === 'object' && typeof values.length === 'number', where, arg, 'an int32 tensor or an array of integer labels', values);
  if (numClasses !== undefined) check(Number.isInteger(numClasses) && numClasses >= 1, where, 'numClasses', 'a positive integer', numClasses);
  const counts = new Map<number, number>();
  for (let i = 0; i < values.length; i++) {
    const y = values[i]!;
    if (!(Number.isInteger(y) && y >= 0 && (numClasses === undefined || y < numClasses)))
      check(false, where, arg, numClasses === undefined ? 'non-negative integers' : `integers in [0, numClasses=${numClasses})`,
        `${y} at index ${i}${what ? ` of ${what}` : ''}`, numClasses === undefined ? undefined : RELABEL);
    if (pairs) counts.set(y, (counts.get(y) ?? 0) + 1);
  }
  if (!pairs) return;
  let withPositives = 0;
  for (const c of counts.values()) if (c >= 2) withPositives++;
  check(counts.size >= 2, where, arg, 'a batch with at least two classes (negatives)', `a batch of ${values.length} examples of one class`, SAMPLE);
  check(withPositives >= 1, where, arg, 'a batch where some class has at least two examples (positives)', `${values.length} examples of ${counts.size} distinct classes`, SAMPLE);
}

/**
 * The values of a label tensor when they are in host memory already, so that reading them costs no GPU sync: always
 * on the cpu backend; on wasm (its heap is host memory: a copy of N ints, synchronous, no device); on webgpu while
 * the tensor still holds its CPU copy (made from an array and not yet used by a GPU kernel, e.g. a batch's labels
 * from lib/train's `gather`). Otherwise undefined: on tensorflow and for GPU-resident webgpu tensors a read would be
 * a device sync, so the callers (the metric losses, `supervised`) skip the value check there and say so.
 */
export function hostLabels(t: tf.Tensor): ArrayLike<number> | undefined {
  const engine = tf.engine() as unknown as { registry: Record<string, unknown>; state: { tensorInfo: { get(id: object): { backend: unknown } | undefined } } };
  const backend = engine.state.tensorInfo.get(t.dataId)?.backend as
    | { readSync?(id: object): unknown; tensorMap?: { get(id: object): { values?: unknown } | undefined } }
    | undefined;
  if (!backend) return undefined;
  if (backend === engine.registry.cpu) return backend.readSync!(t.dataId) as ArrayLike<number>;
  if (backend === engine.registry.wasm) return backend.readSync!(t.dataId) as ArrayLike<number>; // a heap slice
  if (backend === engine.registry.webgpu) {
    const values = backend.tensorMap?.get(t.dataId)?.values;
    return values != null && typeof (values as ArrayLike<number>).length === 'number' ? (values as ArrayLike<number>) : undefined;
  }
  return undefined;
}

/**
 * Check a label tensor: rank 1 with `n` entries when given, int32; its values by `rules` when they are in host memory
 * ({@link hostLabels}). Returns the values when they were checked.
 */
export function checkLabelTensor(where: string, arg: string, labels: tf.Tensor, rules: LabelRules = {}, n?: number): ArrayLike<number> | undefined {
  check(labels instanceof tf.Tensor && labels.rank === 1 && (n === undefined || labels.shape[0] === n), where, arg,
    n === undefined ? 'a 1-D tensor of labels' : `a tensor [${n}] (one label per row)`, labels);
  check(labels.dtype === 'int32', where, arg, 'an int32 tensor', labels, "cast with tf.cast(labels, 'int32') or pass an Int32Array");
  const values = hostLabels(labels);
  if (values) checkLabelValues(where, arg, values, rules);
  return values;
}

/**
 * Labels as a checked Int32Array: a JS array as it is, a tensor read with one (small, async) read — for the entry of
 * a training step, once per batch, never inside a loss.
 */
export async function readLabels(where: string, arg: string, labels: tf.Tensor | ArrayLike<number>, rules: LabelRules = {}, n?: number): Promise<Int32Array> {
  let values: ArrayLike<number>;
  if (labels instanceof tf.Tensor) {
    check(labels.rank === 1 && (n === undefined || labels.shape[0] === n), where, arg, n === undefined ? 'a 1-D tensor of labels' : `a tensor [${n}] (one label per row)`, labels);
    check(labels.dtype === 'int32', where, arg, 'an int32 tensor', labels, "cast with tf.cast(labels, 'int32') or pass an Int32Array");
    values = hostLabels(labels) ?? ((await labels.data()) as Int32Array);
  } else {
    values = labels;
    check(values !== null && typeof values === 'object' && typeof values.length === 'number', where, arg, 'an int32 tensor or an array of integer labels', values);
    if (n !== undefined) check(values.length === n, where, arg, `one label per row (${n})`, `${values.length} labels`, 'pass the labels of the same batch');
  }
  checkLabelValues(where, arg, values, rules);
  return Int32Array.from(values);
}
