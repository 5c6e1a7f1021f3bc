import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { batchPairLoss, pairLoss } from '../../../lib/losses/metric/index.js';
import { expectClose, expectNoLeak, useBackend } from '../../helpers.js';
import { checkGrad, dist, randomRows, value } from './ref.js';

beforeAll(() => useBackend('cpu'));

/** Independent formula: loops over pairs i < j. */
function refBatchPair(x: number[][], y: number[], margin: number, metric: 'euclidean' | 'squared' | 'cosine', form: 'hadsell' | 'squared', balance: boolean): number {
  let ps = 0, ns = 0, np = 0, nn = 0;
  for (let i = 0; i < x.length; i++)
    for (let j = i + 1; j < x.length; j++) {
      const d = dist(metric)(x[i]!, x[j]!);
      if (y[i] === y[j]) (ps += d * d), np++;
      else (ns += form === 'hadsell' ? Math.max(0, margin - d) ** 2 : Math.max(0, margin - d * d)), nn++;
    }
  return balance ? ps / np + ns / nn : (ps + ns) / (np + nn);
}

describe('pairLoss (hand-computed)', () => {
  const a = () => tf.tensor2d([[0, 0], [0, 0]]);
  const b = () => tf.tensor2d([[3, 4], [0.3, 0.4]]);
  it('positive pair d² + negative pair max(0, m − d)², mean over pairs', async () => {
    // pair 0: positive, d = 5 → 25; pair 1: negative, d = 0.5 → (1 − 0.5)² = 0.25
    expect(await value(pairLoss(a(), b(), [1, 0], { margin: 1 }))).toBeCloseTo((25 + 0.25) / 2, 4);
    // deck 003's form: max(0, m − d²) = 1 − 0.25
    expect(await value(pairLoss(a(), b(), [1, 0], { margin: 1, form: 'squared' }))).toBeCloseTo((25 + 0.75) / 2, 4);
    expect(await value(pairLoss(a(), b(), tf.tensor1d([1, 0]), { margin: 1, balance: true }))).toBeCloseTo(25.25, 4);
    // negative pairs beyond the margin cost nothing
    expect(await value(pairLoss(a(), b(), [0, 1], { margin: 1 }))).toBeCloseTo(0.25 / 2, 5);
  });
  it('no leak', async () => {
    const x = a(), z = b();
    await expectNoLeak(() => pairLoss(x, z, [1, 0]).dispose());
  });
});

describe('batchPairLoss', () => {
  const x = randomRows(8, 3, 1, 0.5);
  const y = [0, 0, 1, 1, 2, 2, 0, 1];
  for (const metric of ['euclidean', 'squared', 'cosine'] as const)
    for (const form of ['hadsell', 'squared'] as const)
      for (const balance of [false, true])
        it(`matches the loop over pairs (${metric}, ${form}, balance ${balance})`, async () => {
          const e = tf.tensor2d(x);
          const got = await value(batchPairLoss(e, Int32Array.from(y), { margin: 1.2, distance: metric, form, balance }));
          expect(got).toBeCloseTo(refBatchPair(x, y, 1.2, metric, form, balance), 4);
          e.dispose();
        });
  it('gradient matches central differences', async () => {
    const e = tf.tensor2d(x);
    await checkGrad((v) => batchPairLoss(v as tf.Tensor2D, Int32Array.from(y), { margin: 1.2, balance: true }), e);
    await checkGrad((v) => batchPairLoss(v as tf.Tensor2D, tf.tensor1d(y, 'int32'), { margin: 1, distance: 'cosine', form: 'squared' }), e, 2e-3, 2e-2, 1e-3); // a hinge kink lies within 1e-2
    e.dispose();
  });
  it('no leak, tensor labels', async () => {
    const e = tf.tensor2d(x);
    const yt = tf.tensor1d(y, 'int32');
    await expectNoLeak(() => batchPairLoss(e, yt).dispose());
    tf.dispose([e, yt]);
  });
  it('bad input: errors name the argument and the fix', () => {
    const e = tf.tensor2d(x);
    expect(() => batchPairLoss(e, [0, 0, 0, 0, 0, 0, 0, 0])).toThrow(/'labels'.*two classes.*classBalancedBatches/);
    expect(() => batchPairLoss(e, [0, 1, 2, 3, 4, 5, 6, 7])).toThrow(/'labels'.*positives/);
    expect(() => batchPairLoss(e, y, { margin: -1 })).toThrow(/'margin'.*>= 0/);
    expect(() => batchPairLoss(e, [0, 1])).toThrow(/'labels'.*one label per row/);
    expect(() => batchPairLoss(e, y, { distance: 'manhattan' as never })).toThrow(/'distance'/);
    expect(() => pairLoss(e, e, [2, 0, 0, 0, 0, 0, 0, 0])).toThrow(/'same'.*0 or 1/);
    e.dispose();
  });
});
