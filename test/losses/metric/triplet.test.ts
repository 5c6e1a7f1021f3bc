import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { softMarginTripletLoss, tripletLoss, tripletLossFromIndices } from '../../../lib/losses/metric/index.js';
import { expectNoLeak, useBackend } from '../../helpers.js';
import { checkGrad, randomRows, softplus, sqDist, value } from './ref.js';

beforeAll(() => useBackend('cpu'));

describe('tripletLoss (hand-computed)', () => {
  // triplet 0: d_ap² = 1, d_an² = 4 → max(0, 1 − 4 + 0.2) = 0 (easy)
  // triplet 1: d_ap² = 1, d_an² = 0.25 → 1 − 0.25 + 0.2 = 0.95 (hard)
  const A = [[0, 0], [0, 0]], P = [[1, 0], [0, 1]], N = [[0, 2], [0.5, 0]];
  it('max{0, d_ap² − d_an² + m}, mean over triplets', async () => {
    expect(await value(tripletLoss(tf.tensor2d(A), tf.tensor2d(P), tf.tensor2d(N)))).toBeCloseTo(0.475, 5);
    // Euclidean: 1 − 0.5 + 0.2 = 0.7 for triplet 1, 1 − 2 + 0.2 < 0 for triplet 0
    expect(await value(tripletLoss(tf.tensor2d(A), tf.tensor2d(P), tf.tensor2d(N), { distance: 'euclidean' }))).toBeCloseTo(0.35, 4);
    // margin 0: only the hard triplet counts, 1 − 0.25
    expect(await value(tripletLoss(tf.tensor2d(A), tf.tensor2d(P), tf.tensor2d(N), { margin: 0 }))).toBeCloseTo(0.375, 5);
  });
  it('from indices equals the explicit rows; no triplets gives 0', async () => {
    const e = tf.tensor2d([[0, 0], [1, 0], [0, 2], [0, 1], [0.5, 0]]);
    const t = { anchor: Int32Array.from([0, 0]), positive: Int32Array.from([1, 3]), negative: Int32Array.from([2, 4]) };
    expect(await value(tripletLossFromIndices(e, t))).toBeCloseTo(0.475, 5);
    expect(await value(tripletLossFromIndices(e, { anchor: new Int32Array(0), positive: new Int32Array(0), negative: new Int32Array(0) }))).toBe(0);
    await expectNoLeak(() => tripletLossFromIndices(e, t).dispose());
    e.dispose();
  });
  it('gradient matches central differences (all three inputs)', async () => {
    const [a, p, n] = [randomRows(5, 3, 2), randomRows(5, 3, 3), randomRows(5, 3, 4)].map((r) => tf.tensor2d(r));
    for (const distance of ['squared', 'euclidean', 'cosine'] as const) {
      await checkGrad((v) => tripletLoss(v as tf.Tensor2D, p!, n!, { margin: 0.5, distance }), a!, 2e-3, 2e-2, 1e-3);
      await checkGrad((v) => tripletLoss(a!, v as tf.Tensor2D, n!, { margin: 0.5, distance }), p!, 2e-3, 2e-2, 1e-3);
      await checkGrad((v) => tripletLoss(a!, p!, v as tf.Tensor2D, { margin: 0.5, distance }), n!, 2e-3, 2e-2, 1e-3);
    }
    tf.dispose([a!, p!, n!]);
  });
  it('bad input', () => {
    const a = tf.ones([2, 3]) as tf.Tensor2D;
    expect(() => tripletLoss(a, a, a, { margin: -0.1 })).toThrow(/'margin'.*>= 0/);
    expect(() => tripletLoss(a, a, tf.ones([3, 3]) as tf.Tensor2D)).toThrow(/'negative'.*same shape/);
    expect(() => tripletLossFromIndices(a, { anchor: Int32Array.from([0]), positive: Int32Array.from([1]), negative: Int32Array.from([5]) })).toThrow(/triplets.negative.*\[0, 2\)/);
    a.dispose();
  });
});

describe('softMarginTripletLoss', () => {
  it('τ·log(1 + exp((d_ap − d_an + m)/τ)) by loops; → the hinge as τ → 0', async () => {
    const A = randomRows(4, 3, 5), P = randomRows(4, 3, 6), N = randomRows(4, 3, 7);
    const ref = (tau: number, m: number) => A.reduce((s, a, i) => s + tau * softplus((sqDist(a, P[i]!) - sqDist(a, N[i]!) + m) / tau), 0) / A.length;
    const t = [A, P, N].map((r) => tf.tensor2d(r)) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    expect(await value(softMarginTripletLoss(...t))).toBeCloseTo(ref(1, 0), 4);
    expect(await value(softMarginTripletLoss(...t, { temperature: 0.5, margin: 0.3 }))).toBeCloseTo(ref(0.5, 0.3), 4);
    const hinge = await value(tripletLoss(...t, { margin: 0.3 }));
    expect(await value(softMarginTripletLoss(...t, { temperature: 1e-3, margin: 0.3 }))).toBeCloseTo(hinge, 2);
    await checkGrad((v) => softMarginTripletLoss(v as tf.Tensor2D, t[1], t[2], { temperature: 0.7 }), t[0]);
    expect(() => softMarginTripletLoss(...t, { temperature: 0 })).toThrow(/'temperature'/);
    tf.dispose(t);
  });
});
