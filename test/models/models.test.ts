import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { copyWeights, cosineMomentum, countParams, emaUpdate, featureDim, linearClassifier, mlpEncoder, projectionHead, smallCnn, stack } from '../../lib/models/index.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

describe('encoders and heads', () => {
  it('smallCnn maps [N,H,W,C] to [N, last width] and counts its parameters', async () => {
    const enc = smallCnn({ inputShape: [28, 28, 1], widths: [4, 8], seed: 1 });
    expect(featureDim(enc)).toBe(8);
    const y = enc.predict(tf.zeros([2, 28, 28, 1])) as tf.Tensor;
    expect(y.shape).toEqual([2, 8]);
    y.dispose();
    // conv1: 3*3*1*4 (no bias with BN) + BN gamma/beta 8; conv2: 3*3*4*8 + 16
    expect(countParams(enc)).toBe(36 + 8 + 288 + 16);
  });

  it('embeddingDim adds a linear layer; mlpEncoder flattens images', () => {
    expect(featureDim(smallCnn({ inputShape: [8, 8, 3], widths: [4], embeddingDim: 5 }))).toBe(5);
    const m = mlpEncoder({ inputShape: [4, 4, 1], hidden: [6], outputDim: 3 });
    const y = m.predict(tf.ones([2, 4, 4, 1])) as tf.Tensor;
    expect(y.shape).toEqual([2, 3]);
    y.dispose();
  });

  it('heads and stack compose', () => {
    const enc = smallCnn({ inputShape: [8, 8, 1], widths: [4] });
    const head = projectionHead({ inputDim: 4, hiddenDim: 6, outputDim: 2 });
    const full = stack([enc, head]);
    const y = full.predict(tf.ones([3, 8, 8, 1])) as tf.Tensor;
    expect(y.shape).toEqual([3, 2]);
    y.dispose();
    expect(featureDim(linearClassifier({ inputDim: 4, numClasses: 10 }))).toBe(10);
  });

  it('rejects bad shapes with the argument named', () => {
    expect(() => smallCnn({ inputShape: [28, 28] as never })).toThrow(/smallCnn: argument 'inputShape'/);
    expect(() => projectionHead({ inputDim: 0, outputDim: 2 })).toThrow(/argument 'inputDim'/);
  });
});

describe('EMA', () => {
  it('ξ ← mξ + (1−m)θ on every weight, with no leaks', async () => {
    const a = mlpEncoder({ inputShape: [3], hidden: [], outputDim: 2, seed: 1 });
    const b = mlpEncoder({ inputShape: [3], hidden: [], outputDim: 2, seed: 2 });
    const before = await Promise.all(a.weights.map((w) => w.read().data()));
    const online = await Promise.all(b.weights.map((w) => w.read().data()));
    await expectNoLeak(() => emaUpdate(a, b, 0.9));
    const after = await Promise.all(a.weights.map((w) => w.read().data()));
    after.forEach((v, i) => expectClose(v, Array.from(before[i]!, (x, j) => 0.9 * x + 0.1 * online[i]![j]!), 1e-6));
    copyWeights(a, b);
    expectClose(await a.weights[0]!.read().data(), online[0]!, 0);
    expect(() => emaUpdate(a, b, 1.5)).toThrow(/momentum/);
    expect(() => emaUpdate(a, mlpEncoder({ inputShape: [4], hidden: [], outputDim: 2 }), 0.5)).toThrow(/same weight shapes/);
  });

  it('cosine momentum goes from base to 1', () => {
    expect(cosineMomentum(0.99, 0, 100)).toBeCloseTo(0.99, 10);
    expect(cosineMomentum(0.99, 100, 100)).toBeCloseTo(1, 10);
    expect(cosineMomentum(0.99, 50, 100)).toBeCloseTo(0.995, 10);
  });
});
