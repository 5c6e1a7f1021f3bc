import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  contrastiveInstance, generalizedContrastiveLoss, labelledDistances, liftedStructuredLoss, mineLoss, nPairLoss, pairedDistances,
  softMarginTripletLoss, tripletLoss, type ContrastiveDistances, type ContrastiveInstanceName,
} from '../../../lib/losses/metric/index.js';
import { expectNoLeak, useBackend } from '../../helpers.js';
import { checkGrad, dot, eucDist, randomRows, sqDist, unit, value } from './ref.js';

beforeAll(() => useBackend('cpu'));

const gen = async (d: ContrastiveDistances, name: ContrastiveInstanceName, o: { temperature?: number; epsilon?: number; slope?: number } = {}) => {
  const v = await value(generalizedContrastiveLoss(d, contrastiveInstance(name, o)));
  tf.dispose([d.pos, d.neg, d.mask]);
  return v;
};

describe('L_{φ,ψ} on a hand example', () => {
  // anchors (0,0), (1,0); positives (0,1), (1,2): d_0² = 1, d_1² = 4, d_01² = ‖a_0 − p_1‖² = 5, d_10² = 2.
  // x_0 = d_0² − d_01² = −4, x_1 = d_1² − d_10² = 2.
  const A = [[0, 0], [1, 0]], P = [[0, 1], [1, 2]];
  const d = () => pairedDistances(tf.tensor2d(A), tf.tensor2d(P));
  const mean = (f: (x: number) => number) => (f(-4) + f(2)) / 2;
  it('every row of the table', async () => {
    expect(await gen(d(), 'triplet', { epsilon: 0.2 })).toBeCloseTo(mean((x) => Math.max(0, x + 0.2)), 5); // (0 + 2.2)/2
    expect(await gen(d(), 'nPlusOneTuple')).toBeCloseTo(mean((x) => Math.log1p(Math.exp(x))), 5);
    expect(await gen(d(), 'mine')).toBeCloseTo(mean((x) => x), 5); // log e^x = x: −1
    expect(await gen(d(), 'liftedStructured', { epsilon: 1 })).toBeCloseTo(mean((x) => Math.max(0, x + 1) ** 2), 5); // 4.5
    expect(await gen(d(), 'infoNCE', { temperature: 0.5 })).toBeCloseTo(mean((x) => 0.5 * Math.log(1 + Math.exp(x / 0.5))), 5);
    expect(await gen(d(), 'softTriplet', { temperature: 0.5, epsilon: 0.1 })).toBeCloseTo(mean((x) => 0.5 * Math.log1p(Math.exp(x / 0.5 + 0.1))), 5);
    // Modified Triplet: sigmoid(c·x) summed; c = 0.5: (σ(−2) + σ(1))/2 = (0.119203 + 0.731059)/2
    expect(await gen(d(), 'modifiedTriplet', { slope: 0.5 })).toBeCloseTo((0.11920292 + 0.73105858) / 2, 5);
    // Triplet Contrastive: linear/linear, (−4 + 2)/2 = −1
    expect(await gen(d(), 'tripletContrastive')).toBeCloseTo(-1, 5);
    // the deck's sum instead of the mean
    const dd = d();
    expect(await value(generalizedContrastiveLoss(dd, contrastiveInstance('triplet', { epsilon: 0.2 }), { reduction: 'sum' }))).toBeCloseTo(2.2, 5);
    tf.dispose([dd.pos, dd.neg, dd.mask]);
  });
});

