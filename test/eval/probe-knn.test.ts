import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { embed, features, featuresFromTensor, knnAccuracy, knnClassify, linearProbe, pixelFeatures, probePredict, type Features } from '../../lib/eval/index.js';
import { rowTopK } from '../../lib/eval/topk-rows.js';
import { mlpEncoder } from '../../lib/models/index.js';
import { Rng } from '../../lib/util/rng.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

beforeAll(() => useBackend());

/** c Gaussian blobs in d dims, m points each (seeded). */
function blobs(c: number, d: number, m: number, seed: number, spread = 0.3): { f: Features; y: Int32Array } {
  const centres = new Rng(99);
  const mu = Array.from({ length: c }, () => Array.from({ length: d }, () => centres.normal(0, 2)));
  const rng = new Rng(seed);
  const data = new Float32Array(c * m * d);
  const y = new Int32Array(c * m);
  for (let i = 0; i < c * m; i++) {
    y[i] = i % c;
    for (let t = 0; t < d; t++) data[i * d + t] = mu[i % c]![t]! + rng.normal(0, spread);
  }
  return { f: { data, n: c * m, dim: d }, y };
}

describe('linearProbe', () => {
  const train = blobs(3, 5, 20, 1);
  const test = blobs(3, 5, 10, 2);

  it('separates Gaussian blobs, returns top-1/top-5, weights and confusion; no leak', async () => {
    const r = await expectNoLeak(() => linearProbe(train.f, train.y, test.f, test.y, { epochs: 40, batchSize: 16, learningRate: 0.05 }));
    expect(r.top1).toBeGreaterThanOrEqual(0.95);
    expect(r.top5).toBe(1);
    expect(r.trainAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(r.confusion.flat().reduce((a, b) => a + b, 0)).toBe(30);
    expect(r.weights.W.length).toBe(5 * 3);
    expect(r.losses.length).toBe(40);
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]!);
    const again = await probePredict(r.weights, test.f);
    expect(Array.from(again.predictions)).toEqual(Array.from(r.predictions));
  });

  it('is deterministic for a seed, full-batch works, weight decay shrinks W', async () => {
    const a = await linearProbe(train.f, train.y, test.f, test.y, { epochs: 5, batchSize: 16, seed: 3 });
    const b = await linearProbe(train.f, train.y, test.f, test.y, { epochs: 5, batchSize: 16, seed: 3 });
    expect(Array.from(a.weights.W)).toEqual(Array.from(b.weights.W));
    const full = await linearProbe(train.f, train.y, test.f, test.y, { epochs: 60, batchSize: 'full', learningRate: 0.05 });
    expect(full.top1).toBeGreaterThanOrEqual(0.9);
    const decayed = await linearProbe(train.f, train.y, test.f, test.y, { epochs: 60, batchSize: 'full', learningRate: 0.05, weightDecay: 1 });
    const norm = (w: Float32Array) => Math.hypot(...w);
    expect(norm(decayed.weights.W)).toBeLessThan(norm(full.weights.W));
  });

  it('default: L-BFGS to convergence with λ = 1/N, a floor of 20 iterations whatever N, no leak, no seed dependence', async () => {
    const r = await expectNoLeak(() => linearProbe(train.f, train.y, test.f, test.y));
    expect(r.solver).toBe('lbfgs');
    expect(r.converged).toBe(true);
    expect(r.weightDecay).toBeCloseTo(1 / 60, 12);
    if (r.stop === 'tolerance') expect(r.iterations).toBeGreaterThanOrEqual(20);
    else expect(['gradient', 'line-search']).toContain(r.stop); // an optimum reached before the floor
    expect(r.losses.length).toBe(r.iterations + 1);
    expect(r.losses[0]).toBeCloseTo(Math.log(3), 5); // W = 0, b = 0: uniform softmax, CE = log C
    expect(r.loss).toBeLessThan(0.1);
    expect(r.top1).toBeGreaterThanOrEqual(0.95);
    const other = await linearProbe(train.f, train.y, test.f, test.y, { seed: 7 });
    expect(Array.from(other.weights.W)).toEqual(Array.from(r.weights.W));
    const capped = await linearProbe(train.f, train.y, test.f, test.y, { minIterations: 2, maxIterations: 3, tolerance: 0 });
    expect(capped.iterations).toBe(3);
    expect(capped.converged).toBe(false);
    expect(capped.stop).toBe('max-iterations');
    // a tolerance that any step meets stops exactly at the floor (a strongly regularised, smooth problem)
    const floored = await linearProbe(train.f, train.y, test.f, test.y, { tolerance: 1, weightDecay: 1 });
    expect([floored.stop, floored.iterations]).toEqual(['tolerance', 20]);
  });

  it('Adam: the last partial batch is used; without epochs it runs until the loss stops improving, ≥ 500 steps', async () => {
    const fixed = await linearProbe(train.f, train.y, test.f, test.y, { epochs: 5, batchSize: 16 });
    expect(fixed.solver).toBe('adam');
    expect(fixed.iterations).toBe(5 * 4); // 60 rows = 16 + 16 + 16 + 12
    expect(fixed.converged).toBe(false);
    expect(fixed.stop).toBe('epochs');
    const until = await expectNoLeak(() => linearProbe(train.f, train.y, test.f, test.y, { batchSize: 32, learningRate: 0.05, weightDecay: 0.01 }));
    expect(until.converged).toBe(true);
    expect(until.iterations).toBeGreaterThanOrEqual(500);
    const last3 = until.losses.slice(-4);
    for (let i = 1; i < last3.length; i++) expect(last3[i - 1]! - last3[i]!).toBeLessThanOrEqual(1e-4 * Math.abs(last3[i]!) + 1e-12);
  });

  it('errors name the argument: label count, NaN rows, dimension mismatch', async () => {
    await expect(linearProbe(train.f, train.y.slice(1), test.f, test.y)).rejects.toThrow(/trainLabels.*one label per row/);
    const bad = { ...test.f, data: test.f.data.slice() };
    bad.data[7] = NaN;
    await expect(linearProbe(train.f, train.y, bad, test.y)).rejects.toThrow(/testFeatures.*finite.*row 1/);
    await expect(linearProbe(train.f, train.y, features(new Float32Array(30 * 4), 4), test.y)).rejects.toThrow(/same dimension/);
    await expect(linearProbe(train.f, train.y, test.f, test.y, { minIterations: 10, maxIterations: 5 })).rejects.toThrow(/maxIterations.*minIterations/);
    await expect(linearProbe(train.f, train.y, test.f, test.y, { solver: 'sgd' as 'adam' })).rejects.toThrow(/solver/);
  });
});

