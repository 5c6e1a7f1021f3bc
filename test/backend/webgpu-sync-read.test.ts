import { afterAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '../../lib/tf.js';
import { initBackend } from '../../lib/backend/index.js';
import { SYNC_READ_MESSAGE } from '../../lib/backend/webgpu-sync-read.js';
import { tryWebgpu } from '../helpers.js';

afterAll(() => initBackend({ backend: 'cpu', verbose: false }));

describe('webgpu in Node: one behaviour for synchronous reads at every size', () => {
  it('every synchronous read of a webgpu tensor throws the same message, small or big, CPU-held or not', async () => {
    if (!(await tryWebgpu('synchronous reads')).ok) return;
    const small = tf.tensor1d([1, 2, 3]); // values still on the CPU: used to succeed
    const scalar = tf.scalar(4);
    const a = tf.ones([256, 256]);
    const big = tf.matMul(a, a); // on the GPU: used to fail (OffscreenCanvas)
    const sum = tf.add(small, 1);
    for (const t of [small, scalar, big, sum]) {
      expect(() => t.dataSync()).toThrow(SYNC_READ_MESSAGE);
      expect(() => t.arraySync()).toThrow(SYNC_READ_MESSAGE);
      expect(() => t.bufferSync()).toThrow(SYNC_READ_MESSAGE);
      expect(() => t.toString()).toThrow(SYNC_READ_MESSAGE);
    }
    expect(SYNC_READ_MESSAGE).toBe(
      'synchronous GPU read (dataSync/arraySync/print/toString) is not available on the webgpu backend in Node. Use the async form: `await t.data()`, `await t.array()`, or `await show(t)`.',
    );
    // The async reads work at every size, and the backend's own small CPU kernels (tile, slice on CPU-held data) still run.
    expect([...(await small.data())]).toEqual([1, 2, 3]);
    expect((await big.data())[0]).toBe(256);
    const tiled = tf.tile(small, [2]);
    const sliced = tf.slice(small, [1], [2]);
    expect([...(await tiled.data())]).toEqual([1, 2, 3, 1, 2, 3]);
    expect([...(await sliced.data())]).toEqual([2, 3]);
    tf.dispose([small, scalar, a, big, sum, tiled, sliced]);
  });

  it('labels made from an array are still checked on webgpu (their CPU copy is read, not the GPU)', async () => {
    if (!(await tryWebgpu('label checks')).ok) return;
    const { onlineTripletLoss } = await import('../../lib/losses/metric/index.js');
    const e = tf.ones([4, 3]) as tf.Tensor2D;
    const y = tf.tensor1d([2, 2, 2, 2], 'int32');
    expect(() => onlineTripletLoss(e, y)).toThrow("onlineTripletLoss: argument 'labels' must be a batch with at least two classes (negatives)");
    tf.dispose([e, y]);
  });

  it('the cpu backend keeps its synchronous reads', async () => {
    await initBackend({ backend: 'cpu', verbose: false });
    const t = tf.tensor1d([5, 6]);
    expect([...t.dataSync()]).toEqual([5, 6]);
    expect(t.arraySync()).toEqual([5, 6]);
    t.dispose();
  });
});
