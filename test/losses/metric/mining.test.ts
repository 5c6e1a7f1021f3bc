import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { countTripletKinds, mineTriplets, onlineTripletLoss, tripletKind, tripletLossFromIndices, type Triplets } from '../../../lib/losses/metric/index.js';
import { expectNoLeak, useBackend } from '../../helpers.js';
import { checkGrad, randomRows, value } from './ref.js';

beforeAll(() => useBackend('cpu'));

// 1-D embeddings 0, 1, 1.1, 3 with labels 0, 0, 1, 1; squared distances:
//   d(0,1) = 1, d(0,2) = 1.21, d(0,3) = 9, d(1,2) = 0.01, d(1,3) = 4, d(2,3) = 3.61; margin 0.5.
// Valid triplets (a, p, n) and kinds (easy d_an ≥ d_ap + m; semi-hard d_ap < d_an < d_ap + m; hard d_an ≤ d_ap):
//   (0,1,2) 1 vs 1.21 semi, loss 0.29     (0,1,3) 1 vs 9 easy
//   (1,0,2) 1 vs 0.01 hard, loss 1.49     (1,0,3) 1 vs 4 easy
//   (2,3,0) 3.61 vs 1.21 hard, loss 2.9   (2,3,1) 3.61 vs 0.01 hard, loss 4.1
//   (3,2,0) 3.61 vs 9 easy                (3,2,1) 3.61 vs 4 semi, loss 0.11
// Batch hard: anchor 0 → (0,1,2), 1 → (1,0,2), 2 → (2,3,1), 3 → (3,2,1).
const X = [[0], [1], [1.1], [3]];
const Y = [0, 0, 1, 1];
const key = (t: Triplets) => Array.from(t.anchor, (a, i) => `${a}${t.positive[i]}${t.negative[i]}`).sort();

describe('triplet kinds and mining (hand-computed)', () => {
  it('tripletKind follows the deck\'s table', () => {
    expect(tripletKind(1, 2, 0.5)).toBe('easy');
    expect(tripletKind(1, 1.5, 0.5)).toBe('easy'); // loss exactly 0
    expect(tripletKind(1, 1.2, 0.5)).toBe('semihard');
    expect(tripletKind(1, 1, 0.5)).toBe('hard');
    expect(tripletKind(1, 0.2, 0.5)).toBe('hard');
  });
  it('mineTriplets returns the hand-listed triplets for every strategy', async () => {
    const e = tf.tensor2d(X);
    const o = { margin: 0.5 };
    expect(key(await mineTriplets(e, Y, { ...o, strategy: 'all' }))).toEqual(['012', '013', '102', '103', '230', '231', '320', '321']);
    expect(key(await mineTriplets(e, Y, { ...o, strategy: 'easy' }))).toEqual(['013', '103', '320']);
    expect(key(await mineTriplets(e, Y, { ...o, strategy: 'semihard' }))).toEqual(['012', '321']);
    expect(key(await mineTriplets(e, Y, { ...o, strategy: 'hard' }))).toEqual(['102', '230', '231']);
    expect(key(await mineTriplets(e, Y, { ...o, strategy: 'nonEasy' }))).toEqual(['012', '102', '230', '231', '321']);
    expect(key(await mineTriplets(e, tf.tensor1d(Y, 'int32'), { ...o, strategy: 'batchHard' }))).toEqual(['012', '102', '231', '321']);
    expect(await countTripletKinds(e, Y, o)).toEqual({ easy: 3, semihard: 2, hard: 3, total: 8 });
    e.dispose();
  });
  it('onlineTripletLoss gives the hand-computed means', async () => {
    const e = tf.tensor2d(X);
    const o = { margin: 0.5 };
    const sum = 0.29 + 1.49 + 2.9 + 4.1 + 0.11;
    expect(await value(onlineTripletLoss(e, Y, { ...o, strategy: 'all' }))).toBeCloseTo(sum / 8, 4);
    expect(await value(onlineTripletLoss(e, Y, { ...o, strategy: 'all', average: 'nonzero' }))).toBeCloseTo(sum / 5, 4);
    expect(await value(onlineTripletLoss(e, Y, { ...o, strategy: 'semihard' }))).toBeCloseTo((0.29 + 0.11) / 2, 4);
    expect(await value(onlineTripletLoss(e, Y, { ...o, strategy: 'hard' }))).toBeCloseTo((1.49 + 2.9 + 4.1) / 3, 4);
    expect(await value(onlineTripletLoss(e, Y, { ...o, strategy: 'nonEasy' }))).toBeCloseTo(sum / 5, 4);
    expect(await value(onlineTripletLoss(e, tf.tensor1d(Y, 'int32'), { ...o, strategy: 'batchHard' }))).toBeCloseTo((0.29 + 1.49 + 4.1 + 0.11) / 4, 4);
    e.dispose();
  });
});

