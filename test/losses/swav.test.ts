import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { sinkhornKnopp, swavLoss } from '../../lib/losses/noncontrastive/swav.js';
import { Rng } from '../../lib/util/rng.js';
import { expectClose, expectNoLeak, numericGrad, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

type M = number[][];
/** Scores of unit embeddings against unit prototypes (cosines), [B, K]. */
function cosScores(b: number, k: number, d: number, seed: number): M {
  const r = new Rng(seed);
  const unit = (v: number[]) => { const n = Math.hypot(...v); return v.map((x) => x / n); };
  const z = Array.from({ length: b }, () => unit(Array.from({ length: d }, () => r.normal())));
  const c = Array.from({ length: k }, () => unit(Array.from({ length: d }, () => r.normal())));
  return z.map((zi) => c.map((ck) => zi.reduce((s, v, j) => s + v * ck[j]!, 0)));
}
/** Sinkhorn–Knopp in float64 loops, as in SwAV's `distributed_sinkhorn` on one device. */
function sinkhornRef(s: M, eps: number, iters: number): M {
  const b = s.length, k = s[0]!.length;
  let q = Array.from({ length: k }, (_, p) => s.map((row) => Math.exp(row[p]! / eps))); // K × B
  const total = q.flat().reduce((a, v) => a + v, 0);
  q = q.map((row) => row.map((v) => v / total));
  for (let it = 0; it < iters; it++) {
    q = q.map((row) => { const rs = row.reduce((a, v) => a + v, 0); return row.map((v) => v / rs / k); });
    const cs = Array.from({ length: b }, (_, j) => q.reduce((a, row) => a + row[j]!, 0));
    q = q.map((row) => row.map((v, j) => v / cs[j]! / b));
  }
  return Array.from({ length: b }, (_, j) => q.map((row) => row[j]! * b)); // B × K
}
const logSoftmax = (row: number[], tau: number) => {
  const z = row.map((v) => v / tau), m = Math.max(...z);
  const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
  return z.map((v) => v - lse);
};
function swavRef(s1: M, s2: M, tau = 0.1, eps = 0.05, iters = 3) {
  const q1 = sinkhornRef(s1, eps, iters), q2 = sinkhornRef(s2, eps, iters);
  const ce = (q: M, s: M) => s.reduce((acc, row, b) => acc - logSoftmax(row, tau).reduce((a, lp, k) => a + q[b]![k]! * lp, 0), 0) / s.length;
  return 0.5 * (ce(q2, s1) + ce(q1, s2));
}
const val = async (t: tf.Tensor) => { const v = Array.from(await t.data()); t.dispose(); return v; };

describe('Sinkhorn–Knopp codes', () => {
  it('rows (samples) sum to 1, columns (prototypes) to ≈ B/K; equal to the loop reference', async () => {
    const s = cosScores(24, 6, 5, 1);
    const q = sinkhornKnopp(tf.tensor2d(s), { epsilon: 0.05, iterations: 3 });
    const qa = (await q.array()) as M;
    q.dispose();
    expectClose(qa.flat(), sinkhornRef(s, 0.05, 3).flat(), 1e-5, 1e-3);
    for (const row of qa) expect(row.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
    // the prototypes' loads B/K = 4: SwAV's 3 iterations at ε = 0.05 only approach it on such peaked scores; a
    // softer ε gets there in 3, and many iterations exactly (below)
    const load = (m: M) => Array.from({ length: 6 }, (_, k) => m.reduce((a, row) => a + row[k]!, 0));
    const spread = (v: number[]) => Math.max(...v.map((c) => Math.abs(c - 4)));
    const soft = (await sinkhornKnopp(tf.tensor2d(s), { epsilon: 0.5, iterations: 3 }).array()) as M;
    expect(spread(load(soft))).toBeLessThan(0.1 * 4);
    const softmaxLoads = load(s.map((row) => logSoftmax(row, 0.5).map(Math.exp)));
    expect(spread(softmaxLoads)).toBeGreaterThan(2 * spread(load(soft))); // Sinkhorn, not just a softmax
    // more iterations: the equipartition gets exact
    const q50 = (await sinkhornKnopp(tf.tensor2d(s), { iterations: 300 }).array()) as M;
    for (let k = 0; k < 6; k++) expect(q50.reduce((a, row) => a + row[k]!, 0)).toBeCloseTo(4, 2);
  });
  it('a collapsed batch (every sample the same scores) still spreads over the prototypes: codes uniform', async () => {
    const s = Array.from({ length: 8 }, () => [0.9, 0.1, -0.3, 0.5]);
    const q = (await sinkhornKnopp(tf.tensor2d(s)).array()) as M;
    for (const row of q) for (const v of row) expect(v).toBeCloseTo(0.25, 5);
  });
  it('large scores/ε stay finite (the max is subtracted first)', async () => {
    const s = cosScores(8, 4, 3, 2).map((r) => r.map((v) => 50 * v));
    const q = await val(sinkhornKnopp(tf.tensor2d(s), { epsilon: 0.05 }));
    expect(q.every(Number.isFinite)).toBe(true);
  });
});

describe('swavLoss', () => {
  const s1 = cosScores(10, 5, 4, 3), s2 = cosScores(10, 5, 4, 4);
  it('equals the loop computation (swapped prediction, τ = 0.1, ε = 0.05, 3 iterations) and another setting', async () => {
    expect((await val(swavLoss(tf.tensor2d(s1), tf.tensor2d(s2))))[0]).toBeCloseTo(swavRef(s1, s2), 4);
    expect((await val(swavLoss(tf.tensor2d(s1), tf.tensor2d(s2), { temperature: 0.5, epsilon: 0.2, iterations: 5 })))[0]).toBeCloseTo(swavRef(s1, s2, 0.5, 0.2, 5), 4);
    // swapped: the views' roles are symmetric
    expect((await val(swavLoss(tf.tensor2d(s2), tf.tensor2d(s1))))[0]).toBeCloseTo(swavRef(s1, s2), 4);
  });
  it('gradient = that of the cross-entropies with the codes held constant (codes are targets), checked numerically', async () => {
    const q1 = sinkhornRef(s1, 0.05, 3), q2 = sinkhornRef(s2, 0.05, 3);
    const Q1 = tf.tensor2d(q1), Q2 = tf.tensor2d(q2), S2 = tf.tensor2d(s2);
    const fixedCodes = (x: tf.Tensor) => tf.tidy(() => {
      const ce = (q: tf.Tensor, s: tf.Tensor) => tf.mean(tf.neg(tf.sum(tf.mul(q, tf.logSoftmax(tf.div(s, 0.1))), 1)));
      return tf.mul(0.5, tf.add(ce(Q2, x), ce(Q1, S2))) as tf.Scalar;
    });
    const x = tf.tensor2d(s1);
    const g = tf.grad((v: tf.Tensor) => swavLoss(v as tf.Tensor2D, S2))(x);
    const analytic = await val(g);
    expectClose(analytic, await numericGrad(fixedCodes, x, 1e-3), 2e-3, 2e-2);
    // not the gradient through the codes: differentiating the codes too gives another gradient
    const through = await numericGrad((v) => tf.tidy(() => {
      const q = sinkhornKnopp(v as tf.Tensor2D); // recomputed at each perturbed point
      const ce = (qq: tf.Tensor, s: tf.Tensor) => tf.mean(tf.neg(tf.sum(tf.mul(qq, tf.logSoftmax(tf.div(s, 0.1))), 1)));
      return tf.mul(0.5, tf.add(ce(Q2, v), ce(q, S2))) as tf.Scalar;
    }), x, 1e-3);
    expect(Math.max(...analytic.map((a, i) => Math.abs(a - through[i]!)))).toBeGreaterThan(1e-3);
    tf.dispose([Q1, Q2, S2, x]);
  });
  it('no leaks; bad input names the argument', async () => {
    const a = tf.tensor2d(s1), b = tf.tensor2d(s2);
    await expectNoLeak(() => { swavLoss(a, b).dispose(); sinkhornKnopp(a).dispose(); });
    expect(() => swavLoss(a, tf.ones([3, 5]) as tf.Tensor2D)).toThrow(/argument 'scores2'/);
    expect(() => swavLoss(a, b, { temperature: 0 })).toThrow(/'temperature'/);
    expect(() => sinkhornKnopp(a, { iterations: 0 })).toThrow(/'iterations'/);
    expect(() => sinkhornKnopp(a, { epsilon: -1 })).toThrow(/'epsilon'/);
    tf.dispose([a, b]);
  });
});
