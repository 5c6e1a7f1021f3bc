/**
 * The argument checks shared across lib/, beside `check` (lib/util/errors.ts): every one throws an
 * {@link ArgumentError} naming the function, the argument, what was expected, what was given and the fix.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from './errors.js';

/** A finite number > 0 (scale, temperature, rate...). */
export function checkPositive(where: string, value: unknown, arg: string, hint?: string): asserts value is number {
  check(typeof value === 'number' && Number.isFinite(value) && value > 0, where, arg, 'a finite number > 0', value, hint);
}

/** A softmax temperature τ: a finite positive number. */
export function checkTemperature(where: string, temperature: number): void {
  check(typeof temperature === 'number' && Number.isFinite(temperature) && temperature > 0, where, 'temperature',
    'a positive number τ (typically 0.05-1)', temperature, 'pass e.g. { temperature: 0.1 }');
}

/** A margin: a finite number >= 0. */
export function checkMargin(where: string, margin: unknown, arg = 'margin'): asserts margin is number {
  check(typeof margin === 'number' && Number.isFinite(margin) && margin >= 0, where, arg, 'a finite number >= 0', margin,
    'a negative margin rewards violating the ordering it is meant to enforce; use e.g. 0.2');
}

/** A finite non-negative weight of a loss term (0 switches the term off). */
export function checkWeight(where: string, arg: string, v: unknown): asserts v is number {
  check(typeof v === 'number' && Number.isFinite(v) && v >= 0, where, arg, 'a finite number >= 0 (0 switches the term off)', v);
}

/** An integer >= min (default 1). */
export function checkInt(where: string, name: string, v: number, min = 1): void {
  check(Number.isInteger(v) && v >= min, where, name, `an integer >= ${min}`, v);
}

/** A list of positive integers (layer widths...). */
export function checkPositiveInts(where: string, arg: string, values: readonly number[]): void {
  check(Array.isArray(values) && values.every((d) => Number.isInteger(d) && d > 0), where, arg, 'a list of positive integers', values);
}

/** A shape of `rank` positive integers (`what` says what they are, e.g. 'height, width, channels'). */
export function checkShape(where: string, arg: string, shape: readonly number[], rank: number, what: string): void {
  check(
    Array.isArray(shape) && shape.length === rank && shape.every((d) => Number.isInteger(d) && d > 0),
    where,
    arg,
    `${rank} positive integers (${what})`,
    shape,
  );
}

/** A rank-2 tensor [N, D]. */
export function check2d(where: string, name: string, t: tf.Tensor): void {
  check(t instanceof tf.Tensor && t.rank === 2, where, name, 'a rank-2 tensor [N, D]', t);
}

export interface EmbeddingRules {
  /** Require dtype float32 (the metric-learning losses, which mix embeddings with int32 labels; default false). */
  float32?: boolean;
  /** The rows feed a batch statistic (variance, covariance, centring: the non-contrastive losses): says so when too few. */
  batchStatistic?: boolean;
}

/** A batch of embeddings: a rank-2 tensor [N, D] with N >= minRows. */
export function checkEmbeddings(where: string, arg: string, e: unknown, minRows = 1, { float32 = false, batchStatistic = false }: EmbeddingRules = {}): asserts e is tf.Tensor2D {
  if (float32) check(e instanceof tf.Tensor && e.rank === 2 && e.dtype === 'float32', where, arg, 'a float32 tensor [N, D] of embeddings', e, 'pass the encoder output, one row per example');
  else check(e instanceof tf.Tensor && e.rank === 2, where, arg, 'a rank-2 tensor [N, D] of embeddings', e);
  const n = (e as tf.Tensor2D).shape[0];
  if (batchStatistic) check(n >= minRows, where, arg, `at least ${minRows} rows (a batch statistic needs several samples)`, e, 'use a larger batch');
  else check(n >= minRows, where, arg, `at least ${minRows} rows`, e);
}

/** `b` has exactly the shape of `a` (two views of one batch). */
export function checkSameShape(where: string, arg: string, a: tf.Tensor, b: unknown): void {
  check(b instanceof tf.Tensor && b.shape.join(',') === a.shape.join(','), where, arg, `a tensor of shape [${a.shape.join(', ')}] (same as the first view)`, b,
    'pass the two views of the same batch, embedded by the same kind of network');
}
