import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { features } from '../../lib/eval/features.js';
import { retrievalMetrics } from '../../lib/eval/retrieval.js';
import { auc, bestThreshold, pairScores, rocCurve, samplePairs } from '../../lib/eval/verification.js';
import { Rng } from '../../lib/util/rng.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

describe('retrievalMetrics (hand-computed, AccuracyCalculator conventions)', () => {
  // 1-D points with labels; each query excluded from its own neighbours; R = same-class count − 1.
  //   q0 x=0   y0 R=1: order 1(y1) 3(y1) 2(y0) 4   → P@1 0, RP 0,   AP 0,     first hit at rank 3
  //   q1 x=0.5 y1 R=2: order 0(y0) 3(y1) 2 4       → P@1 0, RP 1/2, AP 1/4,   first hit rank 2
  //   q2 x=2   y0 R=1: order 3 4 1 0(y0)           → P@1 0, RP 0,   AP 0,     first hit rank 4
  //   q3 x=1.2 y1 R=2: order 1(y1) 2(y0) 0 4       → P@1 1, RP 1/2, AP 1/2,   first hit rank 1
  //   q4 x=3   y1 R=2: order 2(y0) 3(y1) 1 0       → P@1 0, RP 1/2, AP 1/4,   first hit rank 2
  const f = features([[0], [0.5], [2], [1.2], [3]]);
  const y = [0, 1, 0, 1, 1];
  it('precision@1, R-precision, MAP@R, recall@k', async () => {
    const r = await retrievalMetrics(f, y, { distance: 'euclidean', recallAt: [1, 2, 4] });
    expect(r.precisionAt1).toBeCloseTo(1 / 5, 10);
    expect(r.rPrecision).toBeCloseTo((0 + 0.5 + 0 + 0.5 + 0.5) / 5, 10);
    expect(r.mapAtR).toBeCloseTo((0 + 0.25 + 0 + 0.5 + 0.25) / 5, 10);
    expect(r.recallAt).toEqual({ 1: 0.2, 2: 0.6, 4: 1 });
    expect(r.queries).toBe(5);
    expect(r.skipped).toBe(0);
  });
  it('tiles of query rows give the same numbers; nothing left on the backend', async () => {
    const a = await retrievalMetrics(f, y, { distance: 'euclidean' });
    const b = await expectNoLeak(() => retrievalMetrics(f, y, { distance: 'euclidean', tileRows: 2 }));
    expect(b).toEqual(a);
  });
  it('separate reference set (no self-exclusion), cosine similarity', async () => {
    // queries at angles 0° (y0) and 90° (y1); references at 10° y0, 80° y1, 100° y0, 200° y1
    const deg = (d: number) => [Math.cos((d * Math.PI) / 180), Math.sin((d * Math.PI) / 180)];
    const q = features([deg(0), deg(90)]);
    const ref = features([deg(10), deg(80), deg(100), deg(200)]);
    // q0 (y0, R=2): order 10°(y0) 80°(y1) 100°(y0) 200° → P@1 1, RP 1/2, AP (1 + 0)/2 = 1/2
    // q1 (y1, R=2): order 80°(y1) 100°(y0) 10°(y0) 200°(y1) → P@1 1, RP 1/2, AP 1/2
    const r = await retrievalMetrics(q, [0, 1], { reference: ref, referenceLabels: [0, 1, 0, 1] });
    expect(r).toMatchObject({ precisionAt1: 1, rPrecision: 0.5, mapAtR: 0.5 });
    // a perfect ranking: every metric 1
    const perfect = await retrievalMetrics(features([[1, 0], [0.9, 0.1], [0, 1], [0.1, 0.9]]), [0, 0, 1, 1]);
    expect(perfect).toMatchObject({ precisionAt1: 1, rPrecision: 1, mapAtR: 1 });
  });
  it('MAP@R against a brute-force definition on random data', async () => {
    const rng = new Rng(3);
    const n = 40, d = 3;
    const rows = Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
    const labels = Array.from({ length: n }, () => rng.int(4));
    let map = 0, cnt = 0;
    for (let i = 0; i < n; i++) {
      const others = rows.map((r, j) => ({ j, s: rows[i]!.reduce((a, v, k) => a + v * r[k]!, 0) / (Math.hypot(...rows[i]!) * Math.hypot(...r)) })).filter((o) => o.j !== i);
      others.sort((a, b) => b.s - a.s || a.j - b.j);
      const R = labels.filter((l, j) => j !== i && l === labels[i]).length;
      if (R === 0) continue;
      let ap = 0;
      for (let t = 1; t <= R; t++) if (labels[others[t - 1]!.j] === labels[i]) ap += others.slice(0, t).filter((o) => labels[o.j] === labels[i]).length / t;
      map += ap / R;
      cnt++;
    }
    const r = await retrievalMetrics(features(rows), labels);
    expect(r.mapAtR).toBeCloseTo(map / cnt, 6);
  });
  it('singleton classes are skipped and counted; nothing to average is an error', async () => {
    const r = await retrievalMetrics(features([[0], [1], [5]]), [0, 0, 1], { distance: 'euclidean' });
    expect(r.skipped).toBe(1);
    expect(r.queries).toBe(2);
    await expect(retrievalMetrics(features([[0], [1]]), [0, 1])).rejects.toThrow(/'queryLabels'.*same-class reference/);
  });
  it('bad input names the argument', async () => {
    await expect(retrievalMetrics(f, [0, 1])).rejects.toThrow(/'queryLabels'/);
    await expect(retrievalMetrics(f, y, { reference: f })).rejects.toThrow(/'referenceLabels'/);
    await expect(retrievalMetrics(f, y, { recallAt: [0] })).rejects.toThrow(/'recallAt'/);
    await expect(retrievalMetrics(f, y, { reference: features([[1, 2]]), referenceLabels: [0] })).rejects.toThrow(/'reference'.*dimension 1/);
  });
});

