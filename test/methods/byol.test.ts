import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { toTensor } from '../../lib/data/tensor.js';
import { byolLoss } from '../../lib/losses/noncontrastive/byol.js';
import { byol } from '../../lib/methods/byol.js';
import { expectClose, useBackend } from '../helpers.js';
import { expectResumeMatches, reinitEncoder, tinyShapes } from './fixtures.js';
import { expectTrainsOnTinyShapes, scalar } from './noncontrastive-fixtures.js';

beforeAll(() => useBackend('cpu'));
const tiny = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], projectionDim: 8, hiddenDim: 16, batchSize: 8 };

describe('byol', () => {
  it('the loss is ℓ(p₁, z′₂) + ℓ(p₂, z′₁) with the EMA target; the target follows ξ ← mξ + (1 − m)θ', async () => {
    const m = byol({ ...tiny, momentum: 0.5, momentumSchedule: false, learningRate: 0.01 });
    expect(m.targetEncoder && m.targetProjector && m.predictorHead).toBeTruthy();
    expectClose(await m.targetEncoder!.weights[0]!.read().data(), await m.encoder.weights[0]!.read().data(), 0);
    const { x } = toTensor(tinyShapes(8));
    // the same numbers by hand
    const manual = tf.tidy(() => {
      const [v1, v2] = m.views(x, 3);
      const p = (v: tf.Tensor4D) => m.predictorHead!.apply(m.projector.apply(m.encoder.apply(v, { training: true }), { training: true }), { training: true }) as tf.Tensor2D;
      const t = (v: tf.Tensor4D) => m.targetProjector!.apply(m.targetEncoder!.apply(v, { training: true }), { training: true }) as tf.Tensor2D;
      return byolLoss(p(v1), t(v2), p(v2), t(v1));
    });
    expect(await scalar(m.loss(x, 3))).toBeCloseTo(await scalar(manual), 5);
    const before = Array.from(await m.targetEncoder!.weights[0]!.read().data());
    tf.dispose(m.step(x, 0));
    const online = await m.encoder.weights[0]!.read().data();
    expectClose(await m.targetEncoder!.weights[0]!.read().data(), before.map((v, i) => 0.5 * v + 0.5 * online[i]!), 1e-6);
    // the target is never in the optimizer's variables: momentum 1 keeps it frozen
    const frozen = byol({ ...tiny, momentum: 1 });
    const f0 = Array.from(await frozen.targetProjector!.weights[0]!.read().data());
    tf.dispose(frozen.step(x, 0));
    expect(Array.from(await frozen.targetProjector!.weights[0]!.read().data())).toEqual(f0);
    tf.dispose(x);
    m.dispose();
    frozen.dispose();
  });

  it('cosine momentum schedule from the base to 1 over the run', () => {
    const m = byol({ ...tiny, momentum: 0.9, totalSteps: 100 });
    expect(m.momentumAt(0)).toBeCloseTo(0.9, 12);
    expect(m.momentumAt(50)).toBeCloseTo(0.95, 12);
    expect(m.momentumAt(100)).toBeCloseTo(1, 12);
    m.dispose();
  });

  it('loss decreases on a fixed batch; tensor count flat across steps', async () => {
    const m = byol({ ...tiny, learningRate: 0.01, momentum: 0.9 });
    await expectTrainsOnTinyShapes(m);
  });

  it('resume restores online, target and predictor weights', async () => {
    // the fixture's first run is a 3-step run with its own 3-step schedule; totalSteps makes it part of a 6-step
    // schedule (a run interrupted without totalSteps: test/methods/schedule-resume.test.ts)
    await expectResumeMatches(
      (reinit) => byol({ ...tiny, totalSteps: 6, encoder: reinit ? reinitEncoder() : undefined }),
      tinyShapes(32), 6, 8,
    );
  });

  it('ablation switches: no momentum encoder, no predictor, no BN', () => {
    const m = byol({ ...tiny, momentumEncoder: false, predictor: false, batchNorm: false });
    expect(m.targetEncoder).toBeUndefined();
    expect(m.predictorHead).toBeUndefined();
    expect(m.projector.layers.some((l) => l.getClassName() === 'BatchNormalization')).toBe(false);
    expect(Object.keys(m.models).sort()).toEqual(['encoder', 'projector']);
    m.dispose();
  });

  it('bad options name the argument: momentum outside [0, 1], non-boolean switches', () => {
    expect(() => byol({ ...tiny, momentum: 1.5 })).toThrow(/argument 'momentum' must be a number in \[0, 1\].*Fix/);
    expect(() => byol({ ...tiny, momentum: -0.1 })).toThrow(/'momentum'/);
    expect(() => byol({ ...tiny, predictor: 'yes' as never })).toThrow(/'predictor'/);
    expect(() => byol({ widths: [4] } as never)).toThrow(/'inputShape'/);
  });
});
