import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { kMeans, kMeansAssign, kMeansDecode, kMeansPlusPlus, pca, pcaReconstructionError, subspaceAngles, subspaceSimilarity } from '../../lib/classical/index.js';
import { ari, features, type Features } from '../../lib/eval/index.js';
import { Rng } from '../../lib/util/rng.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

beforeAll(() => useBackend());

function blobs(c: number, d: number, m: number, seed: number): { f: Features; y: Int32Array } {
  const rng = new Rng(seed);
  const data = new Float32Array(c * m * d);
  const y = new Int32Array(c * m);
  for (let i = 0; i < c * m; i++) {
    y[i] = i % c;
    for (let t = 0; t < d; t++) data[i * d + t] = (t % c === y[i] ? 8 : 0) + rng.normal(0, 0.5);
  }
  return { f: { data, n: c * m, dim: d }, y };
}

describe('kMeans', () => {
  const { f, y } = blobs(3, 4, 15, 1);

  it('k-means++ seeding is seeded', () => {
    const a = kMeansPlusPlus(f, 3, new Rng(7));
    expect(Array.from(a)).toEqual(Array.from(kMeansPlusPlus(f, 3, new Rng(7))));
    expect(new Set(a).size).toBe(3);
  });

  it('the tensor engine and ml-kmeans give the same clustering from the same seed', async () => {
    const ml = await kMeans(f, { k: 3, seed: 4, restarts: 2, engine: 'ml-kmeans' });
    const tt = await expectNoLeak(() => kMeans(f, { k: 3, seed: 4, restarts: 2, engine: 'tensor', tileRows: 16 }));
    expect(Array.from(tt.assignments)).toEqual(Array.from(ml.assignments));
    expectClose(tt.centers.data, ml.centers.data, 1e-4);
    expect(tt.iterations).toBe(ml.iterations);
    expect(tt.inertia).toBeCloseTo(ml.inertia, 2);
    expect(ari(ml.assignments, y)).toBe(1);
    expect(ml.inertia).toBe(Math.min(...ml.inertias));
    expect(ml.engine).toBe('ml-kmeans');
  });

  it('re-seeds an empty cluster (same on both engines)', async () => {
    const init = features([[8, 0, 0, 8], [0, 8, 0, 0], [1000, 1000, 1000, 1000]]);
    const two = blobs(2, 4, 10, 2);
    const ml = await kMeans(two.f, { k: 3, initialCenters: init, engine: 'ml-kmeans' });
    const tt = await kMeans(two.f, { k: 3, initialCenters: init, engine: 'tensor' });
    expect(ml.reseeded).toBeGreaterThan(0);
    expect(new Set(ml.assignments).size).toBe(3);
    expect(Array.from(tt.assignments)).toEqual(Array.from(ml.assignments));
  });

  it('encoder/decoder view: assign to the nearest centre, decode to the centre', async () => {
    const r = await kMeans(f, { k: 3 });
    const a = await expectNoLeak(() => kMeansAssign(r.centers, f));
    expect(Array.from(a)).toEqual(Array.from(r.assignments));
    const rec = kMeansDecode(r.centers, a);
    let loss = 0;
    for (let i = 0; i < f.data.length; i++) loss += (f.data[i]! - rec.data[i]!) ** 2;
    expect(loss).toBeCloseTo(r.inertia, 1);
  });

  it('bad input: k > N, k = 0, NaN rows', async () => {
    await expect(kMeans(features([[0], [1]]), { k: 3 })).rejects.toThrow(/'k' must be an integer in \[1, N = 2\]/);
    await expect(kMeans(f, { k: 0 })).rejects.toThrow(/'k'/);
    const bad = { ...f, data: f.data.slice() };
    bad.data[9] = NaN;
    await expect(kMeans(bad, { k: 2 })).rejects.toThrow(/finite.*row 2/);
  });
});

describe('pca', () => {
  const r = new Rng(3);
  const n = 40, d = 6;
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const a = r.normal(0, 3), b = r.normal(0, 1);
    for (let t = 0; t < d; t++) data[i * d + t] = a * (t + 1) / 4 + b * (t % 2 ? 1 : -1) + r.normal(0, 0.1) + t;
  }
  const f = { data, n, dim: d };

  it('ml-pca and the tensor engine agree (components, variances, explained ratio)', async () => {
    const ml = await pca(f, { components: 3, engine: 'ml-pca' });
    const tt = await expectNoLeak(() => pca(f, { components: 3, engine: 'tensor', tileRows: 7 }));
    // float32 covariance on the backend vs float64 SVD: the weakest component (variance 1e-4 of the largest) differs
    // in the third decimal.
    expectClose(tt.components.data.subarray(0, 2 * d), ml.components.data.subarray(0, 2 * d), 1e-4, 1e-3);
    expectClose(tt.components.data, ml.components.data, 2e-3, 1e-2);
    expectClose(tt.variances, ml.variances, 1e-4, 1e-4);
    expect(tt.totalVariance).toBeCloseTo(ml.totalVariance, 6);
    expect(ml.cumulativeVarianceRatio[2]!).toBeGreaterThan(0.99);
    // Orthonormal rows.
    const w = tt.components.data;
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) {
      let dot = 0;
      for (let t = 0; t < d; t++) dot += w[a * d + t]! * w[b * d + t]!;
      expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
    }
  });

  it('N < D goes through the Gram matrix and matches ml-pca', async () => {
    const small = { data: data.slice(0, 5 * d), n: 5, dim: d };
    const ml = await pca(small, { components: 3, engine: 'ml-pca' });
    const tt = await pca(small, { components: 3, engine: 'tensor' });
    expectClose(tt.components.data, ml.components.data, 1e-3, 1e-3);
    expectClose(tt.variances, ml.variances, 1e-3, 1e-3);
    await expect(pca(small, { components: 5 })).rejects.toThrow(/min\(D, N − 1\) = 4/);
  });

  it('project → reconstruct: exact with all components, error falls with k; encoder matches project', async () => {
    const m = await pca(f, { components: 6 });
    const z = await m.project(f);
    const back = await m.reconstruct(z);
    expectClose(back.data, f.data, 1e-3, 1e-4);
    const e1 = await pcaReconstructionError(m, f, 1), e3 = await pcaReconstructionError(m, f, 3);
    expect(e3).toBeLessThan(e1);
    const x = tf.tensor4d(data, [n, 1, d, 1]);
    const viaEncoder = await expectNoLeak(async () => {
      const zt = tf.tidy(() => m.encoder(2)(x));
      const v = await zt.data();
      zt.dispose();
      return v;
    });
    const z2 = await m.project(f, 2);
    expectClose(viaEncoder as Float32Array, z2.data, 1e-4);
    x.dispose();
  });
});

describe('subspaces', () => {
  it('principal angles by hand; basis-independent; similarity', () => {
    const t = 0.3;
    expectClose(subspaceAngles(features([[1, 0, 0]]), features([[Math.cos(t), Math.sin(t), 0]])), [t], 1e-6);
    expectClose(subspaceAngles(features([[1, 0, 0], [0, 1, 0]]), features([[2, 2, 0], [0, 5, 0]])), [0, 0], 1e-6);
    expectClose(subspaceAngles(features([[1, 0, 0]]), features([[0, 0, 3]])), [Math.PI / 2], 1e-6);
    expect(subspaceSimilarity(features([[1, 0, 0], [0, 1, 0]]), features([[0, 1, 0], [0, 0, 1]]))).toBeCloseTo(0.5, 10);
    expect(() => subspaceAngles(features([[1, 0]]), features([[1, 0, 0]]))).toThrow(/same space/);
  });
});
