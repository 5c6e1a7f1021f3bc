import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  barlowTwinsLoss, barlowTwinsTerms, byolLoss, covarianceLoss, crossCorrelation, dinoLoss, invarianceLoss, maskedMse, negativeCosine,
  normalizedMse, simsiamLoss, updatedCenter, varianceLoss, vicregLoss, vicregTerms,
} from '../../lib/losses/noncontrastive/index.js';
import { Rng } from '../../lib/util/rng.js';
import { expectClose, expectNoLeak, numericGrad, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

type M = number[][];
const rand = (n: number, d: number, seed: number): M => {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => r.normal()));
};
const t2 = (m: M) => tf.tensor2d(m);
const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));
const cos = (a: number[], b: number[]) => dot(a, b) / (norm(a) * norm(b));
const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
const col = (m: M, j: number) => m.map((r) => r[j]!);
const val = async (t: tf.Tensor) => {
  const v = (await t.data())[0]!;
  t.dispose();
  return v;
};

/** Gradient of f at x by tf.grad, compared with central differences. */
async function checkGrad(f: (x: tf.Tensor) => tf.Scalar, x: M, atol = 2e-3, rtol = 2e-2) {
  const xt = t2(x);
  const g = tf.grad(f)(xt);
  const num = await numericGrad(f, xt, 1e-2);
  expectClose(await g.data(), num, atol, rtol);
  tf.dispose([xt, g]);
}

describe('BYOL normalised MSE', () => {
  it('equals 2 − 2cos averaged over rows, and is symmetrised by byolLoss', async () => {
    const p = rand(5, 4, 1), z = rand(5, 4, 2), p2 = rand(5, 4, 3), z1 = rand(5, 4, 4);
    const direct = mean(p.map((r, i) => 2 - 2 * cos(r, z[i]!)));
    expect(await val(normalizedMse(t2(p), t2(z)))).toBeCloseTo(direct, 5);
    // the same thing as the squared distance of unit vectors
    const unit = (a: number[]) => a.map((v) => v / norm(a));
    const sq = mean(p.map((r, i) => unit(r).reduce((s, v, k) => s + (v - unit(z[i]!)[k]!) ** 2, 0)));
    expect(direct).toBeCloseTo(sq, 10);
    const both = direct + mean(p2.map((r, i) => 2 - 2 * cos(r, z1[i]!)));
    expect(await val(byolLoss(t2(p), t2(z), t2(p2), t2(z1)))).toBeCloseTo(both, 5);
  });
  it('is 0 for aligned vectors of any length and 4 for opposite ones', async () => {
    expect(await val(normalizedMse(t2([[1, 2]]), t2([[3, 6]])))).toBeCloseTo(0, 5);
    expect(await val(normalizedMse(t2([[1, 2]]), t2([[-1, -2]])))).toBeCloseTo(4, 5);
  });
  it('gradient matches numeric differences', async () => {
    const z = rand(4, 3, 6);
    await checkGrad((x) => normalizedMse(x as tf.Tensor2D, t2(z)), rand(4, 3, 5));
  });
  it('an all-zero prediction row (a dead ReLU layer) gives a finite gradient, not NaN', async () => {
    const p = t2([[0, 0, 0], [1, 2, 3]]), z = t2([[1, 0, 0], [0, 1, 0]]);
    for (const f of [(x: tf.Tensor) => normalizedMse(x as tf.Tensor2D, z), (x: tf.Tensor) => negativeCosine(x as tf.Tensor2D, z)]) {
      const g = tf.grad(f)(p);
      for (const v of await g.data()) expect(Number.isFinite(v)).toBe(true);
      g.dispose();
    }
    tf.dispose([p, z]);
  });
  it('rejects mismatched shapes naming the argument', () => {
    expect(() => normalizedMse(tf.ones([2, 3]) as tf.Tensor2D, tf.ones([2, 4]) as tf.Tensor2D)).toThrow(/argument 'z'/);
  });
});

