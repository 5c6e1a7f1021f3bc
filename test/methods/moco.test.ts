import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { moco } from '../../lib/methods/moco.js';
import { toTensor } from '../../lib/data/tensor.js';
import { expectClose, useBackend } from '../helpers.js';
import { expectFlatAcrossSteps, expectResumeMatches, reinitEncoder, tinyShapes } from './fixtures.js';

beforeAll(() => useBackend('cpu'));
const tiny = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], projectionDim: 8, batchSize: 8, queueSize: 32 };

describe('moco', () => {
  it('the key encoder starts as a copy, then follows the query encoder by EMA; the queue takes the keys', async () => {
    const m = moco({ ...tiny, momentum: 0.5, learningRate: 0.01 });
    expectClose(await m.keyEncoder.weights[0]!.read().data(), await m.encoder.weights[0]!.read().data(), 0);
    const q0 = Array.from(await m.queue.data());
    const k0 = Array.from(await m.keyEncoder.weights[0]!.read().data());
    const { x } = toTensor(tinyShapes(8));
    const loss = m.step(x, 0);
    expect(Number.isFinite((await loss.data())[0]!)).toBe(true);
    const q1 = Array.from(await m.queue.data());
    // rows 0..7 replaced (step 0, N = 8), rows 8..31 untouched
    expect(q1.slice(0, 64)).not.toEqual(q0.slice(0, 64));
    expect(q1.slice(64)).toEqual(q0.slice(64));
    // θ_k = 0.5 θ_k + 0.5 θ_q after the update
    const kq = await m.encoder.weights[0]!.read().data(), k1 = await m.keyEncoder.weights[0]!.read().data();
    expectClose(k1, k0.map((v, i) => 0.5 * v + 0.5 * kq[i]!), 1e-6);
    const m2 = m.step(x, 1);
    const q2 = Array.from(await m.queue.data());
    expect(q2.slice(64, 128)).not.toEqual(q1.slice(64, 128));
    tf.dispose([x, loss, m2]);
    m.dispose();
  });

  it('trains with a queue larger than the batch, flat tensor count; the key encoder is not trained', async () => {
    const data = tinyShapes(32);
    const m = moco({ ...tiny, momentum: 1 });
    const k0 = Array.from(await m.keyEncoder.weights[0]!.read().data());
    await expectFlatAcrossSteps(m, data, 8);
    expect(Array.from(await m.keyEncoder.weights[0]!.read().data())).toEqual(k0);
    m.dispose();
  });

  it('resume restores weights, both encoders and the queue', async () => {
    await expectResumeMatches(
      (reinit) => moco({ ...tiny, encoder: reinit ? reinitEncoder() : undefined }),
      tinyShapes(32), 6, 8,
      (m) => [m.state!.queue!],
    );
  });

  it('bad options: queue not larger than / not a multiple of the batch, momentum outside [0,1]', () => {
    expect(() => moco({ ...tiny, queueSize: 8 })).toThrow(/'queueSize' must be a multiple of batchSize \(8\) larger than it.*Fix/);
    expect(() => moco({ ...tiny, queueSize: 36 })).toThrow(/'queueSize'/);
    expect(() => moco({ ...tiny, momentum: 1.5 })).toThrow(/'momentum'/);
  });
});
