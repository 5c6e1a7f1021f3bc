import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { METRIC_LOSSES } from '../../lib/losses/metric/index.js';
import { metricLearner } from '../../lib/methods/metric-learning.js';
import { useBackend } from '../helpers.js';
import { classBalancedSampler } from '../../lib/train/samplers.js';
import { fit } from '../../lib/train/fit.js';
import { join } from 'node:path';
import { expectLearnsFixedBatch, tmp, quadrants } from './fixtures.js';

beforeAll(() => useBackend('cpu'));


describe('metricLearner', () => {
  const data = quadrants(8);
  for (const loss of METRIC_LOSSES)
    it(`${loss}: loss finite and decreasing on a fixed batch, no tensor leak across steps`, async () => {
      // the MLP backbone keeps this fast on the cpu backend; the conv backbone is exercised by 'train' below
      const l = metricLearner({ loss, inputShape: [8, 8, 1], numClasses: 4, backbone: 'mlp', widths: [16], embeddingDim: 8, learningRate: 0.01, seed: 1,
        ...(loss === 'cosface' || loss === 'arcface' || loss === 'subcenterArcface' ? { scale: 8 } : {}), ...(loss === 'triplet' ? { mining: 'all' as const } : {}) });
      const x = tf.tensor4d(data.images.slice(0, 16 * 64), [16, 8, 8, 1]);
      const y = tf.tensor1d(data.labels.slice(0, 16), 'int32');
      await expectLearnsFixedBatch(l, x, y);
      if (loss === 'center') expect(Math.max(...(await l.state!.centers!.data()).map(Math.abs))).toBeGreaterThan(0);
      tf.dispose([x, y]);
      l.dispose();
    });
  it('train: K×M class-balanced batches through the shared loop', async () => {
    const l = metricLearner({ loss: 'triplet', inputShape: [8, 8, 1], widths: [4], embeddingDim: 4 });
    const r = await l.train(data, { steps: 3, classesPerBatch: 2, perClass: 3, progress: false });
    expect(r.stepsRun).toBe(3);
    expect(r.losses.every(Number.isFinite)).toBe(true);
    l.dispose();
  });
  it('bad options and batches', async () => {
    expect(() => metricLearner({ loss: 'hinge' as never, inputShape: [8, 8, 1] })).toThrow(/'loss'.*'arcface'/);
    expect(() => metricLearner({ loss: 'arcface', inputShape: [8, 8, 1] })).toThrow(/'numClasses'/);
    const l = metricLearner({ loss: 'cosface', inputShape: [8, 8, 1], numClasses: 2, widths: [4], embeddingDim: 4 });
    const x = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
    await expect(l.step(x, 0, tf.tensor1d([0, 3], 'int32'))).rejects.toThrow(/metricLearner.step: argument 'y'.*numClasses=2/);
    const t = metricLearner({ loss: 'triplet', inputShape: [8, 8, 1], widths: [4], embeddingDim: 4 });
    await expect(t.step(x, 0, tf.tensor1d([0, 1], 'int32'))).rejects.toThrow(/positives/);
    x.dispose();
    l.dispose();
    t.dispose();
  });
  it('train is lib/train fit with a class-balanced sampler: resume from a checkpoint = training straight through (weights and centres)', async () => {
    const o = { loss: 'center' as const, inputShape: [8, 8, 1] as [number, number, number], numClasses: 4, backbone: 'mlp' as const, widths: [8], embeddingDim: 4, learningRate: 0.01, seed: 2 };
    const t = { classesPerBatch: 2, perClass: 3, progress: false as const, seed: 5 };
    const read = async (l: ReturnType<typeof metricLearner>) => [...(await Promise.all(l.encoder.getWeights().map((w) => w.data()))), await l.state!.centers!.data()];
    const straight = metricLearner(o);
    const full = await straight.train(data, { steps: 6, ...t });
    const want = await read(straight);
    straight.dispose();
    const path = join(tmp('metric'), 'm.ckpt');
    const first = metricLearner(o);
    await first.train(data, { steps: 3, checkpointPath: path, ...t });
    first.dispose();
    const second = metricLearner(o);
    const res = await second.train(data, { steps: 6, checkpointPath: path, ...t });
    expect(res.stepsRun).toBe(3);
    expect(res.losses).toEqual(full.losses);
    expect(await read(second)).toEqual(want);
    second.dispose();
  });
  it("fit's sampler: the batch size must be K×M", async () => {
    const l = metricLearner({ loss: 'triplet', inputShape: [8, 8, 1], backbone: 'mlp', widths: [4], embeddingDim: 4 });
    await expect(fit(l, data, { steps: 1, batchSize: 5, progress: false, sampler: classBalancedSampler({ classesPerBatch: 2, perClass: 3 }) }))
      .rejects.toThrow("classBalancedSampler: argument 'batchSize' must be classesPerBatch × perClass = 6 (got 5)");
    l.dispose();
  });
});