describe('knnClassify', () => {
  const train = features([[0], [1], [2], [10], [11], [12]]);
  const yTrain = [0, 0, 0, 1, 1, 1];

  it('majority vote by hand (euclidean), tie to the nearest neighbour', async () => {
    const test = features([[0.5], [10.5], [5.9]]);
    const r = await expectNoLeak(() => knnClassify(train, yTrain, test, { k: 3, metric: 'euclidean' }));
    expect(Array.from(r.predictions)).toEqual([0, 1, 0]);
    expect(Array.from(r.neighbors.subarray(6, 9))).toEqual([2, 3, 1]);
    expect(Array.from(r.votes.subarray(4, 6))).toEqual([2, 1]);
    // k = 2 at 6.1: neighbours 10 (3.9) and 2 (4.1) tie 1–1 → the nearest one's class.
    const tie = await knnClassify(train, yTrain, features([[6.1]]), { k: 2, metric: 'euclidean' });
    expect(tie.predictions[0]).toBe(1);
  });

  it('weighted votes are exp((s − s1)/τ) with s = cosine similarity', async () => {
    const tr = features([[1, 0], [1, 1], [0, 1]]);
    const r = await knnClassify(tr, [0, 1, 1], features([[1, 0.2]]), { k: 3, weighted: true, temperature: 0.5 });
    const q = [1, 0.2];
    const cos = [[1, 0], [1, 1], [0, 1]].map((v) => (v[0]! * q[0]! + v[1]! * q[1]!) / Math.hypot(...v) / Math.hypot(...q));
    const w = cos.map((c) => Math.exp((c - cos[0]!) / 0.5));
    expectClose(Array.from(r.votes), [w[0]!, w[1]! + w[2]!], 1e-5, 1e-4);
    expect(r.predictions[0]).toBe(w[0]! > w[1]! + w[2]! ? 0 : 1);
  });

  it('tiles give the same answer; leave-one-out; accuracy; errors', async () => {
    const tr = blobs(3, 4, 10, 5);
    const te = blobs(3, 4, 5, 6);
    const a = await knnClassify(tr.f, tr.y, te.f, { k: 5 });
    const b = await knnClassify(tr.f, tr.y, te.f, { k: 5, tileRows: 2 });
    expect(Array.from(b.neighbors)).toEqual(Array.from(a.neighbors));
    const acc = await knnAccuracy(tr.f, tr.y, te.f, te.y, { k: 5, metric: 'euclidean', weighted: true });
    expect(acc.accuracy).toBeGreaterThanOrEqual(0.9);
    const loo = await knnClassify(tr.f, tr.y, tr.f, { k: 3, excludeSelf: true });
    for (let i = 0; i < tr.f.n; i++) expect(Array.from(loo.neighbors.subarray(i * 3, i * 3 + 3))).not.toContain(i);
    await expect(knnClassify(train, yTrain, features([[1]]), { k: 7 })).rejects.toThrow(/'k' must be an integer in \[1, 6\]/);
    await expect(knnClassify(train, [0, 1], features([[1]]))).rejects.toThrow(/trainLabels/);
    await expect(knnClassify(train, yTrain, features([[1, 2]]))).rejects.toThrow(/same dimension/);
  });

  it('the JS top-k (cpu) matches tf.topk, ties by smaller index', async () => {
    const v = tf.tensor2d([[3, 1, 3, 2, 5, 0], [0, 0, 0, 1, 0, 0]]);
    const mine = await rowTopK(v as tf.Tensor2D, 3);
    const { values, indices } = tf.topk(v, 3);
    expect(Array.from(mine.indices)).toEqual(Array.from(await indices.data()));
    expect(Array.from(mine.values)).toEqual(Array.from(await values.data()));
    tf.dispose([v, values, indices]);
  });
});

