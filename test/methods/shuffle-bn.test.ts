import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { toTensor } from '../../lib/data/tensor.js';
import { moco } from '../../lib/methods/moco.js';
import { applyInGroups, groupSizes, inversePermutation, randomPermutation } from '../../lib/methods/shuffle-bn.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';
import { expectResumeMatches, reinitEncoder, tinyShapes } from './fixtures.js';

beforeAll(() => useBackend('cpu'));

/** Dense → BatchNorm: its training-mode output depends on which rows share the batch statistics. */
function bnNet(batchNorm: boolean) {
  const m = tfl.sequential();
  m.add(tfl.layers.dense({ inputShape: [3], units: 4, kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }));
  if (batchNorm) m.add(tfl.layers.batchNormalization());
  return m;
}
const rows = (n: number, d: number, seed: number) => {
  let s = seed;
  return tf.tensor2d(Float32Array.from({ length: n * d }, () => ((s = (s * 16807) % 2147483647) / 2147483647) * 4 - 2), [n, d]);
};
async function arr(t: tf.Tensor) {
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

describe('shuffling BN helpers', () => {
  it('a seeded permutation round-trips through its inverse, and differs between seeds', async () => {
    const p = randomPermutation(12, 5), inv = inversePermutation(p);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    for (let i = 0; i < 12; i++) expect(inv[p[i]!]).toBe(i);
    expect(Array.from(randomPermutation(12, 5))).toEqual(Array.from(p));
    expect(Array.from(randomPermutation(12, 6))).not.toEqual(Array.from(p));
    const x = rows(12, 3, 7);
    const back = tf.tidy(() => tf.gather(tf.gather(x, tf.tensor1d(p, 'int32')), tf.tensor1d(inv, 'int32')));
    expect(await arr(back)).toEqual(Array.from(await x.data()));
    x.dispose();
    expect(() => inversePermutation([0, 0, 1])).toThrow(/argument 'perm'/);
  });

  it('group sizes are near-equal and need two rows per group', () => {
    expect(groupSizes(10, 3)).toEqual([4, 3, 3]);
    expect(groupSizes(8, 2)).toEqual([4, 4]);
    expect(() => groupSizes(5, 3)).toThrow(/argument 'n'.*Fix/s);
  });

  it('without BatchNorm, grouping and shuffling change nothing (the permutation is undone exactly)', async () => {
    const net = bnNet(false), x = rows(8, 3, 11);
    const plain = await arr(net.apply(x, { training: true }) as tf.Tensor);
    const shuffled = await expectNoLeak(async () => arr(applyInGroups(net, x, { groups: 2, permutation: randomPermutation(8, 1) })));
    expectClose(shuffled, plain, 1e-6);
    x.dispose();
    net.dispose();
  });

  it('with BatchNorm, each row is normalised with the statistics of its own group of the permuted batch', async () => {
    const net = bnNet(true), x = rows(8, 3, 13);
    const perm = randomPermutation(8, 2);
    const got = await arr(applyInGroups(net, x, { groups: 2, permutation: perm }));
    // expected: apply the net to each group of π's rows alone, then put row π[j] back in place
    const expected = new Array<number>(32);
    for (const [g, idx] of [Array.from(perm.slice(0, 4)), Array.from(perm.slice(4))].entries()) {
      void g;
      const out = await arr(tf.tidy(() => net.apply(tf.gather(x, tf.tensor1d(idx, 'int32')), { training: true }) as tf.Tensor));
      idx.forEach((row, j) => { for (let c = 0; c < 4; c++) expected[row * 4 + c] = out[j * 4 + c]!; });
    }
    expectClose(got, expected, 1e-5);
    // and it differs from the full batch pass and from contiguous groups (another grouping, other statistics)
    const full = await arr(net.apply(x, { training: true }) as tf.Tensor);
    const contiguous = await arr(applyInGroups(net, x, { groups: 2 }));
    const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
    expect(maxDiff(got, full)).toBeGreaterThan(1e-2);
    expect(maxDiff(got, contiguous)).toBeGreaterThan(1e-2);
    // one group, no permutation: the plain pass
    expectClose(await arr(applyInGroups(net, x, { groups: 1 })), full, 1e-6);
    // per-group BN output has zero mean within each group (BN's β = 0 at init), not only over the whole batch
    for (const idx of [Array.from(perm.slice(0, 4)), Array.from(perm.slice(4))]) {
      for (let c = 0; c < 4; c++) expect(Math.abs(idx.reduce((s, r) => s + got[r * 4 + c]!, 0))).toBeLessThan(1e-4);
    }
    x.dispose();
    net.dispose();
  });
});

describe('moco shuffling BN', () => {
  const tiny = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], projectionDim: 8, batchSize: 8, queueSize: 32 };

  it('defaults on with 2 groups; the key permutation is seeded by the step; off: the identity', () => {
    const m = moco(tiny), off = moco({ ...tiny, shuffleBN: false });
    expect(m.options).toMatchObject({ shuffleBN: true, bnGroups: 2 });
    expect(Array.from(m.keyPermutation(8, 3))).toEqual(Array.from(m.keyPermutation(8, 3)));
    expect(Array.from(m.keyPermutation(8, 3))).not.toEqual(Array.from(m.keyPermutation(8, 4)));
    expect(Array.from(off.keyPermutation(8, 3))).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    m.dispose();
    off.dispose();
  });

  it('keys: per-group BN over the permuted batch, unshuffled; they differ from the unshuffled keys', async () => {
    // identity augmentation, so the key view is x itself and the grouping can be redone by hand
    const same = { ...tiny, augment: (v: tf.Tensor4D) => v.clone() };
    const m = moco(same), off = moco({ ...same, shuffleBN: false }), one = moco({ ...same, bnGroups: 1 });
    const { x } = toTensor(tinyShapes(8));
    const i = 5, perm = m.keyPermutation(8, i);
    const got = await arr(m.keys(x, i));
    const byHand = await arr(tf.tidy(() => {
      const net = (v: tf.Tensor) => m.keyProjector.apply(m.keyEncoder.apply(v, { training: true }), { training: true }) as tf.Tensor;
      const out = new Array<tf.Tensor>(8);
      for (const idx of [Array.from(perm.slice(0, 4)), Array.from(perm.slice(4))]) {
        const y = net(tf.gather(x, tf.tensor1d(idx, 'int32')));
        idx.forEach((row, j) => { out[row] = tf.slice(y, [j, 0], [1, -1]); });
      }
      const k = tf.concat(out, 0);
      return tf.div(k, tf.norm(k, 'euclidean', 1, true));
    }));
    expectClose(got, byHand, 1e-5);
    const unshuffled = await arr(off.keys(x, i));
    const full = await arr(one.keys(x, i));
    const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((v, j) => Math.abs(v - b[j]!)));
    expect(maxDiff(got, unshuffled)).toBeGreaterThan(1e-3);
    expect(maxDiff(unshuffled, full)).toBeGreaterThan(1e-3);
    // the loss differs too (shuffled vs same-grouping keys), and is finite
    const l1 = await arr(m.loss(x, i)), l2 = await arr(off.loss(x, i));
    expect(Number.isFinite(l1[0]!)).toBe(true);
    expect(Math.abs(l1[0]! - l2[0]!)).toBeGreaterThan(1e-5);
    x.dispose();
    m.dispose();
    off.dispose();
    one.dispose();
  });

  it('no tensor leaks across steps; resume matches; bad options', async () => {
    const m = moco({ ...tiny, learningRate: 0.01 });
    const data = tinyShapes(16);
    await m.train(data, { steps: 1, batchSize: 8, progress: false });
    await expectNoLeak(async () => { await m.train(data, { steps: 2, batchSize: 8, progress: false }); });
    m.dispose();
    await expectResumeMatches((reinit) => moco({ ...tiny, encoder: reinit ? reinitEncoder() : undefined }), tinyShapes(32), 6, 8, (mm) => [mm.state!.queue!]);
    expect(() => moco({ ...tiny, bnGroups: 5 })).toThrow(/argument 'bnGroups'.*Fix/s);
    expect(() => moco({ ...tiny, shuffleBN: 1 as never })).toThrow(/'shuffleBN'/);
  });
});