describe('online mining on a random K×M batch', () => {
  const x = randomRows(12, 4, 11, 0.6); // K = 3 classes × M = 4
  const y = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
  for (const distance of ['squared', 'euclidean', 'cosine'] as const)
    for (const strategy of ['all', 'semihard', 'hard', 'nonEasy', 'batchHard'] as const)
      it(`mask loss = loss on mined indices (${strategy}, ${distance})`, async () => {
        const e = tf.tensor2d(x);
        const o = { margin: 0.3, distance };
        const mined = await mineTriplets(e, y, { ...o, strategy });
        const fromIdx = await value(tripletLossFromIndices(e, mined, o));
        expect(await value(onlineTripletLoss(e, y, { ...o, strategy }))).toBeCloseTo(fromIdx, 4);
        e.dispose();
      });
  it('gradients match central differences', async () => {
    // Seed 21: every triplet's d_ap − d_an + m is at least 0.045 away from 0, so no hinge kink (nor, for 'nonEasy',
    // a jump of the number of selected triplets) lies within the finite-difference step.
    const e = tf.tensor2d(randomRows(12, 4, 21, 0.6));
    for (const strategy of ['all', 'batchHard', 'nonEasy'] as const)
      await checkGrad((v) => onlineTripletLoss(v as tf.Tensor2D, Int32Array.from(y), { strategy, margin: 0.3 }), e, 2e-3, 2e-2, 1e-3);
    e.dispose();
  });
  it('no leak (tensor labels)', async () => {
    const e = tf.tensor2d(x);
    const yt = tf.tensor1d(y, 'int32');
    for (const strategy of ['all', 'batchHard'] as const) await expectNoLeak(() => onlineTripletLoss(e, yt, { strategy }).dispose());
    await expectNoLeak(() => mineTriplets(e, yt));
    tf.dispose([e, yt]);
  });
});

describe('bad input', () => {
  const e = () => tf.tensor2d(X);
  it('a batch without positives, or of one class, is refused with the fix', async () => {
    await expect(mineTriplets(e(), [0, 1, 2, 3])).rejects.toThrow(/'labels'.*positives.*perClass/);
    await expect(mineTriplets(e(), tf.tensor1d([5, 5, 5, 5], 'int32'))).rejects.toThrow(/'labels'.*two classes/);
    expect(() => onlineTripletLoss(e(), [0, 1, 2, 3])).toThrow(/positives/);
    expect(() => onlineTripletLoss(e(), [1, 1, 1, 1])).toThrow(/two classes/);
  });
  it('margin, strategy, labels', async () => {
    expect(() => onlineTripletLoss(e(), Y, { margin: -1 })).toThrow(/'margin'.*>= 0/);
    expect(() => onlineTripletLoss(e(), Y, { strategy: 'easy' as never })).toThrow(/'strategy'/);
    await expect(mineTriplets(e(), Y, { strategy: 'random' as never })).rejects.toThrow(/'strategy'/);
    expect(() => onlineTripletLoss(e(), [0, 0, 1, -1])).toThrow(/'labels'.*non-negative/);
    expect(() => onlineTripletLoss(e(), tf.tensor1d(Y))).toThrow(/'labels'.*int32/);
  });
});
