import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { toTensor } from '../../lib/data/tensor.js';
import { barlowTwinsLoss } from '../../lib/losses/noncontrastive/barlow-twins.js';
import { barlowTwins } from '../../lib/methods/barlow-twins.js';
import { useBackend } from '../helpers.js';
import { expectResumeMatches, reinitEncoder, tinyShapes } from './fixtures.js';
import { expectTrainsOnTinyShapes, scalar } from './noncontrastive-fixtures.js';

beforeAll(() => useBackend('cpu'));
const tiny = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], projectionDim: 8, hiddenDim: 16, batchSize: 8 };

describe('barlowTwins', () => {
  it('the loss is L_BT(z₁, z₂) with λ; 3-layer projector, no predictor', async () => {
    const m = barlowTwins({ ...tiny, lambda: 0.05 });
    expect(m.predictorHead).toBeUndefined();
    expect(m.projector.layers.filter((l) => l.getClassName() === 'Dense')).toHaveLength(3);
    const { x } = toTensor(tinyShapes(8));
    const manual = tf.tidy(() => {
      const [v1, v2] = m.views(x, 5);
      const z = (v: tf.Tensor4D) => m.projector.apply(m.encoder.apply(v, { training: true }), { training: true }) as tf.Tensor2D;
      return barlowTwinsLoss(z(v1), z(v2), { lambda: 0.05 });
    });
    expect(await scalar(m.loss(x, 5))).toBeCloseTo(await scalar(manual), 4);
    x.dispose();
    m.dispose();
  });

  it('loss decreases on a fixed batch; flat tensors; resume', async () => {
    const m = barlowTwins({ ...tiny, learningRate: 0.01 });
    await expectTrainsOnTinyShapes(m);
    await expectResumeMatches((reinit) => barlowTwins({ ...tiny, encoder: reinit ? reinitEncoder() : undefined }), tinyShapes(32), 6, 8);
  });

  it('bad options', () => {
    expect(() => barlowTwins({ ...tiny, lambda: -1 })).toThrow(/argument 'lambda'/);
    expect(() => barlowTwins({ ...tiny, batchSize: 1 })).toThrow(/'batchSize'/);
  });
});
