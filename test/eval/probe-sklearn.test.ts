/**
 * linearProbe's default (L-BFGS to convergence, λ = 1/N) against multinomial logistic regression solved to
 * convergence two independent ways, on scikit-learn's digits:
 *   1. scikit-learn 1.2.1's LogisticRegression() on the same standardised features (figures shipped in
 *      test/eval/fixtures/digits-logreg.json by scripts/make-digits-fixture.py; the command is in that script);
 *   2. accelerated gradient descent in float64 JS, written here from the formula, run long.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { columnStats, linearProbe, standardize, type Features } from '../../lib/eval/index.js';
import { expectNoLeak, useBackend } from '../helpers.js';

beforeAll(() => useBackend());

interface Run { n_train: number; fit: string; test_accuracy: number; train_accuracy: number; objective: number }
const fixture = JSON.parse(readFileSync(new URL('./fixtures/digits-logreg.json', import.meta.url), 'utf8')) as {
  n: number; dim: number; test_rows: number; pixels: string; labels: string; runs: Run[];
};
const pixels = Float32Array.from(fixture.pixels, (ch) => parseInt(ch, 17));
const labels = Int32Array.from(fixture.labels, (ch) => Number(ch));
const D = fixture.dim, C = 10;
const rows = (start: number, end: number): { f: Features; y: Int32Array } => ({
  f: { data: pixels.slice(start * D, end * D), n: end - start, dim: D }, y: labels.slice(start, end),
});
const test = rows(fixture.n - fixture.test_rows, fixture.n);
const sk = (nTrain: number) => fixture.runs.find((r) => r.n_train === nTrain && r.fit === 'converged')!;

/** Mean CE + (λ/2)‖W‖² and its gradient in float64, θ = [W (D×C row-major), b]. */
function objective(x: Float64Array, y: Int32Array, n: number, theta: Float64Array, lambda: number): { f: number; g: Float64Array } {
  const g = new Float64Array(theta.length), z = new Float64Array(C);
  let f = 0;
  for (let i = 0; i < n; i++) {
    const o = i * D;
    for (let j = 0; j < C; j++) z[j] = theta[D * C + j]!;
    for (let k = 0; k < D; k++) {
      const v = x[o + k]!;
      for (let j = 0; j < C; j++) z[j] += v * theta[k * C + j]!;
    }
    let m = -Infinity;
    for (let j = 0; j < C; j++) m = Math.max(m, z[j]!);
    let s = 0;
    for (let j = 0; j < C; j++) s += (z[j] = Math.exp(z[j]! - m));
    f += Math.log(s) - Math.log(z[y[i]!]!);
    for (let j = 0; j < C; j++) z[j] = z[j]! / s - (j === y[i] ? 1 : 0); // p − y
    for (let k = 0; k < D; k++) {
      const v = x[o + k]! / n;
      for (let j = 0; j < C; j++) g[k * C + j] += v * z[j]!;
    }
    for (let j = 0; j < C; j++) g[D * C + j] += z[j]! / n;
  }
  let sq = 0;
  for (let t = 0; t < D * C; t++) {
    sq += theta[t]! ** 2;
    g[t] += lambda * theta[t]!;
  }
  return { f: f / n + (lambda / 2) * sq, g };
}

/** Nesterov's accelerated gradient with gradient-based adaptive restart (O'Donoghue & Candès 2015), step 1/L, float64. */
function referenceFit(x: Float64Array, y: Int32Array, n: number, lambda: number, iterations: number): { theta: Float64Array; f: number } {
  // L ≤ ½ λ_max(X̃ᵀX̃/N) + λ ≤ ½ (max_i ‖x̃_i‖² + 1) + λ (softmax Hessian ≤ ½ I per row, with the bias as a feature)
  let L = 0;
  for (let i = 0; i < n; i++) {
    let s = 1;
    for (let k = 0; k < D; k++) s += x[i * D + k]! ** 2;
    L = Math.max(L, s);
  }
  L = L / 2 + lambda;
  const p = D * C + C;
  let theta = new Float64Array(p), prev = theta, t = 1;
  for (let it = 0; it < iterations; it++) {
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const v = new Float64Array(p);
    for (let i = 0; i < p; i++) v[i] = theta[i]! + ((t - 1) / tNext) * (theta[i]! - prev[i]!);
    const { g } = objective(x, y, n, v, lambda);
    const next = new Float64Array(p);
    let uphill = 0;
    for (let i = 0; i < p; i++) {
      next[i] = v[i]! - g[i]! / L;
      uphill += g[i]! * (next[i]! - theta[i]!);
    }
    prev = theta;
    theta = next;
    t = uphill > 0 ? 1 : tNext; // restart the momentum when it points uphill
  }
  return { theta, f: objective(x, y, n, theta, lambda).f };
}

