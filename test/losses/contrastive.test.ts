import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { infoNce, infoNceLogits, ntXent, ntXentAccuracy, ntXentLogits } from '../../lib/losses/contrastive/index.js';
import { Rng } from '../../lib/util/rng.js';
import { expectClose, expectNoLeak, numericGrad, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

const rows = (n: number, d: number, seed: number) => {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => r.normal()));
};
const unit = (v: number[]) => {
  const s = Math.sqrt(v.reduce((a, b) => a + b * b, 0));
  return v.map((x) => x / s);
};
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
/** −log softmax(logits)[k], written out directly. */
const xent = (logits: number[], k: number) => {
  const m = Math.max(...logits);
  const z = logits.reduce((s, l) => s + Math.exp(l - m), 0);
  return -(logits[k]! - m - Math.log(z));
};

/** InfoNCE in plain JS, straight from the deck's formula. */
function infoNceDirect(a: number[][], p: number[][], negs: number[][] | number[][][], tau: number): number {
  let total = 0;
  a.forEach((an, i) => {
    const set = (Array.isArray(negs[0]![0]) ? (negs as number[][][])[i]! : (negs as number[][]));
    const u = unit(an);
    const num = Math.exp(dot(u, unit(p[i]!)) / tau);
    const den = num + set.reduce((s, nv) => s + Math.exp(dot(u, unit(nv)) / tau), 0);
    total += -Math.log(num / den);
  });
  return total / a.length;
}

/** NT-Xent in plain JS: 2N anchors, each against its other view and the 2N − 2 other views. */
function ntXentDirect(z1: number[][], z2: number[][], tau: number): number {
  const z = [...z1, ...z2].map(unit);
  const n = z1.length;
  let total = 0;
  for (let i = 0; i < 2 * n; i++) {
    const j = i < n ? i + n : i - n;
    const others = z.map((_, k) => k).filter((k) => k !== i);
    total += xent(others.map((k) => dot(z[i]!, z[k]!) / tau), others.indexOf(j));
  }
  return total / (2 * n);
}

describe('infoNce', () => {
  it('equals the direct formula with shared and per-anchor negatives', async () => {
    const a = rows(3, 4, 1), p = rows(3, 4, 2), negs = rows(5, 4, 3), negs3 = [rows(2, 4, 4), rows(2, 4, 5), rows(2, 4, 6)];
    for (const tau of [0.1, 0.5, 1]) {
      const l = infoNce(tf.tensor2d(a), tf.tensor2d(p), tf.tensor2d(negs), { temperature: tau });
      expect((await l.data())[0]).toBeCloseTo(infoNceDirect(a, p, negs, tau), 4);
      const l3 = infoNce(tf.tensor2d(a), tf.tensor2d(p), tf.tensor3d(negs3), { temperature: tau });
      expect((await l3.data())[0]).toBeCloseTo(infoNceDirect(a, p, negs3, tau), 4);
      tf.dispose([l, l3]);
    }
  });

  it('logits: column 0 is the positive; the loss is their softmax cross-entropy with class 0', async () => {
    const a = tf.tensor2d(rows(2, 3, 7)), p = tf.tensor2d(rows(2, 3, 8)), n = tf.tensor2d(rows(4, 3, 9));
    const logits = infoNceLogits(a, p, n, { temperature: 0.2 });
    expect(logits.shape).toEqual([2, 5]);
    const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d([0, 0], 'int32'), 5), logits);
    const l = infoNce(a, p, n, { temperature: 0.2 });
    expect((await l.data())[0]).toBeCloseTo((await ce.data())[0]!, 5);
    tf.dispose([a, p, n, logits, ce, l]);
  });

  it('gradients match numeric gradients (anchor and negatives)', async () => {
    const a = tf.tensor2d(rows(2, 3, 10)), p = tf.tensor2d(rows(2, 3, 11)), n = tf.tensor2d(rows(3, 3, 12));
    const fa = (x: tf.Tensor) => infoNce(x as tf.Tensor2D, p, n, { temperature: 0.5 });
    const ga = tf.grad(fa)(a);
    expectClose(await ga.data(), await numericGrad(fa, a, 1e-2), 2e-3, 2e-2);
    const fn = (x: tf.Tensor) => infoNce(a, p, x as tf.Tensor2D, { temperature: 0.5 });
    const gn = tf.grad(fn)(n);
    expectClose(await gn.data(), await numericGrad(fn, n, 1e-2), 2e-3, 2e-2);
    tf.dispose([a, p, n, ga, gn]);
  });

  it('bad input: temperature <= 0, mismatched shapes', () => {
    const a = tf.zeros([2, 3]) as tf.Tensor2D, n = tf.zeros([4, 3]) as tf.Tensor2D;
    expect(() => infoNce(a, a, n, { temperature: 0 })).toThrow(/'temperature' must be a positive number.*Fix/);
    expect(() => infoNce(a, tf.zeros([3, 3]) as tf.Tensor2D, n)).toThrow(/'positive'/);
    expect(() => infoNce(a, a, tf.zeros([4, 5]) as tf.Tensor2D)).toThrow(/'negatives'/);
    tf.dispose([a, n]);
  });
});