describe('SimSiam negative cosine', () => {
  it('D = −mean cos and L = ½D(p1,z2) + ½D(p2,z1)', async () => {
    const [p1, z2, p2, z1] = [rand(6, 5, 1), rand(6, 5, 2), rand(6, 5, 3), rand(6, 5, 4)];
    const d = (a: M, b: M) => -mean(a.map((r, i) => cos(r, b[i]!)));
    expect(await val(negativeCosine(t2(p1), t2(z2)))).toBeCloseTo(d(p1, z2), 5);
    expect(await val(simsiamLoss(t2(p1), t2(z2), t2(p2), t2(z1)))).toBeCloseTo(0.5 * d(p1, z2) + 0.5 * d(p2, z1), 5);
    expect(await val(negativeCosine(t2([[1, 1]]), t2([[2, 2]])))).toBeCloseTo(-1, 5);
  });
  it('stop-gradient: no gradient reaches the targets; without it the gradient matches numeric differences', async () => {
    const p = rand(4, 3, 7), p2 = rand(4, 3, 8), z1 = rand(4, 3, 9);
    const f = (stop: boolean) => (x: tf.Tensor) => simsiamLoss(t2(p), x as tf.Tensor2D, t2(p2), t2(z1), { stopGradient: stop });
    const zt = t2(rand(4, 3, 10));
    const g = tf.grad(f(true))(zt);
    expectClose(await g.data(), new Array(12).fill(0));
    tf.dispose([zt, g]);
    await checkGrad(f(false), rand(4, 3, 10));
    await checkGrad((x) => simsiamLoss(x as tf.Tensor2D, t2(p2), t2(p), t2(z1)), rand(4, 3, 11));
  });
});

/** Independent Barlow Twins: standardise columns (unbiased std + 1e-5), C = AᵀB/N, Σ(1−C_ii)² + λΣ_{i≠j}C_ij². */
function barlowDirect(a: M, b: M, lambda: number) {
  const n = a.length, d = a[0]!.length;
  const std = (m: M) => {
    const out = m.map((r) => r.slice());
    for (let j = 0; j < d; j++) {
      const c = col(m, j), mu = mean(c);
      const s = Math.sqrt(c.reduce((acc, v) => acc + (v - mu) ** 2, 0) / (n - 1));
      for (let i = 0; i < n; i++) out[i]![j] = (m[i]![j]! - mu) / (s + 1e-5);
    }
    return out;
  };
  const A = std(a), B = std(b);
  const C = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => A.reduce((s, r, k) => s + r[i]! * B[k]![j]!, 0) / n));
  let inv = 0, red = 0;
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) (i === j ? (inv += (1 - C[i]![j]!) ** 2) : (red += C[i]![j]! ** 2));
  return { C, inv, red, loss: inv + lambda * red };
}

describe('Barlow Twins', () => {
  it('matches the direct computation (cross-correlation, both terms, λ)', async () => {
    const a = rand(8, 4, 1), b = rand(8, 4, 2);
    const ref = barlowDirect(a, b, 0.1);
    const c = crossCorrelation(t2(a), t2(b));
    expectClose(await c.data(), ref.C.flat(), 1e-4, 1e-3);
    c.dispose();
    const { invariance, redundancy } = barlowTwinsTerms(t2(a), t2(b));
    expect(await val(invariance)).toBeCloseTo(ref.inv, 3);
    expect(await val(redundancy)).toBeCloseTo(ref.red, 3);
    expect(await val(barlowTwinsLoss(t2(a), t2(b), { lambda: 0.1 }))).toBeCloseTo(ref.loss, 3);
  });
  it('identical decorrelated views give C = I and a loss near 0', async () => {
    // columns of a 4x2 ±1 design: mean 0, orthogonal
    const a = [[1, 1], [1, -1], [-1, 1], [-1, -1]];
    const loss = await val(barlowTwinsLoss(t2(a), t2(a)));
    // C_ii = (n-1)/n · (1 + 1e-5/s)^-2 with the unbiased std: (3/4)... exactly as the direct formula
    expect(loss).toBeCloseTo(barlowDirect(a, a, 5e-3).loss, 5);
    expect(barlowDirect(a, a, 5e-3).red).toBeCloseTo(0, 10);
  });
  it('gradient matches numeric differences', async () => {
    const b = rand(6, 3, 4);
    await checkGrad((x) => barlowTwinsLoss(x as tf.Tensor2D, t2(b), { lambda: 0.2 }), rand(6, 3, 3), 5e-3, 3e-2);
  });
  it('bad λ and a batch of one are rejected', () => {
    expect(() => barlowTwinsLoss(tf.ones([4, 2]) as tf.Tensor2D, tf.ones([4, 2]) as tf.Tensor2D, { lambda: -1 })).toThrow(/argument 'lambda'/);
    expect(() => barlowTwinsLoss(tf.ones([1, 2]) as tf.Tensor2D, tf.ones([1, 2]) as tf.Tensor2D)).toThrow(/larger batch/);
  });
});

