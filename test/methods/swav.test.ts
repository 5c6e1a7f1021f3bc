import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { toTensor } from '../../lib/data/tensor.js';
import { swavLoss } from '../../lib/losses/noncontrastive/swav.js';
import { swav } from '../../lib/methods/swav.js';
import { l2Normalize } from '../../lib/ops/distances.js';
import { useBackend } from '../helpers.js';
import { expectResumeMatches, reinitEncoder, tinyShapes } from './fixtures.js';
import { expectTrainsOnTinyShapes, scalar } from './noncontrastive-fixtures.js';

beforeAll(() => useBackend('cpu'));
const tiny = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], projectionDim: 8, hiddenDim: 16, prototypes: 6, batchSize: 8 };

describe('swav', () => {
  it('the loss is swavLoss of the two views\' prototype scores; scores are cosines with unit prototypes', async () => {
    const m = swav(tiny);
    expect(m.options).toMatchObject({ prototypes: 6, temperature: 0.1, epsilon: 0.05, sinkhornIterations: 3 });
    const { x } = toTensor(tinyShapes(8));
    const manual = tf.tidy(() => {
      const [v1, v2] = m.views(x, 3);
      const s = (v: tf.Tensor4D) => {
        const z = l2Normalize(m.projector.apply(m.encoder.apply(v, { training: true }), { training: true }) as tf.Tensor2D) as tf.Tensor2D;
        const c = l2Normalize(m.prototypeLayer.weights[0]!.read() as tf.Tensor2D, 0);
        return tf.matMul(z, c) as tf.Tensor2D;
      };
      return swavLoss(s(v1), s(v2));
    });
    expect(await scalar(m.loss(x, 3))).toBeCloseTo(await scalar(manual), 4);
    const sc = m.scores(x);
    expect(sc.shape).toEqual([8, 6]);
    const v = Array.from(await sc.data());
    expect(v.every((c) => c >= -1 - 1e-5 && c <= 1 + 1e-5)).toBe(true);
    tf.dispose([x, sc]);
    m.dispose();
  });

  it('loss decreases on a fixed batch; flat tensors; the prototypes are trained', async () => {
    const m = swav({ ...tiny, learningRate: 0.01 });
    const c0 = Array.from(await m.prototypeLayer.weights[0]!.read().data());
    const { x } = toTensor(tinyShapes(8));
    tf.dispose(m.step(x, 0));
    x.dispose();
    expect(Array.from(await m.prototypeLayer.weights[0]!.read().data())).not.toEqual(c0);
    await expectTrainsOnTinyShapes(m);
  });

  it('resume matches straight training', async () => {
    await expectResumeMatches((reinit) => swav({ ...tiny, encoder: reinit ? reinitEncoder() : undefined }), tinyShapes(32), 6, 8);
  });

  it('bad options', () => {
    expect(() => swav({ ...tiny, prototypes: 1 })).toThrow(/'prototypes'/);
    expect(() => swav({ ...tiny, epsilon: 0 })).toThrow(/'epsilon'/);
    expect(() => swav({ ...tiny, sinkhornIterations: 0 })).toThrow(/'sinkhornIterations'/);
  });
});