describe('ntXent', () => {
  it('equals the direct 2N-anchor computation for several τ and batch sizes', async () => {
    for (const [n, tau] of [[2, 0.5], [3, 0.1], [5, 1]] as const) {
      const z1 = rows(n, 4, n), z2 = rows(n, 4, n + 10);
      const l = ntXent(tf.tensor2d(z1), tf.tensor2d(z2), { temperature: tau });
      expect((await l.data())[0]).toBeCloseTo(ntXentDirect(z1, z2, tau), 4);
      l.dispose();
    }
  });

  it('is the softmax cross-entropy of its logits; identical views are classified perfectly at small τ', async () => {
    const z1 = tf.tensor2d(rows(4, 6, 1)), z2 = tf.tensor2d(rows(4, 6, 2));
    const { logits, labels } = ntXentLogits(z1, z2, { temperature: 0.3 });
    expect(await labels.data()).toEqual(Int32Array.from([4, 5, 6, 7, 0, 1, 2, 3]));
    const ce = tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 8), logits);
    const l = ntXent(z1, z2, { temperature: 0.3 });
    expect((await l.data())[0]).toBeCloseTo((await ce.data())[0]!, 4);
    expect(await ntXentAccuracy(z1, z1, { temperature: 0.1 })).toBe(1);
    tf.dispose([z1, z2, logits, labels, ce, l]);
  });

  it('gradients match numeric gradients; no tensors leak', async () => {
    const z1 = tf.tensor2d(rows(3, 3, 20)), z2 = tf.tensor2d(rows(3, 3, 21));
    const f = (x: tf.Tensor) => ntXent(x as tf.Tensor2D, z2, { temperature: 0.5 });
    const g = tf.grad(f)(z1);
    expectClose(await g.data(), await numericGrad(f, z1, 1e-2), 2e-3, 2e-2);
    await expectNoLeak(() => tf.dispose(ntXent(z1, z2)));
    tf.dispose([z1, z2, g]);
  });

  it('bad input: a batch of 1, temperature <= 0, mismatched views', () => {
    const one = tf.zeros([1, 3]) as tf.Tensor2D, z = tf.zeros([2, 3]) as tf.Tensor2D;
    expect(() => ntXent(one, one)).toThrow(/N >= 2.*Fix: use a batch size of at least 2/);
    expect(() => ntXent(z, z, { temperature: -1 })).toThrow(/'temperature'/);
    expect(() => ntXent(z, tf.zeros([2, 4]) as tf.Tensor2D)).toThrow(/'z2'/);
    tf.dispose([one, z]);
  });
});