function vicregDirect(a: M, b: M, lam: number, mu: number, nu: number, gamma = 1, eps = 1e-4) {
  const n = a.length, d = a[0]!.length;
  const v = (m: M) => mean(Array.from({ length: d }, (_, j) => {
    const c = col(m, j), mm = mean(c);
    const s = Math.sqrt(c.reduce((acc, x) => acc + (x - mm) ** 2, 0) / (n - 1) + eps);
    return Math.max(0, gamma - s);
  }));
  const c = (m: M) => {
    const mus = Array.from({ length: d }, (_, j) => mean(col(m, j)));
    let s = 0;
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
      if (i === j) continue;
      const cij = m.reduce((acc, r) => acc + (r[i]! - mus[i]!) * (r[j]! - mus[j]!), 0) / (n - 1);
      s += cij * cij;
    }
    return s / d;
  };
  // the official code: repr_loss = F.mse_loss(x, y) (mean over n·d entries); std_loss = mean(relu(1 − std_x))/2 +
  // mean(relu(1 − std_y))/2; loss = λ·repr_loss + μ·std_loss + ν·cov_loss
  const s = mean(a.map((r, i) => r.reduce((acc, x, k) => acc + (x - b[i]![k]!) ** 2, 0))) / d;
  const deckS = mean(a.map((r, i) => r.reduce((acc, x, k) => acc + (x - b[i]![k]!) ** 2, 0)));
  return { s, deckS, va: v(a), vb: v(b), ca: c(a), cb: c(b), loss: lam * s + mu * (v(a) / 2 + v(b) / 2) + nu * (c(a) + c(b)) };
}

