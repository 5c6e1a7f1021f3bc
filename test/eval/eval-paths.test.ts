// The evaluation's fast paths (issue #24): kNN/retrieval similarity tiles on a once-transposed reference, the probe's
// gradient on a once-transposed X, embed with one batch in flight. Checked against brute force on odd shapes, with
// no tensor left behind (also when the encoder throws mid-way).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { embed, knnClassify, linearProbe, type Features } from '../../lib/eval/index.js';
import { referenceSimilarity } from '../../lib/eval/similarity.js';
import { Rng } from '../../lib/util/rng.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

beforeAll(() => useBackend());

const random = (n: number, dim: number, seed: number): Features => {
  const rng = new Rng(seed);
  return { data: new Float32Array(n * dim).map(() => rng.normal(0, 1)), n, dim };
};

/** Brute-force similarity of query row i to reference row j in float64. */
function brute(q: Features, r: Features, i: number, j: number, metric: 'cosine' | 'euclidean'): number {
  let ab = 0, aa = 0, bb = 0;
  for (let t = 0; t < q.dim; t++) {
    const a = q.data[i * q.dim + t]!, b = r.data[j * r.dim + t]!;
    ab += a * b;
    aa += a * a;
    bb += b * b;
  }
  return metric === 'cosine' ? ab / Math.sqrt(aa * bb) : ab - bb / 2;
}

describe('referenceSimilarity (reference stored transposed)', () => {
  for (const metric of ['cosine', 'euclidean'] as const) {
    it(`${metric}: tiles of odd sizes equal brute force; the reference is freed`, async () => {
      const ref = random(37, 13, 1), q = random(11, 13, 2);
      const before = tf.memory().numTensors;
      const sim = referenceSimilarity(ref, metric);
      for (const [s, e] of [[0, 1], [1, 8], [8, 11]] as const) {
        const t = sim.tile(q, s, e);
        expect(t.shape).toEqual([e - s, 37]);
        const v = (await t.data()) as Float32Array;
        t.dispose();
        const want = new Float32Array((e - s) * 37);
        for (let i = s; i < e; i++) for (let j = 0; j < 37; j++) want[(i - s) * 37 + j] = brute(q, ref, i, j, metric);
        expectClose(v, want, 1e-4);
      }
      sim.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('knnClassify on odd shapes', () => {
  it('neighbours equal a brute-force ranking (tiles of 3 rows of 7), no leak', async () => {
    const train = random(29, 9, 3), test = random(7, 9, 4);
    const labels = Int32Array.from({ length: 29 }, (_, i) => i % 4);
    const r = await expectNoLeak(() => knnClassify(train, labels, test, { k: 5, tileRows: 3 }));
    for (let i = 0; i < 7; i++) {
      const order = Array.from({ length: 29 }, (_, j) => j).sort((a, b) => brute(test, train, i, b, 'cosine') - brute(test, train, i, a, 'cosine'));
      expect(Array.from(r.neighbors.subarray(i * 5, i * 5 + 5))).toEqual(order.slice(0, 5));
    }
  });
});

describe('linearProbe with Xᵀ kept for the gradient', () => {
  it('odd shapes (N = 23, D = 7, C = 3): the loss reaches the optimum (gradient ≈ 0), no leak', async () => {
    const train = random(23, 7, 5), test = random(5, 7, 6);
    const y = Int32Array.from({ length: 23 }, (_, i) => (i * 7) % 3);
    const r = await expectNoLeak(() => linearProbe(train, y, test, Int32Array.from([0, 1, 2, 0, 1])));
    expect(r.converged).toBe(true);
    for (let i = 1; i < r.losses.length; i++) expect(r.losses[i]!).toBeLessThanOrEqual(r.losses[i - 1]! + 1e-7);
  });
});

describe('embed with one batch in flight', () => {
  const rng = new Rng(7);
  const set = { images: new Float32Array(11 * 3 * 3 * 2).map(() => rng.uniform()), n: 11, height: 3, width: 3, channels: 2 };
  const enc = (x: tf.Tensor4D) => tf.sum(tf.mul(x, 2), [1, 2]); // [B, 2]
  it('every batch size gives the same rows as one batch; no leak', async () => {
    const all = await embed(enc, set, { batchSize: 11 });
    for (const batchSize of [1, 2, 4, 10, 64]) {
      const f = await expectNoLeak(() => embed(enc, set, { batchSize }));
      expectClose(f.data, all.data, 1e-6);
    }
  });
  it('an encoder that throws on the third batch leaves no tensor behind', async () => {
    let calls = 0;
    const bad = (x: tf.Tensor4D) => {
      if (++calls === 3) throw new Error('boom');
      return enc(x);
    };
    const before = tf.memory().numTensors;
    await expect(embed(bad, set, { batchSize: 4 })).rejects.toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
  });
});