describe('verification: ROC and AUC', () => {
  it('hand example', () => {
    const roc = rocCurve([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0]);
    expect(roc.fpr).toEqual([0, 0, 0.5, 0.5, 1]);
    expect(roc.tpr).toEqual([0, 0.5, 0.5, 1, 1]);
    expect(roc.thresholds).toEqual([Infinity, 0.9, 0.8, 0.7, 0.6]);
    expect(auc(roc)).toBeCloseTo(0.75, 12);
    expect(bestThreshold([0.9, 0.8, 0.7, 0.6], [1, 0, 1, 0])).toEqual({ threshold: 0.9, accuracy: 0.75 });
    expect(auc(rocCurve([3, 2, 1, 0], [true, true, false, false]))).toBe(1);
  });
  it('AUC = P(same score > different score) + ½ P(tie) (Mann–Whitney), ties included', () => {
    const rng = new Rng(9);
    const scores = Array.from({ length: 60 }, () => Math.round(rng.normal() * 4) / 4); // many ties
    const same = scores.map((s) => (rng.uniform() < 0.3 + 0.1 * s ? 1 : 0));
    let u = 0, pairs = 0;
    for (let i = 0; i < 60; i++) for (let j = 0; j < 60; j++) if (same[i] === 1 && same[j] === 0) (u += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0), pairs++;
    expect(auc(rocCurve(scores, same))).toBeCloseTo(u / pairs, 10);
  });
  it('samplePairs and pairScores', () => {
    const labels = [0, 0, 1, 1, 2, 2, 2];
    const p = samplePairs(labels, { numPairs: 20, seed: 1 });
    expect(Array.from(p.same).filter((s) => s === 1).length).toBe(10);
    for (let k = 0; k < 20; k++) {
      expect(p.i[k]).not.toBe(p.j[k]);
      expect(p.same[k]).toBe(labels[p.i[k]!] === labels[p.j[k]!] ? 1 : 0);
    }
    expect(samplePairs(labels, { numPairs: 20, seed: 1 })).toEqual(p);
    const f = features([[3, 4], [1, 0], [0, 2]]);
    expectClose(pairScores(f, { i: [0, 1], j: [1, 2] }), [0.6, 0], 1e-6);
    expectClose(pairScores(f, { i: [0], j: [1] }, { distance: 'euclidean' }), [-Math.hypot(2, 4)], 1e-6);
  });
  it('bad input', () => {
    expect(() => rocCurve([1, 2], [1, 1])).toThrow(/'same'.*both same/);
    expect(() => rocCurve([1, NaN], [1, 0])).toThrow(/'scores'.*finite/);
    expect(() => rocCurve([1, 2], [1, 2])).toThrow(/'same'.*0\/1/);
    expect(() => samplePairs([0, 1, 2], { numPairs: 4 })).toThrow(/'labels'/);
    expect(() => pairScores(features([[1]]), { i: [0], j: [3] })).toThrow(/'pairs'/);
  });
});