describe('linearProbe converges to multinomial logistic regression (digits)', () => {
  for (const nTrain of [1200, 600]) {
    it(`n = ${nTrain}: equals scikit-learn's LogisticRegression() (C = 1) on the same standardised features`, async () => {
      const train = rows(0, nTrain);
      const r = await expectNoLeak(() => linearProbe(train.f, train.y, test.f, test.y));
      const ref = sk(nTrain);
      console.log(`digits n=${nTrain}: linearProbe top1 ${r.top1.toFixed(4)} loss ${r.loss.toFixed(6)} in ${r.iterations} iterations; ` +
        `scikit-learn top1 ${ref.test_accuracy.toFixed(4)} objective ${ref.objective.toFixed(6)}`);
      expect(r.solver).toBe('lbfgs');
      expect(r.converged).toBe(true);
      expect(r.weightDecay).toBeCloseTo(1 / nTrain, 12);
      expect(r.iterations).toBeGreaterThanOrEqual(20);
      expect(Math.abs(r.top1 - ref.test_accuracy)).toBeLessThanOrEqual(0.005);
      expect(r.trainAccuracy).toBeCloseTo(ref.train_accuracy, 6);
      expect(Math.abs(r.loss - ref.objective) / ref.objective).toBeLessThan(1e-3); // the same objective value
      // the old fixed budget (30 epochs of batch 512: 90 Adam steps here) stops far from it
      const old = await linearProbe(train.f, train.y, test.f, test.y, { epochs: 30, batchSize: 512, learningRate: 1e-3 });
      console.log(`digits n=${nTrain}: the old default (30 epochs, batch 512, Adam 1e-3): top1 ${old.top1.toFixed(4)}, loss ${old.losses.at(-1)!.toFixed(4)} after ${old.iterations} steps`);
      expect(old.losses.at(-1)!).toBeGreaterThan(r.loss + 0.1);
    });
  }

  it('n = 600: equals accelerated gradient descent in float64 run long (independent of scikit-learn)', async () => {
    const nTrain = 600;
    const train = rows(0, nTrain);
    const st = standardize(train.f, columnStats(train.f));
    const x = Float64Array.from(st.data);
    const ref = referenceFit(x, train.y, nTrain, 1 / nTrain, 3000);
    const r = await linearProbe(train.f, train.y, test.f, test.y);
    // the reference's test accuracy, with the same standardisation
    const te = standardize(test.f, columnStats(train.f));
    let hit = 0;
    for (let i = 0; i < test.f.n; i++) {
      let best = 0, bestScore = -Infinity;
      for (let j = 0; j < C; j++) {
        let s = ref.theta[D * C + j]!;
        for (let k = 0; k < D; k++) s += te.data[i * D + k]! * ref.theta[k * C + j]!;
        if (s > bestScore) [best, bestScore] = [j, s];
      }
      if (best === test.y[i]) hit++;
    }
    console.log(`digits n=600: linearProbe top1 ${r.top1.toFixed(4)} loss ${r.loss.toFixed(6)} (${r.iterations} L-BFGS iterations); ` +
      `accelerated GD top1 ${(hit / test.f.n).toFixed(4)} loss ${ref.f.toFixed(6)}; scikit-learn top1 ${sk(nTrain).test_accuracy.toFixed(4)} objective ${sk(nTrain).objective.toFixed(6)}`);
    expect(Math.abs(r.top1 - hit / test.f.n)).toBeLessThanOrEqual(0.005);
    expect(r.loss).toBeLessThanOrEqual(ref.f + 1e-4); // L-BFGS gets at least as low as 3,000 accelerated steps
    expect(Math.abs(r.loss - ref.f) / ref.f).toBeLessThan(1e-2);
  });
});
