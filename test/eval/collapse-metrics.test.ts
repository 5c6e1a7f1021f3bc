import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { alignment, normalizeRows, positivePairs, uniformity } from '../../lib/eval/alignment-uniformity.js';
import { collapseReport, perDimensionStd } from '../../lib/eval/collapse.js';
import { features } from '../../lib/eval/features.js';
import { knnMonitor } from '../../lib/eval/knn-monitor.js';
import { rankMe, rankMeFromSingularValues } from '../../lib/eval/rankme.js';
import { embeddingSpectrum, singularValues } from '../../lib/eval/spectrum.js';
import { Rng } from '../../lib/util/rng.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

const gaussian = (n: number, d: number, seed: number, scales?: number[]) => {
  const r = new Rng(seed);
  return features(Array.from({ length: n }, () => Array.from({ length: d }, (_, j) => r.normal() * (scales ? scales[j]! : 1))));
};

describe('singular values', () => {
  it('hand examples: a diagonal matrix, a rank-1 matrix, and a wide matrix (N < D uses ZZᵀ)', () => {
    // Z = diag(3, 2) padded with a zero row: σ = [3, 2]
    expectClose(singularValues(features([[3, 0], [0, 2], [0, 0]])), [3, 2], 1e-12);
    // rank 1: rows are multiples of (1, 2, 2) (norm 3) with coefficients (1, 2) (norm √5): σ1 = 3√5, others 0
    expectClose(singularValues(features([[1, 2, 2], [2, 4, 4]])), [3 * Math.sqrt(5), 0], 1e-9);
    // Z = [[1, 1], [1, -1]]/… : σ = √2, √2
    expectClose(singularValues(features([[1, 1], [1, -1], [0, 0]])), [Math.SQRT2, Math.SQRT2], 1e-12);
    // 2×2 [[2, 0], [1, 1]]: ZᵀZ = [[5, 1], [1, 1]] → λ = 3 ± √5
    expectClose(singularValues(features([[2, 0], [1, 1]])), [Math.sqrt(3 + Math.sqrt(5)), Math.sqrt(3 - Math.sqrt(5))], 1e-12);
  });
  it('agree with the eigenvalues of the covariance when centred', () => {
    const f = gaussian(200, 4, 1, [5, 2, 1, 0.5]);
    const s = singularValues(f, { center: true });
    // σ_k² / N ≈ the variances 25, 4, 1, 0.25
    const v = Array.from(s, (x) => (x * x) / 200);
    expect(v[0]! / 25).toBeGreaterThan(0.7);
    expect(v[0]! / 25).toBeLessThan(1.3);
    expect(v[3]! / 0.25).toBeGreaterThan(0.6);
    expect(v[3]! / 0.25).toBeLessThan(1.4);
  });
  it('spectrum: normalised to sum 1, log10 relative to σ1', () => {
    const sp = embeddingSpectrum(features([[3, 0], [0, 1]]));
    expectClose(sp.normalized, [0.75, 0.25]);
    expectClose(sp.log10, [0, Math.log10(1 / 3)]);
    expect(sp.index).toEqual([1, 2]);
  });
});

describe('RankMe', () => {
  it('matches exp(entropy) of p_k = σ_k/Σσ + ε by hand', () => {
    // σ = (1, 1): p = 0.5 + ε each → ≈ 2
    expect(rankMeFromSingularValues([1, 1], 0)).toBeCloseTo(2, 12);
    // σ = (3, 1): p = (0.75, 0.25): exp(−0.75 ln 0.75 − 0.25 ln 0.25)
    expect(rankMeFromSingularValues([3, 1], 0)).toBeCloseTo(Math.exp(-0.75 * Math.log(0.75) - 0.25 * Math.log(0.25)), 12);
    expect(rankMeFromSingularValues([2, 0, 0], 0)).toBe(1);
  });
  it('≈ 1 for a collapsed (constant) embedding, ≈ D for an isotropic one', () => {
    const constant = features(Array.from({ length: 100 }, () => [0.3, -1, 2, 0.5, 0.1, 0.7, 0.2, -0.4]));
    expect(rankMe(constant)).toBeLessThan(1.01);
    const iso = gaussian(2000, 8, 2);
    expect(rankMe(iso)).toBeGreaterThan(7.8);
    expect(rankMe(iso)).toBeLessThanOrEqual(8);
    // dimensional collapse onto 2 of 8 dimensions
    const two = gaussian(500, 8, 3, [1, 1, 0, 0, 0, 0, 0, 0]);
    expect(rankMe(two)).toBeGreaterThan(1.9);
    expect(rankMe(two)).toBeLessThan(2.05);
  });
  it('bad input names the argument', () => {
    expect(() => rankMeFromSingularValues([1, -1])).toThrow(/argument 'sigma'/);
    expect(() => rankMe(features([[1, NaN]]))).toThrow(/finite/);
  });
});

