import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { toTensor } from '../../lib/data/tensor.js';
import { covarianceLoss, invarianceLoss, varianceLoss, vicregLoss } from '../../lib/losses/noncontrastive/vicreg.js';
import { vicreg } from '../../lib/methods/vicreg.js';
import { useBackend } from '../helpers.js';
import { expectResumeMatches, reinitEncoder, tinyShapes } from './fixtures.js';
import { expectTrainsOnTinyShapes, scalar } from './noncontrastive-fixtures.js';

beforeAll(() => useBackend('cpu'));
const tiny = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], projectionDim: 8, hiddenDim: 16, batchSize: 8 };
const z = (m: ReturnType<typeof vicreg>, v: tf.Tensor4D) => m.projector.apply(m.encoder.apply(v, { training: true }), { training: true }) as tf.Tensor2D;

describe('vicreg', () => {
  it('the loss is λs + μ[v + v′]/2 + ν[c + c′] with the defaults 25, 25, 1', async () => {
    const m = vicreg(tiny);
    expect(m.options).toMatchObject({ invarianceWeight: 25, varianceWeight: 25, covarianceWeight: 1, predictor: false, stopGradient: false });
    const { x } = toTensor(tinyShapes(8));
    const manual = tf.tidy(() => {
      const [v1, v2] = m.views(x, 7);
      return vicregLoss(z(m, v1), z(m, v2));
    });
    expect(await scalar(m.loss(x, 7))).toBeCloseTo(await scalar(manual), 3);
    x.dispose();
    m.dispose();
  });

  it('"No Reg" (μ = ν = 0) is the invariance term alone; with predictor + SG the invariance is symmetrised', async () => {
    const { x } = toTensor(tinyShapes(8));
    const noReg = vicreg({ ...tiny, varianceWeight: 0, covarianceWeight: 0, invarianceWeight: 2 });
    const manual = tf.tidy(() => {
      const [v1, v2] = noReg.views(x, 1);
      return tf.mul(2, invarianceLoss(z(noReg, v1), z(noReg, v2)));
    });
    expect(await scalar(noReg.loss(x, 1))).toBeCloseTo(await scalar(manual), 4);
    const pr = vicreg({ ...tiny, predictor: true, stopGradient: true });
    const manual2 = tf.tidy(() => {
      const [v1, v2] = pr.views(x, 1);
      const z1 = z(pr, v1), z2 = z(pr, v2);
      const p = (t: tf.Tensor2D) => pr.predictorHead!.apply(t, { training: true }) as tf.Tensor2D;
      const inv = tf.mul(0.5 * 25, tf.add(invarianceLoss(p(z1), z2), invarianceLoss(p(z2), z1)));
      return tf.addN([inv, tf.mul(25 / 2, tf.add(varianceLoss(z1), varianceLoss(z2))), tf.add(covarianceLoss(z1), covarianceLoss(z2))]);
    });
    expect(await scalar(pr.loss(x, 1))).toBeCloseTo(await scalar(manual2), 3);
    x.dispose();
    noReg.dispose();
    pr.dispose();
  });

  it('loss decreases on a fixed batch; flat tensors; resume', async () => {
    const m = vicreg({ ...tiny, learningRate: 0.01 });
    await expectTrainsOnTinyShapes(m);
    await expectResumeMatches((reinit) => vicreg({ ...tiny, encoder: reinit ? reinitEncoder() : undefined }), tinyShapes(32), 6, 8);
  });

  it('bad options', () => {
    expect(() => vicreg({ ...tiny, covarianceWeight: Number.NaN })).toThrow(/'covarianceWeight'/);
    expect(() => vicreg({ ...tiny, projectionDim: 0 })).toThrow(/'projectionDim'/);
  });
});