describe('instances equal the direct implementations where they coincide', () => {
  const N = 6;
  const A = randomRows(N, 4, 31).map(unit), P = randomRows(N, 4, 32).map(unit);
  const a = () => tf.tensor2d(A), p = () => tf.tensor2d(P);

  it('InfoNCE(τ, ε = 1) = τ · InfoNCE with cosine similarity at temperature τ/2 (unit rows)', async () => {
    const tau = 0.4;
    // independent: loops over cosine similarities (= dot products of unit rows)
    let ref = 0;
    for (let i = 0; i < N; i++) {
      const logits = P.map((pj) => dot(A[i]!, pj) / (tau / 2));
      const lse = Math.log(logits.reduce((s, v) => s + Math.exp(v), 0));
      ref += lse - logits[i]!;
    }
    ref /= N;
    const g = await gen(pairedDistances(a(), p()), 'infoNCE', { temperature: tau });
    expect(g).toBeCloseTo(tau * ref, 4);
    // and against the course's InfoNCE (lib/losses/contrastive, another engineer's file) when it is there
    const path = new URL('../../../lib/losses/contrastive/infonce.ts', import.meta.url);
    if (existsSync(path)) {
      const { infoNce } = (await import(path.href)) as { infoNce: (a: tf.Tensor2D, p: tf.Tensor2D, n: tf.Tensor3D, o: { temperature: number }) => tf.Scalar };
      const negs = tf.tensor3d(A.map((_, i) => P.filter((_, j) => j !== i)));
      expect(tau * (await value(infoNce(a(), p(), negs, { temperature: tau / 2 })))).toBeCloseTo(g, 4);
      negs.dispose();
    }
  });
  it('InfoNCE with ε = 0 leaves the positive out of the denominator', async () => {
    const tau = 0.7;
    let ref = 0;
    for (let i = 0; i < N; i++) {
      const di = sqDist(A[i]!, P[i]!);
      ref += tau * Math.log(P.reduce((s, pj, j) => (j === i ? s : s + Math.exp((di - sqDist(A[i]!, pj)) / tau)), 0));
    }
    expect(await gen(pairedDistances(a(), p()), 'infoNCE', { temperature: tau, epsilon: 0 })).toBeCloseTo(ref / N, 4);
  });
  it('N+1 Tuple = Sohn\'s N-pair loss of √2·a, √2·p (unit rows)', async () => {
    const s2 = (rows: number[][]) => tf.tensor2d(rows.map((r) => r.map((v) => v * Math.SQRT2)));
    expect(await gen(pairedDistances(a(), p()), 'nPlusOneTuple')).toBeCloseTo(await value(nPairLoss(s2(A), s2(P))), 4);
  });
  it('Triplet(ε) = (N − 1) · triplet loss over all (a_i, p_i, p_j), squared distances', async () => {
    const rows = { a: [] as number[][], p: [] as number[][], n: [] as number[][] };
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (i !== j) (rows.a.push(A[i]!), rows.p.push(P[i]!), rows.n.push(P[j]!));
    const direct = await value(tripletLoss(tf.tensor2d(rows.a), tf.tensor2d(rows.p), tf.tensor2d(rows.n), { margin: 0.5 }));
    expect(await gen(pairedDistances(a(), p()), 'triplet', { epsilon: 0.5 })).toBeCloseTo((N - 1) * direct, 4);
  });
  it('MINE = per-anchor Donsker–Varadhan loss + log(N − 1)', async () => {
    const direct = await value(mineLoss(a(), p(), { marginal: 'perAnchor' }));
    expect(await gen(pairedDistances(a(), p()), 'mine')).toBeCloseTo(direct + Math.log(N - 1), 4);
  });
  it('Soft Triplet(τ, ε) = soft-margin triplet loss (margin τε) with one negative per anchor', async () => {
    const tau = 0.6, eps = 0.25;
    const next = (i: number) => (i + 1) % N; // the single negative of anchor i
    const d = pairedDistances(a(), p());
    const mask = tf.tensor2d(A.map((_, i) => P.map((_, j) => (j === next(i) ? 1 : 0))));
    d.mask.dispose();
    const g = await gen({ ...d, mask }, 'softTriplet', { temperature: tau, epsilon: eps });
    const direct = await value(softMarginTripletLoss(a(), p(), tf.tensor2d(A.map((_, i) => P[next(i)]!)), { temperature: tau, margin: tau * eps }));
    expect(g).toBeCloseTo(direct, 4);
  });
  it('Lifted Structured(ε) = one-sided lifted structured loss, squared distances, α = ε (labelled batch)', async () => {
    const X = randomRows(8, 3, 33, 0.5);
    const y = [0, 0, 1, 1, 2, 2, 0, 1];
    const e = tf.tensor2d(X);
    const direct = await value(liftedStructuredLoss(e, y, { symmetric: false, distance: 'squared', margin: 0.7 }));
    expect(await gen(labelledDistances(e, y), 'liftedStructured', { epsilon: 0.7 })).toBeCloseTo(direct, 4);
    e.dispose();
  });
  it('Modified Triplet = (N − 1) · mean over all triplets (a_i, p_i, p_j) of sigmoid(c(‖a_i − p_i‖² − ‖a_i − p_j‖²))', async () => {
    const c = 2.5;
    let ref = 0;
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) {
      if (j === i) continue;
      ref += 1 / (1 + Math.exp(-c * (sqDist(A[i]!, P[i]!) - sqDist(A[i]!, P[j]!))));
    }
    ref /= N; // mean over anchors of the sum over their N − 1 negatives
    expect(await gen(pairedDistances(a(), p()), 'modifiedTriplet', { slope: c })).toBeCloseTo(ref, 5);
    // bounded by N − 1 per anchor (every triplet costs < 1), unlike the hinge triplet
    expect(ref).toBeLessThan(N - 1);
  });
  it('Triplet Contrastive = 2 Σ_{j≠i}(a_iᵀp_j − a_iᵀp_i) per anchor for unit rows (Ji et al.\'s linear loss)', async () => {
    let ref = 0;
    for (let i = 0; i < N; i++) for (let j = 0; j < N; j++) if (j !== i) ref += 2 * (dot(A[i]!, P[j]!) - dot(A[i]!, P[i]!));
    ref /= N;
    expect(await gen(pairedDistances(a(), p()), 'tripletContrastive')).toBeCloseTo(ref, 4);
  });
});