describe('embed', () => {
  it('runs an encoder over a set in batches (ragged last batch), equals predict, no leak', async () => {
    const rng = new Rng(0);
    const images = new Float32Array(7 * 4 * 4 * 1).map(() => rng.uniform());
    const set = { images, n: 7, height: 4, width: 4, channels: 1 };
    const model = mlpEncoder({ inputShape: [4, 4, 1], hidden: [5], outputDim: 3, seed: 1 });
    const f = await expectNoLeak(() => embed(model, set, { batchSize: 3 }));
    expect([f.n, f.dim]).toEqual([7, 3]);
    const x = tf.tensor4d(images, [7, 4, 4, 1]);
    const y = model.predict(x) as tf.Tensor;
    expectClose(f.data, (await y.data()) as Float32Array, 1e-6);
    const sub = await embed((t) => tf.mean(t, [1, 2, 3]).reshape([-1, 1]), set, { indices: [6, 0] });
    expect(sub.n).toBe(2);
    expect(sub.data[0]).toBeCloseTo(images.subarray(96, 112).reduce((a, b) => a + b, 0) / 16, 5);
    expect(pixelFeatures(set).dim).toBe(16);
    expect((await featuresFromTensor(x)).dim).toBe(16);
    tf.dispose([x, y]);
    model.dispose();
  });
});
