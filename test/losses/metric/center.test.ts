import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { centerLoss, makeCenters, updateCenters } from '../../../lib/losses/metric/index.js';
import { expectClose, expectNoLeak, useBackend } from '../../helpers.js';
import { ce, checkGrad, value } from './ref.js';

beforeAll(() => useBackend('cpu'));

// features (1,0), (3,0) of class 0 and (0,2) of class 1; centres c_0 = (1,1), c_1 = (0,0), c_2 = (5,5)
// ‖f − c_y‖²: 1, 5, 4 → mean 10/3.
const F = [[1, 0], [3, 0], [0, 2]];
const Y = [0, 0, 1];
const C = [[1, 1], [0, 0], [5, 5]];

describe('centerLoss (hand-computed)', () => {
  it('(λ/2)·mean ‖f − c_y‖², plus cross-entropy with logits', async () => {
    const f = tf.tensor2d(F), c = tf.variable(tf.tensor2d(C), false);
    expect(await value(centerLoss(f, Y, c, { lambda: 0.5 }))).toBeCloseTo(0.25 * (10 / 3), 5);
    const logits = [[2, 0, -1], [0.5, 0.5, 0], [0, 1, 3]];
    const ceRef = (ce(logits[0]!, 0) + ce(logits[1]!, 0) + ce(logits[2]!, 1)) / 3;
    expect(await value(centerLoss(f, tf.tensor1d(Y, 'int32'), c, { lambda: 0.5, logits: tf.tensor2d(logits) }))).toBeCloseTo(ceRef + 0.25 * (10 / 3), 5);
    tf.dispose([f, c]);
  });
  it('gradient in the features matches central differences; none reaches the centres', async () => {
    const c = tf.variable(tf.tensor2d(C), false);
    const logits = tf.tensor2d([[2, 0, -1], [0.5, 0.5, 0], [0, 1, 3]]);
    await checkGrad((v) => centerLoss(v as tf.Tensor2D, Y, c, { lambda: 0.7 }), tf.tensor2d(F));
    await checkGrad((v) => centerLoss(tf.tensor2d(F), Y, c, { lambda: 0.7, logits: v as tf.Tensor2D }), logits);
    // an optimizer step on the loss leaves the (non-trainable) centres alone
    const w = tf.variable(tf.tensor2d(F));
    const opt = tf.train.sgd(0.1);
    opt.minimize(() => centerLoss(w as unknown as tf.Tensor2D, Y, c, { lambda: 1 }));
    expectClose(await c.data(), C.flat());
    // ∂/∂f_n = λ (f_n − c_{y_n}) / N
    const g = tf.grad((v) => centerLoss(v as tf.Tensor2D, Y, c, { lambda: 1 }))(tf.tensor2d(F));
    expectClose(await g.data(), [0, -1, 2, -1, 0, 2].map((v) => v / 3));
    tf.dispose([c, logits, w, g]);
    opt.dispose();
  });
});

describe('updateCenters (Wen et al. rule)', () => {
  it('c_j ← c_j − α Σ(c_j − f)/(1 + n_j); classes absent from the batch stay', async () => {
    const c = tf.variable(tf.tensor2d(C), false);
    const f = tf.tensor2d(F);
    // class 0: n = 2, Σ(c − f) = (0,1) + (−2,1) = (−2,2) → Δ = (−2/3, 2/3), c ← (1,1) − 0.5Δ = (4/3, 2/3)
    // class 1: n = 1, Σ(c − f) = (0,−2) → Δ = (0,−1), c ← (0, 0.5); class 2 untouched
    await expectNoLeak(() => updateCenters(c, f, Y, 0.5));
    expectClose(await c.data(), [4 / 3, 2 / 3, 0, 0.5, 5, 5], 1e-5);
    tf.dispose([c, f]);
  });
  it('makeCenters: zeros or seeded normal, not trainable', async () => {
    const z = makeCenters({ numClasses: 3, dim: 2 });
    expect(z.trainable).toBe(false);
    expectClose(await z.data(), [0, 0, 0, 0, 0, 0]);
    const a = makeCenters({ numClasses: 3, dim: 2, init: 'normal', seed: 4 });
    const b = makeCenters({ numClasses: 3, dim: 2, init: 'normal', seed: 4 });
    expectClose(await a.data(), await b.data(), 0, 0);
    tf.dispose([z, a, b]);
  });
});

describe('bad input', () => {
  it('labels out of range, wrong centres, lambda, alpha', () => {
    const f = tf.tensor2d(F), c = tf.variable(tf.tensor2d(C), false);
    expect(() => centerLoss(f, [0, 3, 1], c)).toThrow(/'labels'.*\[0, numClasses=3\)/);
    expect(() => centerLoss(f, Y, tf.zeros([3, 5]) as tf.Tensor2D)).toThrow(/'centers'.*makeCenters/);
    expect(() => centerLoss(f, Y, c, { lambda: -1 })).toThrow(/'lambda'/);
    expect(() => centerLoss(f, Y, c, { logits: tf.zeros([3, 2]) as tf.Tensor2D })).toThrow(/'logits'/);
    expect(() => updateCenters(c, f, Y, 2)).toThrow(/'alpha'/);
    expect(() => updateCenters(c, f, [0, 0, 7])).toThrow(/'labels'/);
    expect(() => makeCenters({ numClasses: 1, dim: 2 })).toThrow(/'numClasses'/);
    tf.dispose([f, c]);
  });
});