describe('direct implementations against loops', () => {
  const A = randomRows(5, 3, 41, 0.7), P = randomRows(5, 3, 42, 0.7);
  it('nPairLoss: mean log(1 + Σ_{j≠i} exp(a_iᵀp_j − a_iᵀp_i)) + l2 regulariser', async () => {
    let ref = 0;
    for (let i = 0; i < 5; i++) ref += Math.log1p(P.reduce((s, pj, j) => (j === i ? s : s + Math.exp(dot(A[i]!, pj) - dot(A[i]!, P[i]!))), 0));
    ref /= 5;
    const reg = (A.flat().reduce((s, v) => s + v * v, 0) + P.flat().reduce((s, v) => s + v * v, 0)) / 5;
    expect(await value(nPairLoss(tf.tensor2d(A), tf.tensor2d(P)))).toBeCloseTo(ref, 4);
    expect(await value(nPairLoss(tf.tensor2d(A), tf.tensor2d(P), { l2Reg: 0.01 }))).toBeCloseTo(ref + 0.01 * reg, 4);
    await checkGrad((v) => nPairLoss(v as tf.Tensor2D, tf.tensor2d(P)), tf.tensor2d(A));
  });
  it('mineLoss (pooled): −( mean T_ii − log mean_{i≠j} e^{T_ij} ), T = −‖a − p‖²', async () => {
    let joint = 0, marg = 0;
    for (let i = 0; i < 5; i++) {
      joint -= sqDist(A[i]!, P[i]!) / 5;
      for (let j = 0; j < 5; j++) if (j !== i) marg += Math.exp(-sqDist(A[i]!, P[j]!)) / 20;
    }
    expect(await value(mineLoss(tf.tensor2d(A), tf.tensor2d(P)))).toBeCloseTo(-(joint - Math.log(marg)), 4);
    await checkGrad((v) => mineLoss(v as tf.Tensor2D, tf.tensor2d(P)), tf.tensor2d(A));
  });
  it('liftedStructuredLoss (symmetric, Euclidean): 1/(2|P|) Σ max(0, J_ij)² over the positive pairs', async () => {
    const X = randomRows(8, 3, 43, 0.6);
    const y = [0, 0, 1, 1, 2, 2, 0, 1];
    const alpha = 1;
    const negSum = (i: number) => X.reduce((s, xk, k) => (y[k] !== y[i] ? s + Math.exp(alpha - eucDist(X[i]!, xk)) : s), 0);
    let sum = 0, pairs = 0;
    for (let i = 0; i < 8; i++)
      for (let j = i + 1; j < 8; j++)
        if (y[i] === y[j]) {
          sum += Math.max(0, Math.log(negSum(i) + negSum(j)) + eucDist(X[i]!, X[j]!)) ** 2;
          pairs++;
        }
    const e = tf.tensor2d(X);
    expect(await value(liftedStructuredLoss(e, y))).toBeCloseTo(sum / (2 * pairs), 4);
    await checkGrad((v) => liftedStructuredLoss(v as tf.Tensor2D, y), e);
    await expectNoLeak(() => liftedStructuredLoss(e, y).dispose());
    e.dispose();
  });
  it('gradient of the generic form matches central differences', async () => {
    const pp = tf.tensor2d(P);
    for (const name of ['infoNCE', 'liftedStructured', 'softTriplet', 'modifiedTriplet', 'tripletContrastive'] as const)
      await checkGrad((v) => {
        const d = pairedDistances(v as tf.Tensor2D, pp);
        return generalizedContrastiveLoss(d, contrastiveInstance(name, { temperature: 0.8 }));
      }, tf.tensor2d(A));
    pp.dispose();
  });
});

describe('bad input', () => {
  it('names the argument', () => {
    const e = tf.tensor2d(randomRows(4, 2, 1));
    expect(() => contrastiveInstance('simclr' as never)).toThrow(/'name'.*infoNCE/);
    expect(() => contrastiveInstance('triplet', { epsilon: -1 })).toThrow(/'epsilon'/);
    expect(() => contrastiveInstance('infoNCE', { temperature: 0 })).toThrow(/'temperature'/);
    expect(() => contrastiveInstance('modifiedTriplet', { slope: 0 })).toThrow(/'slope'/);
    expect(() => labelledDistances(e, tf.tensor1d([0, 0, 1, 1], 'int32') as never)).toThrow(/'labels'.*await y.data/);
    expect(() => labelledDistances(e, [0, 1, 2, 3])).toThrow(/positives/);
    expect(() => pairedDistances(e, tf.ones([3, 2]) as tf.Tensor2D)).toThrow(/'positives'/);
    const d = pairedDistances(e, e);
    expect(() => generalizedContrastiveLoss({ ...d, mask: tf.ones([4, 3]) as tf.Tensor2D }, contrastiveInstance('mine'))).toThrow(/'d.mask'/);
    expect(() => mineLoss(e, e, { marginal: 'global' as never })).toThrow(/'marginal'/);
    tf.dispose([e, d.pos, d.neg, d.mask]);
  });
});
