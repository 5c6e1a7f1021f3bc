import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  clustering, disentanglement, effectiveRank, factorCorrelations, features, invariance, project2d, smoothness, sparsity, tsne, tsneAsync,
} from '../../lib/eval/index.js';
import { symmetricEigen } from '../../lib/linalg/index.js';
import { UMAP } from 'umap-js';
import { Rng } from '../../lib/util/rng.js';
import { axisTitlesOf } from '../../lib/viz/scatter.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

beforeAll(() => useBackend());

const rng = new Rng(1);
const images = { images: new Float32Array(12 * 4 * 4 * 1).map(() => rng.uniform()), n: 12, height: 4, width: 4, channels: 1 };
const identity = (x: tf.Tensor4D) => tf.reshape(x, [x.shape[0], -1]);

describe('properties of a representation', () => {
  it('smoothness: raw pixels give 1, any scaling of them too; a projection on few directions is smoother', async () => {
    expect(await expectNoLeak(() => smoothness(identity, images, { samples: 12 }))).toBeCloseTo(1, 5);
    expect(await smoothness((x) => tf.mul(identity(x), 3), images, { samples: 12 })).toBeCloseTo(1, 5);
    // Mean pixel: a 1-D summary, nearly blind to random perturbations relative to real differences.
    const s = await smoothness((x) => tf.mean(x, [1, 2, 3]).reshape([-1, 1]), images, { samples: 12, seed: 2 });
    expect(s).toBeLessThan(1);
    await expect(smoothness(identity, images, { noise: 0 })).rejects.toThrow(/noise/);
  });

  it('invariance: 0 for an invariant representation, > 0 otherwise; a collapsed encoder is an error', async () => {
    const flip = (x: tf.Tensor4D) => tf.reverse(x, 2) as tf.Tensor4D;
    const meanPixel = (x: tf.Tensor4D) => tf.mean(x, [1, 2, 3]).reshape([-1, 1]);
    expect(await expectNoLeak(() => invariance(meanPixel, images, flip, { samples: 12 }))).toBeCloseTo(0, 5);
    expect(await invariance(identity, images, flip, { samples: 12 })).toBeGreaterThan(0.3);
    await expect(invariance((x) => tf.zeros([x.shape[0], 2]), images, flip)).rejects.toThrow(/collapse/);
    await expect(invariance(identity, images, (x) => tf.reshape(x, [x.shape[0], 16, 1, 1]) as tf.Tensor4D)).rejects.toThrow(/same shape/);
  });

  it('clustering is the silhouette', async () => {
    expect(await clustering(features([[0], [1], [10], [11]]), [0, 0, 1, 1])).toBeCloseTo((9.5 / 10.5 + 8.5 / 9.5) / 2, 4);
  });

  it('sparsity and effective rank by hand', async () => {
    expect(sparsity(features([[0, 0], [1, 1]]))).toBe(0.5);
    expect(sparsity(features([[1, -1], [1, 1]]))).toBe(0);
    // Two orthogonal directions with equal spread: effective rank 2; a line: 1.
    expect(await expectNoLeak(() => effectiveRank(features([[1, 0, 0], [-1, 0, 0], [0, 1, 0], [0, -1, 0]])))).toBeCloseTo(2, 4);
    expect(await effectiveRank(features([[1, 2, 3], [2, 4, 6], [3, 6, 9]]))).toBeCloseTo(1, 3);
    // N < D goes through the Gram matrix: same answer.
    expect(await effectiveRank(features([[1, 0, 0, 0, 0], [-1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, -1, 0, 0, 0]]))).toBeCloseTo(2, 4);
  });

  it('disentanglement: 1-to-1 dims score high, mixed dims score ~0', () => {
    const r = new Rng(3);
    const n = 400;
    const a = Float32Array.from({ length: n }, () => r.uniform());
    const b = Float32Array.from({ length: n }, () => r.uniform());
    const sep = new Float32Array(n * 2), mix = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      sep.set([a[i]!, b[i]!], 2 * i);
      mix.set([a[i]! + b[i]!, a[i]! - b[i]!], 2 * i);
    }
    const factors = { a, b };
    expect(disentanglement({ data: sep, n, dim: 2 }, factors)).toBeGreaterThan(0.9);
    expect(disentanglement({ data: mix, n, dim: 2 }, factors)).toBeLessThan(0.1);
    const { matrix, factorNames } = factorCorrelations({ data: sep, n, dim: 2 }, factors);
    expect(factorNames).toEqual(['a', 'b']);
    expect(matrix[0]![0]).toBeCloseTo(1, 6);
    expect(() => disentanglement({ data: sep, n, dim: 2 }, { a: a.slice(1) })).toThrow(/factors.a/);
    expect(() => disentanglement({ data: sep, n, dim: 2 }, {})).toThrow(/factors/);
  });
});

