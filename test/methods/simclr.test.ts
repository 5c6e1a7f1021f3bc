import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { randomFlip } from '../../lib/augment/flip.js';
import { simclr } from '../../lib/methods/simclr.js';
import { toTensor } from '../../lib/data/tensor.js';
import { useBackend } from '../helpers.js';
import { expectFlatAcrossSteps, expectResumeMatches, reinitEncoder, tinyGrey, tinyShapes } from './fixtures.js';

beforeAll(() => useBackend('cpu'));
const tiny = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], projectionDim: 8, batchSize: 8 };

describe('simclr', () => {
  it('one step: finite loss near log(2N−1) at init, encoder h and projection z shapes; views differ', async () => {
    const m = simclr(tiny);
    const { x, y } = toTensor(tinyShapes(8));
    const l0 = m.loss(x, 0);
    const v = (await l0.data())[0]!;
    expect(Number.isFinite(v)).toBe(true);
    expect(Math.abs(v - Math.log(15))).toBeLessThan(1.5);
    const h = m.encoder.predict(x) as tf.Tensor;
    expect(h.shape).toEqual([8, 8]);
    const z = m.project(x);
    expect(z.shape).toEqual([8, 8]);
    const [a, b] = m.views(x, 0);
    expect(Array.from(await a.data())).not.toEqual(Array.from(await b.data()));
    tf.dispose([x, y, l0, h, z, a, b]);
    m.dispose();
  });

  it('the loss goes down on a fixed batch and no tensors leak across steps', async () => {
    const data = tinyShapes(32);
    const m = simclr({ ...tiny, learningRate: 0.01, augment: randomFlip() });
    const { x } = toTensor(data, Array.from({ length: 8 }, (_, i) => i));
    const before = (await m.loss(x, 0).data())[0]!;
    await expectFlatAcrossSteps(m, data, 8);
    await m.train(data, { steps: 30, batchSize: 8, progress: false });
    const after = (await m.loss(x, 0).data())[0]!;
    expect(after).toBeLessThan(before);
    x.dispose();
    m.dispose();
  });

  it('variants: linear head, no head, grey images', async () => {
    for (const o of [{ projectionHead: 'linear' as const }, { projectionHead: false as const }]) {
      const m = simclr({ ...tiny, ...o });
      const r = await m.train(tinyShapes(16), { steps: 2, progress: false });
      expect(r.losses.every(Number.isFinite)).toBe(true);
      expect(Object.keys(m.models)).toEqual(o.projectionHead === false ? ['encoder'] : ['encoder', 'projector']);
      m.dispose();
    }
    const g = simclr({ ...tiny, inputShape: [8, 8, 1] });
    const r = await g.train(tinyGrey(16), { steps: 2, progress: false });
    expect(r.losses.every(Number.isFinite)).toBe(true);
    g.dispose();
  });

  it('resuming from a checkpoint gives the weights of training straight through', async () => {
    await expectResumeMatches(
      (reinit) => simclr({ ...tiny, encoder: reinit ? reinitEncoder() : undefined }),
      tinyShapes(32), 4, 8,
    );
  });

  it('bad options give errors naming the option and the fix', () => {
    expect(() => simclr({ widths: [4] })).toThrow(/'inputShape'.*Fix/);
    expect(() => simclr({ ...tiny, temperature: 0 })).toThrow(/'temperature'/);
    expect(() => simclr({ ...tiny, batchSize: 1 })).toThrow(/'batchSize'/);
    const m = simclr(tiny);
    const x = tf.zeros([1, 8, 8, 3]) as tf.Tensor4D;
    expect(() => m.step(x, 0)).toThrow(/at least 2 images/);
    x.dispose();
    m.dispose();
  });
});
