import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { toTensor } from '../../lib/data/tensor.js';
import { simsiamLoss } from '../../lib/losses/noncontrastive/negative-cosine.js';
import { varianceLoss } from '../../lib/losses/noncontrastive/vicreg.js';
import { simsiam } from '../../lib/methods/simsiam.js';
import { useBackend } from '../helpers.js';
import { expectResumeMatches, reinitEncoder, tinyShapes } from './fixtures.js';
import { expectTrainsOnTinyShapes, scalar } from './noncontrastive-fixtures.js';

beforeAll(() => useBackend('cpu'));
const tiny = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], projectionDim: 8, hiddenDim: 16, batchSize: 8 };

const parts = (m: ReturnType<typeof simsiam>, x: tf.Tensor4D, i: number) => {
  const [v1, v2] = m.views(x, i);
  const z = (v: tf.Tensor4D) => m.projector.apply(m.encoder.apply(v, { training: true }), { training: true }) as tf.Tensor2D;
  const z1 = z(v1), z2 = z(v2);
  const p = (zz: tf.Tensor2D) => m.predictorHead!.apply(zz, { training: true }) as tf.Tensor2D;
  return { z1, z2, p1: p(z1), p2: p(z2) };
};

describe('simsiam', () => {
  it('the loss is ½D(p₁, sg z₂) + ½D(p₂, sg z₁); shared weights, no target network', async () => {
    const m = simsiam(tiny);
    expect(m.targetEncoder).toBeUndefined();
    expect(Object.keys(m.models).sort()).toEqual(['encoder', 'predictor', 'projector']);
    const { x } = toTensor(tinyShapes(8));
    const manual = tf.tidy(() => {
      const { z1, z2, p1, p2 } = parts(m, x, 2);
      return simsiamLoss(p1, z2, p2, z1);
    });
    expect(await scalar(m.loss(x, 2))).toBeCloseTo(await scalar(manual), 5);
    tf.dispose(x);
    m.dispose();
  });

  it('stop-gradient changes the gradient: with it, gradients equal those of a loss whose targets are constants', async () => {
    const { x } = toTensor(tinyShapes(8));
    for (const stopGradient of [true, false]) {
      const m = simsiam({ ...tiny, stopGradient });
      const vars = m.encoder.trainableWeights.map((w) => w.read() as tf.Variable);
      const g1 = tf.variableGrads(() => m.loss(x, 1), vars).grads;
      // the same loss with z's detached by computing them first and feeding constants
      const { z1, z2 } = tf.tidy(() => {
        const { z1, z2 } = parts(m, x, 1);
        return { z1: tf.keep(z1.clone()), z2: tf.keep(z2.clone()) };
      });
      const g2 = tf.variableGrads(() => {
        const { p1, p2 } = parts(m, x, 1);
        return simsiamLoss(p1, z2, p2, z1, { stopGradient: false });
      }, vars).grads;
      const diff = await scalar(tf.addN(Object.keys(g1).map((k) => tf.sum(tf.abs(tf.sub(g1[k]!, g2[k]!))))));
      if (stopGradient) expect(diff).toBeLessThan(1e-4);
      else expect(diff).toBeGreaterThan(1e-4);
      tf.dispose([z1, z2, ...Object.values(g1), ...Object.values(g2)]);
      m.dispose();
    }
    x.dispose();
  });

  it('variance regulariser ("Var Reg") adds μ[v(z₁) + v(z₂)]/2 (the official VICReg weighting)', async () => {
    const m = simsiam({ ...tiny, varianceWeight: 3 });
    const { x } = toTensor(tinyShapes(8));
    const manual = tf.tidy(() => {
      const { z1, z2, p1, p2 } = parts(m, x, 4);
      return tf.add(simsiamLoss(p1, z2, p2, z1), tf.mul(3 / 2, tf.add(varianceLoss(z1), varianceLoss(z2))));
    });
    expect(await scalar(m.loss(x, 4))).toBeCloseTo(await scalar(manual), 4);
    x.dispose();
    m.dispose();
  });

  it('loss decreases on a fixed batch; tensor count flat; resume', async () => {
    const m = simsiam({ ...tiny, learningRate: 0.01 });
    await expectTrainsOnTinyShapes(m);
    await expectResumeMatches((reinit) => simsiam({ ...tiny, encoder: reinit ? reinitEncoder() : undefined }), tinyShapes(32), 6, 8);
  });

  it('bad options', () => {
    expect(() => simsiam({ ...tiny, stopGradient: 1 as never })).toThrow(/'stopGradient'/);
    expect(() => simsiam({ ...tiny, varianceWeight: -1 })).toThrow(/'varianceWeight'/);
    expect(() => simsiam({ ...tiny, momentumEncoder: true, momentum: 2 })).toThrow(/'momentum'/);
  });
});
