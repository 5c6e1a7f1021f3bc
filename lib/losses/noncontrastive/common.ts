/** Argument checks shared by the non-contrastive losses. */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../../util/errors.js';

/** `t` is a rank-2 tensor [N, D] (optionally with N >= minRows). */
export function checkEmbeddings(where: string, arg: string, t: unknown, minRows = 1): asserts t is tf.Tensor2D {
  check(t instanceof tf.Tensor && t.rank === 2, where, arg, 'a rank-2 tensor [N, D] of embeddings', t);
  check((t as tf.Tensor2D).shape[0] >= minRows, where, arg, `at least ${minRows} rows (a batch statistic needs several samples)`, t, 'use a larger batch');
}

/** `b` has exactly the shape of `a`. */
export function checkSameShape(where: string, arg: string, a: tf.Tensor, b: unknown): void {
  check(b instanceof tf.Tensor && b.shape.join(',') === a.shape.join(','), where, arg, `a tensor of shape [${a.shape.join(', ')}] (same as the first view)`, b,
    'pass the two views of the same batch, embedded by the same kind of network');
}

/** A finite non-negative weight. */
export function checkWeight(where: string, arg: string, v: unknown): asserts v is number {
  check(typeof v === 'number' && Number.isFinite(v) && v >= 0, where, arg, 'a finite number >= 0 (0 switches the term off)', v);
}
