// A method built for H×W×C images refuses a batch of another shape (lib/train/method.ts checkImageBatch, in makeMethod's
// step and loss) instead of training on it silently (a fully convolutional encoder accepts any size).
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { syntheticShapes } from '../../lib/data/shapes.js';
import { metricLearner } from '../../lib/methods/metric-learning.js';
import { rotation } from '../../lib/methods/rotation.js';
import { simclr } from '../../lib/methods/simclr.js';
import { useBackend } from '../helpers.js';
import { tinyGrey, tinyShapes } from './fixtures.js';

beforeAll(() => useBackend('cpu'));
const tiny = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], projectionDim: 8, batchSize: 8 };
const sizeMsg =
  "simclr: argument 'x' must be images [N, 8, 8, 3] (the inputShape the method was built for) (got a float32 tensor of shape [4, 16, 16, 3]). " +
  'Fix: resize the images to 8×8 (lib/augment resizeImages(set, [8, 8])), or build the method for these images with inputShape: [16, 16, 3]';

describe('a method built for H×W images refuses other sizes', () => {
  it('step and loss: the error names the expected and the given shape and the fix; nothing is left behind', async () => {
    const m = simclr(tiny);
    const x = tf.zeros([4, 16, 16, 3]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const w0 = Array.from(await m.encoder.weights[0]!.read().data());
    expect(() => m.step(x, 0)).toThrow(sizeMsg);
    expect(() => m.loss(x, 0)).toThrow(sizeMsg);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(await m.encoder.weights[0]!.read().data())).toEqual(w0); // no update happened
    x.dispose();
    m.dispose();
  });

  it('train on a set of another size fails at the first step, before any update', async () => {
    const m = simclr(tiny);
    const big = syntheticShapes({ n: 16, size: 16, seed: 0 });
    await expect(m.train(big, { steps: 2, progress: false })).rejects.toThrow(
      "simclr: argument 'x' must be images [N, 8, 8, 3] (the inputShape the method was built for) (got a float32 tensor of shape [8, 16, 16, 3]).",
    );
    const res = await m.train(tinyShapes(16), { steps: 1, progress: false }); // the right size still trains
    expect(Number.isFinite(res.losses[0]!)).toBe(true);
    m.dispose();
  });

  it('channels: grey images for a colour method and colour images for a grey one', () => {
    const m = simclr(tiny);
    const grey = tf.zeros([2, 8, 8, 1]) as tf.Tensor4D;
    expect(() => m.step(grey, 0)).toThrow("Fix: give images with 3 channels, or build the method for these images with inputShape: [8, 8, 1]");
    const r = rotation({ inputShape: [8, 8, 1], widths: [4, 8], batchSize: 8 });
    const colour = tf.zeros([2, 16, 16, 3]) as tf.Tensor4D;
    expect(() => r.step(colour, 0)).toThrow(
      "rotation: argument 'x' must be images [N, 8, 8, 1] (the inputShape the method was built for) (got a float32 tensor of shape [2, 16, 16, 3]). " +
        'Fix: resize the images to 8×8 (lib/augment resizeImages(set, [8, 8])) and give images with 1 channel (lib/data toGrayscale(set)), or build the method for these images with inputShape: [16, 16, 3]',
    );
    tf.dispose([grey, colour]);
    m.dispose();
    r.dispose();
  });

  it('metricLearner: its step and its loss(x, y)', async () => {
    const learner = metricLearner({ loss: 'triplet', inputShape: [8, 8, 1], backbone: 'mlp', widths: [4], embeddingDim: 3 });
    const x = tf.zeros([4, 4, 4, 1]) as tf.Tensor4D;
    const msg = "triplet: argument 'x' must be images [N, 8, 8, 1] (the inputShape the method was built for) (got a float32 tensor of shape [4, 4, 4, 1]).";
    await expect(learner.step(x, 0, [0, 0, 1, 1])).rejects.toThrow(msg);
    expect(() => learner.loss(x, [0, 0, 1, 1])).toThrow(msg);
    const ok = await learner.train(tinyGrey(16), { steps: 1, progress: false, classesPerBatch: 2, perClass: 2 });
    expect(ok.stepsRun).toBe(1);
    x.dispose();
    learner.dispose();
  });
});
