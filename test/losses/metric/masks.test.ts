import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchMasks, minedMasks, onMined } from '../../../lib/losses/metric/index.js';
import { labelMasks } from '../../../lib/losses/metric/common.js';
import { expectNoLeak, useBackend } from '../../helpers.js';

beforeAll(() => useBackend('cpu'));

const rows = async (t: tf.Tensor) => { const v = (await t.array()) as number[][]; t.dispose(); return v; };

describe('pair masks of a batch (GenericPairLoss: mined pairs as masks over the pairwise matrix)', () => {
  it('triplets (a, p, n): pos[a, p] = 1, neg[a, n] = 1, directed, a pair given twice counts once', async () => {
    const t = { anchor: Int32Array.from([0, 0, 2]), positive: Int32Array.from([1, 1, 3]), negative: Int32Array.from([2, 3, 0]) };
    const { pos, neg } = minedMasks(t, 4);
    expect(await rows(pos)).toEqual([[0, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]]);
    expect(await rows(neg)).toEqual([[0, 0, 1, 1], [0, 0, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]);
  });

  it('pairs (a, b, same); the labels give labelMasks', async () => {
    const { pos, neg } = minedMasks({ a: Int32Array.from([1, 2]), b: Int32Array.from([0, 1]), same: Int32Array.from([1, 0]) }, 3);
    expect(await rows(pos)).toEqual([[0, 0, 0], [1, 0, 0], [0, 0, 0]]);
    expect(await rows(neg)).toEqual([[0, 0, 0], [0, 0, 0], [0, 1, 0]]);
    const y = [0, 1, 0];
    const m = batchMasks(y, 3);
    const want = tf.tidy(() => labelMasks(tf.tensor1d(y, 'int32')));
    expect(await rows(m.pos)).toEqual(await rows(want.pos));
    expect(await rows(m.neg)).toEqual(await rows(want.neg));
  });

  it('bad indices name the argument; no leak', async () => {
    const t = (a: number[], p: number[], n: number[]) => ({ anchor: Int32Array.from(a), positive: Int32Array.from(p), negative: Int32Array.from(n) });
    expect(() => minedMasks(t([0], [5], [1]), 4)).toThrow(/minedMasks: argument 'mined.positive' must be indices in \[0, 4\)/);
    expect(() => minedMasks(t([0, 1], [1], [2]), 4)).toThrow(/argument 'mined' must be \{ anchor, positive, negative \} index arrays of equal length/);
    expect(() => minedMasks(t([1], [1], [2]), 4)).toThrow(/argument 'mined' must be pairs of two different examples/);
    expect(() => minedMasks({ a: Int32Array.from([0, 0]), b: Int32Array.from([1, 1]), same: Int32Array.from([1, 0]) }, 4)).toThrow(/each pair either positive or negative/);
    expect(() => minedMasks({ a: Int32Array.from([0]), b: Int32Array.from([1]), same: Int32Array.from([2]) }, 4)).toThrow(/argument 'mined.same'/);
    expect(() => minedMasks(null as never, 4)).toThrow(/argument 'mined'/);
    const e = tf.zeros([4, 2]) as tf.Tensor2D;
    const sum = (x: tf.Tensor2D, m: { pos: tf.Tensor2D }) => tf.sum(tf.mul(tf.sum(x), m.pos)) as tf.Scalar;
    expect(() => onMined(sum, 'myLoss')(e, t([0], [9], [1]))).toThrow(/myLoss: argument 'mined.positive'/);
    await expectNoLeak(async () => {
      const v = onMined(sum)(e, t([0], [1], [2]));
      v.dispose();
      const m = minedMasks(t([0], [1], [2]), 4);
      tf.dispose([m.pos, m.neg]);
    });
    e.dispose();
  });
});
