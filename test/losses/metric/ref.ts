/** Plain-JS reference formulas (loops over arrays) for the metric-learning loss tests. */
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../../../lib/util/rng.js';
import { expectClose, numericGrad } from '../../helpers.js';

export type Rows = number[][];

export const sqDist = (a: number[], b: number[]) => a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0);
export const eucDist = (a: number[], b: number[]) => Math.sqrt(sqDist(a, b));
export const dot = (a: number[], b: number[]) => a.reduce((s, v, k) => s + v * b[k]!, 0);
export const norm = (a: number[]) => Math.sqrt(dot(a, a));
export const cosDist = (a: number[], b: number[]) => 1 - dot(a, b) / (norm(a) * norm(b));
export const dist = (name: 'euclidean' | 'squared' | 'cosine') => (name === 'squared' ? sqDist : name === 'euclidean' ? eucDist : cosDist);
export const unit = (a: number[]) => a.map((v) => v / norm(a));
export const softplus = (x: number) => Math.log1p(Math.exp(x));

/** −log softmax(logits)[target]. */
export function ce(logits: number[], target: number): number {
  const m = Math.max(...logits);
  const lse = m + Math.log(logits.reduce((s, v) => s + Math.exp(v - m), 0));
  return lse - logits[target]!;
}

export function randomRows(n: number, d: number, seed: number, scale = 1): Rows {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => r.normal() * scale));
}

/** tf.grad of f at x against numericGrad (central differences). */
export async function checkGrad(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, atol = 2e-3, rtol = 2e-2, eps = 1e-2): Promise<void> {
  const g = tf.grad(f)(x);
  const analytic = await g.data();
  g.dispose();
  const numeric = await numericGrad(f, x, eps);
  expectClose(analytic, numeric, atol, rtol);
}

export async function value(t: tf.Tensor): Promise<number> {
  const v = (await t.data())[0]!;
  t.dispose();
  return v;
}
