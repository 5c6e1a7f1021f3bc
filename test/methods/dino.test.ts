import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { toTensor } from '../../lib/data/tensor.js';
import { dinoLoss, updatedCenter } from '../../lib/losses/noncontrastive/dino.js';
import { dino } from '../../lib/methods/dino.js';
import { expectClose, useBackend } from '../helpers.js';
import { expectResumeMatches, reinitEncoder, tinyShapes } from './fixtures.js';
import { expectTrainsOnTinyShapes, scalar } from './noncontrastive-fixtures.js';

beforeAll(() => useBackend('cpu'));
const tiny = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], outputDim: 16, hiddenDim: 16, bottleneckDim: 8, localCrops: 2, batchSize: 8 };

describe('dino', () => {
  it('multi-crop: 2 global views at full size, local views smaller; the teacher sees only the global ones', async () => {
    const m = dino(tiny);
    const { x } = toTensor(tinyShapes(8));
    const v = m.views(x, 0);
    expect(v.global.map((t) => t.shape)).toEqual([[8, 8, 8, 3], [8, 8, 8, 3]]);
    expect(v.local.map((t) => t.shape)).toEqual([[8, 4, 4, 3], [8, 4, 4, 3]]);
    // the loss equals dinoLoss(teacher(global), student(global + local), C)
    const manual = tf.tidy(() => {
      const t = v.global.map((g) => m.teacherHead.apply(m.teacherEncoder.apply(g, { training: true }), { training: true }) as tf.Tensor2D);
      const s = [...v.global, ...v.local].map((g) => m.head.apply(m.encoder.apply(g, { training: true }), { training: true }) as tf.Tensor2D);
      return dinoLoss(t, s, m.center, { studentTemperature: 0.1, teacherTemperature: 0.04 });
    });
    expect(await scalar(m.loss(x, 0))).toBeCloseTo(await scalar(manual), 4);
    tf.dispose([...v.global, ...v.local, x]);
    m.dispose();
  });

  it('after a step: the centre is C ← mC + (1 − m)·mean teacher output; the teacher follows the student by EMA', async () => {
    const m = dino({ ...tiny, momentum: 0.5, momentumSchedule: false, centerMomentum: 0.8, learningRate: 0.01 });
    expectClose(await m.teacherEncoder.weights[0]!.read().data(), await m.encoder.weights[0]!.read().data(), 0);
    const { x } = toTensor(tinyShapes(8));
    // the teacher outputs of step 0, computed before the step (BN in training mode uses batch statistics)
    const expected = tf.tidy(() => {
      const v = m.views(x, 0);
      const t = v.global.map((g) => m.teacherHead.apply(m.teacherEncoder.apply(g, { training: true }), { training: true }) as tf.Tensor2D);
      return updatedCenter(m.center, t, 0.8);
    });
    const t0 = Array.from(await m.teacherHead.weights[0]!.read().data());
    tf.dispose(m.step(x, 0));
    expectClose(await m.center.data(), await expected.data(), 1e-5);
    const s1 = await m.head.weights[0]!.read().data();
    expectClose(await m.teacherHead.weights[0]!.read().data(), t0.map((v, i) => 0.5 * v + 0.5 * s1[i]!), 1e-6);
    tf.dispose([x, expected]);
    m.dispose();
  });

  it('no local crops: Algorithm 1 (two global views); the loss decreases on a fixed batch; flat tensors', async () => {
    const m = dino({ ...tiny, localCrops: 0, learningRate: 0.01, momentum: 0.9 });
    await expectTrainsOnTinyShapes(m);
  });

  it('resume restores student, teacher and the centre', async () => {
    await expectResumeMatches(
      (reinit) => dino({ ...tiny, totalSteps: 6, encoder: reinit ? reinitEncoder() : undefined }),
      tinyShapes(32), 6, 8,
      (m) => [m.state!.center!],
    );
  });

  it('bad options: momentum and centre momentum outside [0, 1], temperatures', () => {
    expect(() => dino({ ...tiny, momentum: 1.2 })).toThrow(/argument 'momentum' must be a number in \[0, 1\]/);
    expect(() => dino({ ...tiny, centerMomentum: -0.5 })).toThrow(/'centerMomentum'/);
    expect(() => dino({ ...tiny, teacherTemperature: 0 })).toThrow(/'teacherTemperature'/);
    expect(() => dino({ ...tiny, localCrops: -1 })).toThrow(/'localCrops'/);
  });
});