describe('VICReg', () => {
  const a = rand(7, 4, 1).map((r) => r.map((x) => 0.5 * x)), b = rand(7, 4, 2).map((r) => r.map((x) => 0.5 * x));
  it('each term and the weighted sum match the direct computation', async () => {
    const ref = vicregDirect(a, b, 25, 25, 1);
    expect(await val(varianceLoss(t2(a)))).toBeCloseTo(ref.va, 4);
    expect(await val(covarianceLoss(t2(a)))).toBeCloseTo(ref.ca, 4);
    expect(await val(invarianceLoss(t2(a), t2(b)))).toBeCloseTo(ref.s, 4);
    // the deck's (1/n)Σ‖z_i − z'_i‖² is d = 4 times the official mean squared error
    expect(ref.deckS).toBeCloseTo(4 * ref.s, 10);
    expect(await val(vicregLoss(t2(a), t2(b)))).toBeCloseTo(ref.loss, 3);
    const ref2 = vicregDirect(a, b, 2, 0, 3);
    const terms = vicregTerms(t2(a), t2(b), { invarianceWeight: 2, varianceWeight: 0, covarianceWeight: 3 });
    expect(await val(terms.variance)).toBe(0);
    expect(await val(terms.covariance)).toBeCloseTo(3 * (ref2.ca + ref2.cb), 4);
    expect(await val(terms.invariance)).toBeCloseTo(2 * ref2.s, 4);
    expect(await val(terms.loss)).toBeCloseTo(ref2.loss, 3);
    // the variance term is μ·(v(Z) + v(Z'))/2, not μ·(v(Z) + v(Z')): check on a batch where the hinge is active
    const small = rand(9, 3, 7).map((r) => r.map((x) => 0.1 * x)), other = rand(9, 3, 8).map((r) => r.map((x) => 0.3 * x));
    const ref3 = vicregDirect(small, other, 0, 4, 0);
    expect(ref3.va).toBeGreaterThan(0.5);
    const t3 = vicregTerms(t2(small), t2(other), { invarianceWeight: 0, varianceWeight: 4, covarianceWeight: 0 });
    expect(await val(t3.variance)).toBeCloseTo(2 * (ref3.va + ref3.vb), 4);
    tf.dispose([t3.loss, t3.invariance, t3.covariance]);
  });
  it('the variance hinge is 0 once every std exceeds γ, and ≈ γ for a collapsed batch', async () => {
    const wide = rand(16, 3, 5).map((r) => r.map((x) => 10 * x));
    expect(await val(varianceLoss(t2(wide)))).toBe(0);
    expect(await val(varianceLoss(t2(Array.from({ length: 8 }, () => [1, 2, 3]))))).toBeCloseTo(1 - Math.sqrt(1e-4), 5);
  });
  it('gradient matches numeric differences', async () => {
    await checkGrad((x) => vicregLoss(x as tf.Tensor2D, t2(b), { invarianceWeight: 1, varianceWeight: 1, covarianceWeight: 1 }), a, 5e-3, 3e-2);
  });
  it('negative weights are rejected', () => {
    expect(() => vicregLoss(t2(a), t2(b), { varianceWeight: -1 })).toThrow(/argument 'varianceWeight'/);
  });
});

describe('DINO', () => {
  const softmax = (v: number[]) => {
    const m = Math.max(...v), e = v.map((x) => Math.exp(x - m)), s = e.reduce((p, q) => p + q, 0);
    return e.map((x) => x / s);
  };
  const H = (t: M, s: M, c: number[], ts: number, tt: number) =>
    mean(t.map((row, i) => {
      const pt = softmax(row.map((x, k) => (x - c[k]!) / tt));
      const ps = softmax(s[i]!.map((x) => x / ts));
      return -pt.reduce((acc, p, k) => acc + p * Math.log(ps[k]!), 0);
    }));
  it('averages H(P_t(x), P_s(x′)) over the pairs x global, x′ ≠ x', async () => {
    const g1 = rand(3, 5, 1), g2 = rand(3, 5, 2), l1 = rand(3, 5, 3), s1 = rand(3, 5, 4), s2 = rand(3, 5, 5);
    const c = [0.1, -0.2, 0.3, 0, 0.05];
    const o = { studentTemperature: 0.2, teacherTemperature: 0.05 };
    const ref = (H(g1, s2, c, 0.2, 0.05) + H(g1, l1, c, 0.2, 0.05) + H(g2, s1, c, 0.2, 0.05) + H(g2, l1, c, 0.2, 0.05)) / 4;
    const loss = dinoLoss([t2(g1), t2(g2)], [t2(s1), t2(s2), t2(l1)], tf.tensor1d(c), o);
    expect(await val(loss)).toBeCloseTo(ref, 4);
  });
  it('no gradient reaches the teacher; the student gradient matches numeric differences', async () => {
    const g1 = rand(3, 4, 1), g2 = rand(3, 4, 2), s2 = rand(3, 4, 6);
    const c = tf.zeros([4]);
    const tg = tf.grad((x: tf.Tensor) => dinoLoss([x as tf.Tensor2D, t2(g2)], [t2(g1), t2(s2)], c))(t2(g1));
    expectClose(await tg.data(), new Array(12).fill(0));
    await checkGrad((x) => dinoLoss([t2(g1), t2(g2)], [x as tf.Tensor2D, t2(s2)], c, { studentTemperature: 0.5, teacherTemperature: 0.2 }), rand(3, 4, 7));
    tf.dispose([c, tg]);
  });
  it('centre update is the EMA of the teacher batch mean', async () => {
    const c = updatedCenter(tf.tensor1d([1, 0]), [t2([[0, 2], [2, 2]]), t2([[4, 0], [2, 0]])], 0.9);
    expectClose(await c.data(), [0.9 + 0.1 * 2, 0.1 * 1]);
    c.dispose();
    expect(() => updatedCenter(tf.tensor1d([1, 0]), [t2([[0, 2]])], 1.5)).toThrow(/argument 'momentum'/);
  });
  it('bad temperatures and shapes name the argument', () => {
    const t = tf.ones([2, 3]) as tf.Tensor2D;
    expect(() => dinoLoss([t], [t, t], tf.zeros([3]), { teacherTemperature: 0 })).toThrow(/teacherTemperature/);
    expect(() => dinoLoss([t], [t, tf.ones([2, 4]) as tf.Tensor2D], tf.zeros([3]))).toThrow(/student\[1\]/);
    expect(() => dinoLoss([t], [t, t], tf.zeros([4]))).toThrow(/argument 'center'/);
  });
});