describe('symmetricEigen', () => {
  it('3×3 by hand and a random 12×12: A v = λ v, orthonormal V, descending λ', () => {
    const e = symmetricEigen([2, 1, 0, 1, 2, 0, 0, 0, 5], 3);
    expectClose(e.values, [5, 3, 1], 1e-12);
    const r = new Rng(4);
    const d = 12;
    const m = Array.from({ length: d * d }, () => r.normal());
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) a[i * d + j] = m[i * d + j]! + m[j * d + i]!;
    const { values, vectors } = symmetricEigen(a, d);
    for (let k = 0; k < d; k++) {
      if (k > 0) expect(values[k]!).toBeLessThanOrEqual(values[k - 1]!);
      for (let i = 0; i < d; i++) {
        let av = 0;
        for (let j = 0; j < d; j++) av += a[i * d + j]! * vectors[j * d + k]!;
        expect(Math.abs(av - values[k]! * vectors[i * d + k]!)).toBeLessThan(1e-10);
      }
      for (let l = 0; l < d; l++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += vectors[i * d + k]! * vectors[i * d + l]!;
        expect(Math.abs(dot - (k === l ? 1 : 0))).toBeLessThan(1e-10);
      }
    }
    expect(() => symmetricEigen([1, 2, 3], 2)).toThrow(/2×2/);
  });
});

describe('2-D maps', () => {
  const r = new Rng(5);
  const n = 30, dim = 6;
  const data = new Float32Array(n * dim);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 3;
    for (let t = 0; t < dim; t++) data[i * dim + t] = (t === y[i] ? 10 : 0) + r.normal(0, 0.5);
  }
  const f = { data, n, dim };
  const nearestSameClass = (p: { data: Float32Array; n: number }) => {
    let ok = 0;
    for (let i = 0; i < p.n; i++) {
      let best = -1, bd = Infinity;
      for (let j = 0; j < p.n; j++) if (j !== i) {
        const d = (p.data[2 * i]! - p.data[2 * j]!) ** 2 + (p.data[2 * i + 1]! - p.data[2 * j + 1]!) ** 2;
        if (d < bd) (bd = d), (best = j);
      }
      if (y[best] === y[i]) ok++;
    }
    return ok / p.n;
  };

  it('t-SNE keeps neighbourhoods and is seeded', () => {
    const a = tsne(f, { perplexity: 5, iterations: 250, seed: 1 });
    const b = tsne(f, { perplexity: 5, iterations: 250, seed: 1 });
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    expect(nearestSameClass(a)).toBe(1);
    expect(() => tsne(f, { perplexity: 40 })).toThrow(/perplexity/);
  });

  it('tsneAsync and project2d do not block the event loop, and give what the blocking versions give', async () => {
    // a kernel (tslab) runs its heartbeat, interrupts and output on the event loop: a minute-long synchronous
    // t-SNE or UMAP starves them (notebook 02's map cell at laptop size)
    // ticks: a chain of setImmediate callbacks, which runs whenever the event loop gets a turn
    let ticks = 0;
    let spinning = true;
    const spin = () => {
      ticks++;
      if (spinning) setImmediate(spin);
    };
    setImmediate(spin);
    try {
      const opts = { perplexity: 5, iterations: 400, seed: 3 };
      ticks = 0;
      const blocking = tsne(f, opts);
      expect(ticks).toBe(0); // the blocking one gives the loop no turn
      const sliced = await tsneAsync(f, { ...opts, sliceMs: 1e-9 }); // a slice per step
      expect(ticks).toBeGreaterThan(100);
      expect(Array.from(sliced.data)).toEqual(Array.from(blocking.data));
      ticks = 0;
      const mapped = await project2d(f, { method: 'tsne', ...opts, preDims: 0 });
      expect(Array.from(mapped.data)).toEqual(Array.from(blocking.data));
      // UMAP: fitAsync runs each epoch in its own setTimeout slice; the same epochs as fit()
      ticks = 0;
      const u = await project2d(f, { method: 'umap', nNeighbors: 5, seed: 2, iterations: 60, preDims: 0 });
      expect(ticks).toBeGreaterThan(5);
      const rng = new Rng(2);
      const ref = new UMAP({ nComponents: 2, nNeighbors: 5, minDist: 0.1, random: () => rng.uniform(), nEpochs: 60 });
      const rows = Array.from({ length: f.n }, (_, i) => Array.from(f.data.subarray(i * f.dim, (i + 1) * f.dim)));
      expect(Array.from(u.data)).toEqual(Array.from(Float32Array.from(ref.fit(rows).flat())));
    } finally {
      spinning = false;
    }
    await expect(tsneAsync(f, { sliceMs: 0 })).rejects.toThrow(/sliceMs/);
    await expect(tsneAsync(f, { perplexity: 400 })).rejects.toThrow(/perplexity/);
  });

  it('project2d: pca, umap (seeded), tsne', async () => {
    const p = await expectNoLeak(() => project2d(f, { method: 'pca' }));
    expect([p.n, p.dim]).toEqual([n, 2]);
    expect(nearestSameClass(p)).toBe(1);
    const u1 = await project2d(f, { method: 'umap', nNeighbors: 5, seed: 2, iterations: 50 });
    const u2 = await project2d(f, { method: 'umap', nNeighbors: 5, seed: 2, iterations: 50 });
    expect(Array.from(u1.data)).toEqual(Array.from(u2.data));
    const t = await project2d(f, { method: 'tsne', perplexity: 5, iterations: 100 });
    expect(t.dim).toBe(2);
    // each map's coordinates carry its axis titles for scatter
    expect([axisTitlesOf(p.data), axisTitlesOf(u1.data), axisTitlesOf(t.data)]).toEqual([['PC 1', 'PC 2'], ['UMAP 1', 'UMAP 2'], ['t-SNE 1', 't-SNE 2']]);
    await expect(project2d(f, { method: 'mds' as 'pca' })).rejects.toThrow(/method/);
  });
});