describe('alignment and uniformity', () => {
  it('alignment: mean ‖f(x) − f(y)‖^α on normalised rows, by hand', () => {
    const a = features([[1, 0], [0, 2]]), b = features([[0, 3], [0, 1]]);
    // pair 1: (1,0) vs (0,1): d² = 2; pair 2: identical → 0
    expect(alignment(a, b)).toBeCloseTo(1, 12);
    expect(alignment(a, b, { alpha: 1 })).toBeCloseTo(Math.SQRT2 / 2, 12);
    expect(() => alignment(a, features([[1, 2, 3]]))).toThrow(/argument 'b'/);
  });
  it('uniformity: log mean exp(−t‖·‖²) over pairs; 0 when collapsed, lower when spread', () => {
    // three points: (1,0), (0,1), (−1,0): d² = 2, 4, 2
    const f = features([[1, 0], [0, 1], [-1, 0]]);
    expect(uniformity(f)).toBeCloseTo(Math.log((Math.exp(-4) + Math.exp(-8) + Math.exp(-4)) / 3), 12);
    expect(uniformity(features([[1, 1], [2, 2], [3, 3]]))).toBeCloseTo(0, 12);
    expect(uniformity(gaussian(300, 16, 4))).toBeLessThan(-3);
  });
  it('positivePairs embeds two augmented views row-aligned, leaving no tensors', async () => {
    const set = { images: Float32Array.from({ length: 6 * 16 }, (_, i) => (i % 7) / 7), n: 6, height: 4, width: 4, channels: 1 };
    const enc = (x: tf.Tensor4D) => tf.reshape(x, [x.shape[0], -1]);
    const noise = (x: tf.Tensor4D, seed: number) => tf.add(x, tf.randomNormal(x.shape, 0, 0.01, 'float32', seed)) as tf.Tensor4D;
    const { a, b } = await expectNoLeak(() => positivePairs(enc, set, noise, { batchSize: 4 }));
    expect([a.n, a.dim, b.n, b.dim]).toEqual([6, 16, 6, 16]);
    expect(alignment(a, b)).toBeLessThan(1e-3);
    expect(alignment(a, b)).toBeGreaterThan(0);
  });
});

describe('collapse indicators', () => {
  it('per-dimension std of normalised embeddings: ≈ 1/√D spread, 0 collapsed', () => {
    const spread = perDimensionStd(gaussian(4000, 16, 5));
    expect(spread.reference).toBeCloseTo(0.25, 12);
    expect(spread.mean / spread.reference).toBeGreaterThan(0.95);
    expect(spread.mean / spread.reference).toBeLessThan(1.05);
    const collapsed = perDimensionStd(features(Array.from({ length: 50 }, (_, i) => [1 + 1e-6 * i, 2, 3])));
    expect(collapsed.mean).toBeLessThan(1e-5);
    // by hand: rows (1,0), (0,1) → normalised the same; each column {1, 0}: std 0.5
    expectClose(perDimensionStd(features([[1, 0], [0, 1]])).std, [0.5, 0.5], 1e-12);
  });
  it('collapseReport flags a constant embedding and not a spread one', () => {
    const c = collapseReport(features(Array.from({ length: 40 }, () => [1, 2, 3, 4])));
    expect(c.collapsed).toBe(true);
    expect(c.rankMe).toBeLessThan(1.01);
    const s = collapseReport(gaussian(400, 4, 6));
    expect(s.collapsed).toBe(false);
    expect(s.stdRatio).toBeGreaterThan(0.9);
  });
});

describe('knnMonitor', () => {
  it('evaluates every n steps through onLog and records the history', async () => {
    // 2 classes separable by mean brightness
    const mk = (n: number, seed: number) => {
      const r = new Rng(seed);
      const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
      const images = new Float32Array(n * 16);
      for (let i = 0; i < n; i++) for (let j = 0; j < 16; j++) images[i * 16 + j] = labels[i]! * 0.6 + 0.2 * r.uniform();
      return { images, labels, n, height: 4, width: 4, channels: 1 };
    };
    const input = tfl.input({ shape: [4, 4, 1] });
    const out = tfl.layers.globalAveragePooling2d({}).apply(tfl.layers.conv2d({ filters: 2, kernelSize: 1, kernelInitializer: 'ones', biasInitializer: 'ones' }).apply(input)) as tfl.SymbolicTensor;
    const encoder = tfl.model({ inputs: input, outputs: out });
    const seen: number[] = [];
    const mon = knnMonitor({ encoder, train: mk(20, 1), test: mk(10, 2), every: 4, k: 3, metric: 'euclidean', onResult: (p) => seen.push(p.step) });
    await expectNoLeak(async () => {
      for (const step of [1, 3, 5, 7, 9]) await mon.onLog({ step, loss: 0 }); // logged every 2 steps
    });
    expect(mon.history.map((h) => h.step)).toEqual([4, 8]);
    expect(seen).toEqual([4, 8]);
    expect(mon.history[0]!.accuracy).toBe(1);
    expect(() => knnMonitor({ encoder, train: mk(4, 1), test: mk(4, 2), every: 0 })).toThrow(/argument 'every'/);
    encoder.dispose();
  });
});

describe('normalizeRows', () => {
  it('unit rows', () => {
    expectClose(normalizeRows(features([[3, 4]])), [0.6, 0.8], 1e-12);
  });
});
