import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { generalizedMetricLearner } from '../../lib/methods/generalized-metric-learning.js';
import { useBackend } from '../helpers.js';
import { expectLearnsFixedBatch, quadrants } from './fixtures.js';

beforeAll(() => useBackend('cpu'));


/** L_{φ,ψ} by loops over the embeddings: one row per ordered positive pair (i, j), negatives k of another class. */
function reference(e: number[][], y: ArrayLike<number>, phi: (x: number) => number, psi: (x: number) => number): number {
  const d2 = (a: number[], b: number[]) => a.reduce((s, v, k) => s + (v - b[k]!) ** 2, 0);
  let total = 0, rows = 0;
  for (let i = 0; i < e.length; i++) for (let j = 0; j < e.length; j++) {
    if (i === j || y[i] !== y[j]) continue;
    let inner = 0;
    for (let k = 0; k < e.length; k++) if (y[k] !== y[i]) inner += psi(d2(e[i]!, e[j]!) - d2(e[i]!, e[k]!));
    total += phi(inner);
    rows++;
  }
  return total / rows;
}

describe('generalizedMetricLearner', () => {
  const data = quadrants(8);
  const x = () => tf.tensor4d(data.images.slice(0, 16 * 64), [16, 8, 8, 1]);
  const labels = data.labels.slice(0, 16);
  const cases = [
    { instance: 'modifiedTriplet' as const, instanceOptions: { slope: 2 }, phi: (v: number) => v, psi: (v: number) => 1 / (1 + Math.exp(-2 * v)) },
    { instance: 'tripletContrastive' as const, instanceOptions: {}, phi: (v: number) => v, psi: (v: number) => v },
  ];
  for (const c of cases)
    it(`${c.instance}: the loss is L_{φ,ψ} of the embeddings (computed by loops), it decreases, no tensor leak`, async () => {
      const l = generalizedMetricLearner({ instance: c.instance, instanceOptions: c.instanceOptions, inputShape: [8, 8, 1], backbone: 'mlp', widths: [16], embeddingDim: 8, learningRate: 0.01, seed: 1 });
      const xb = x();
      // the same forward pass (BatchNorm in training mode uses the batch statistics: deterministic)
      const e = tf.tidy(() => l.encoder.apply(xb, { training: true }) as tf.Tensor2D);
      const ref = reference(await e.array(), labels, c.phi, c.psi);
      const got = l.loss(xb, labels);
      expect((await got.data())[0]!).toBeCloseTo(ref, 4);
      tf.dispose([e, got]);
      const yb = tf.tensor1d(labels, 'int32');
      await expectLearnsFixedBatch(l, xb, yb);
      tf.dispose([xb, yb]);
      l.dispose();
    });
  it('train: K×M batches through the shared loop; bad options and batches', async () => {
    const l = generalizedMetricLearner({ instance: 'modifiedTriplet', inputShape: [8, 8, 1], backbone: 'mlp', widths: [4], embeddingDim: 4 });
    const r = await l.train(data, { steps: 3, classesPerBatch: 2, perClass: 3, progress: false });
    expect(r.stepsRun).toBe(3);
    expect(r.losses.every(Number.isFinite)).toBe(true);
    const xb = x();
    await expect(l.step(xb, 0, new Int32Array(16))).rejects.toThrow(/'y'/); // one class: no negative pair
    xb.dispose();
    l.dispose();
    expect(() => generalizedMetricLearner({ instance: 'hinge' as never, inputShape: [8, 8, 1] })).toThrow(/'instance'.*'tripletContrastive'/);
    expect(() => generalizedMetricLearner({ instance: 'modifiedTriplet', instanceOptions: { slope: -1 }, inputShape: [8, 8, 1] })).toThrow(/'slope'/);
  });
});