describe('MAE masked MSE', () => {
  it('averages the per-patch MSE over masked patches only', async () => {
    const pred = [[[1, 2], [0, 0], [3, 3]], [[1, 1], [2, 2], [0, 4]]];
    const target = [[[0, 0], [5, 5], [3, 1]], [[1, 1], [0, 0], [0, 0]]];
    const mask = [[1, 0, 1], [0, 1, 1]];
    // masked patch MSEs: (1+4)/2 = 2.5, (0+4)/2 = 2, (4+4)/2 = 4, (0+16)/2 = 8 → mean 4.125
    expect(await val(maskedMse(tf.tensor3d(pred), tf.tensor3d(target), tf.tensor2d(mask)))).toBeCloseTo(4.125, 5);
  });
  it('normalised pixels: the target of each patch is standardised', async () => {
    const target = [[[1, 3], [2, 2]]];
    // patch [1, 3]: mean 2, unbiased var 2 → [−1, 1]/√(2 + 1e-6); patch [2, 2] → [0, 0]
    const s = 1 / Math.sqrt(2 + 1e-6);
    const loss = maskedMse(tf.tensor3d([[[0, 0], [0, 0]]]), tf.tensor3d(target), tf.tensor2d([[1, 1]]), { normalizePixels: true });
    expect(await val(loss)).toBeCloseTo((s * s + s * s) / 2 / 2, 5);
  });
  it('gradient matches numeric differences; bad mask shape is rejected', async () => {
    const target = tf.tensor3d(rand(2, 6, 7).map((r) => [r.slice(0, 2), r.slice(2, 4), r.slice(4, 6)]));
    const mask = tf.tensor2d([[1, 0, 1], [1, 1, 0]]);
    const f = (x: tf.Tensor) => maskedMse(tf.reshape(x, [2, 3, 2]) as tf.Tensor3D, target, mask);
    await checkGrad(f, rand(2, 6, 8));
    expect(() => maskedMse(target, target, tf.ones([2, 2]) as tf.Tensor2D)).toThrow(/argument 'mask'/);
    tf.dispose([target, mask]);
  });
});

describe('tensor hygiene', () => {
  it('no loss leaves tensors behind', async () => {
    const a = t2(rand(6, 4, 1)), b = t2(rand(6, 4, 2));
    const c = tf.zeros([4]);
    await expectNoLeak(() => {
      tf.dispose([normalizedMse(a, b), simsiamLoss(a, b, b, a), barlowTwinsLoss(a, b), vicregLoss(a, b), dinoLoss([a, b], [b, a], c), updatedCenter(c, [a], 0.9)]);
      const t = vicregTerms(a, b);
      tf.dispose([t.loss, t.invariance, t.variance, t.covariance]);
    });
    tf.dispose([a, b, c]);
  });
});
