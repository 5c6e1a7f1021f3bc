import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { onPairs, onTriplets, pairLoss, pairsFromTriplets, softMarginTripletLoss, tripletLoss, tripletLossFromIndices } from '../../../lib/losses/metric/index.js';
import { expectNoLeak, useBackend } from '../../helpers.js';

beforeAll(() => useBackend('cpu'));
const value = async (t: tf.Scalar) => { const v = (await t.data())[0]!; t.dispose(); return v; };

describe("pair and triplet losses on a miner's output", () => {
  // 1-D embeddings 0, 1, 3; one triplet (anchor 0, positive 1, negative 2).
  const e = () => tf.tensor2d([[0], [1], [3]]);
  const triplets = { anchor: Int32Array.from([0]), positive: Int32Array.from([1]), negative: Int32Array.from([2]) };

  it('pairsFromTriplets: (a, p) positive, (a, n) negative', () => {
    const p = pairsFromTriplets(triplets);
    expect([...p.a]).toEqual([0, 0]);
    expect([...p.b]).toEqual([1, 2]);
    expect([...p.same]).toEqual([1, 0]);
  });

  it('onPairs(pairLoss) on the mined pairs: by hand, (d_ap² + max(0, m − d_an)²)/2 = (1 + 0)/2 with m = 1; m = 4: (1 + 1)/2', async () => {
    const x = e();
    const loss = onPairs(pairLoss);
    expect(await value(loss(x, pairsFromTriplets(triplets)))).toBeCloseTo(0.5, 5);
    expect(await value(loss(x, pairsFromTriplets(triplets), { margin: 4 }))).toBeCloseTo(1, 5);
    x.dispose();
  });

  it('onTriplets(tripletLoss) = tripletLossFromIndices; by hand max(0, 1 − 9 + 9) = 1 with m = 9 (squared distances)', async () => {
    const x = e();
    expect(await value(onTriplets(tripletLoss)(x, triplets, { margin: 9 }))).toBeCloseTo(1, 5);
    expect(await value(tripletLossFromIndices(x, triplets, { margin: 9 }))).toBeCloseTo(1, 5);
    // soft-margin triplet: log(1 + exp(d_ap − d_an)) on squared distances = log(1 + e^{−8})
    expect(await value(onTriplets(softMarginTripletLoss)(x, triplets, { distance: 'squared' }))).toBeCloseTo(Math.log(1 + Math.exp(-8)), 5);
    x.dispose();
  });

  it('no index: 0 with a (zero) gradient; bad indices name the argument; no leak', async () => {
    const x = e();
    const none = { anchor: new Int32Array(0), positive: new Int32Array(0), negative: new Int32Array(0) };
    expect(await value(onTriplets(tripletLoss)(x, none))).toBe(0);
    const g = tf.grad((t: tf.Tensor) => onTriplets(tripletLoss)(t as tf.Tensor2D, none))(x);
    expect([...(await g.data())]).toEqual([0, 0, 0]);
    g.dispose();
    expect(() => onPairs(pairLoss)(x, { a: Int32Array.from([0]), b: Int32Array.from([7]), same: Int32Array.from([1]) })).toThrow(/pairLoss: argument 'pairs.b' must be indices in \[0, 3\)/);
    await expectNoLeak(async () => { tf.dispose(onPairs(pairLoss)(x, pairsFromTriplets(triplets))); });
    x.dispose();
  });
});
