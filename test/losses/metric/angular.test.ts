import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { adaCosScale, adaptiveMargins, arcFaceLoss, cosFaceLoss, subCenterArcFaceLoss, subCenterCosines } from '../../../lib/losses/metric/index.js';
import { expectClose, expectNoLeak, useBackend } from '../../helpers.js';
import { ce, checkGrad, value } from './ref.js';

beforeAll(() => useBackend('cpu'));

// Cosines to 3 classes; sample 2's target cosine −0.95 has θ = 2.82 rad, θ + 0.5 > π: ArcFace's fallback applies.
const COS = [[0.8, 0.6, -0.2], [0.1, 0.9, 0.3], [-0.95, 0.2, 0.4]];
const Y = [0, 2, 0];

/** Reference with Math.acos (independent of the cos(θ+m) expansion used by the lib). */
function refLoss(cos: number[][], y: number[], s: number, target: (c: number, m: number) => number, margins: (c: number) => number): number {
  return cos.reduce((acc, row, n) => acc + ce(row.map((c, k) => s * (k === y[n] ? target(c, margins(y[n]!)) : c)), y[n]!), 0) / cos.length;
}
const cosFace = (c: number, m: number) => c - m;
const arcFace = (c: number, m: number) => {
  const theta = Math.acos(c);
  return theta + m < Math.PI ? Math.cos(theta + m) : c - m * Math.sin(m);
};

describe('CosFace', () => {
  it('s(cos − m) for the target, s·cos otherwise, cross-entropy (loops)', async () => {
    expect(await value(cosFaceLoss(tf.tensor2d(COS), Y, { scale: 10, margin: 0.35 }))).toBeCloseTo(refLoss(COS, Y, 10, cosFace, () => 0.35), 4);
    expect(await value(cosFaceLoss(tf.tensor2d(COS), tf.tensor1d(Y, 'int32')))).toBeCloseTo(refLoss(COS, Y, 30, cosFace, () => 0.35), 3);
    // margin 0: plain softmax cross-entropy of s·cos
    expect(await value(cosFaceLoss(tf.tensor2d(COS), Y, { scale: 2, margin: 0 }))).toBeCloseTo(COS.reduce((a, r, n) => a + ce(r.map((c) => 2 * c), Y[n]!), 0) / 3, 5);
  });
  it('per-class (adaptive) margins', async () => {
    const m = adaptiveMargins([100, 10, 1]);
    expect(await value(cosFaceLoss(tf.tensor2d(COS), Y, { scale: 8, margin: m }))).toBeCloseTo(refLoss(COS, Y, 8, cosFace, (c) => m[c]!), 4);
  });
  it('gradient matches central differences', async () => {
    await checkGrad((v) => cosFaceLoss(v as tf.Tensor2D, Y, { scale: 4 }), tf.tensor2d(COS), 2e-3, 2e-2, 1e-3);
  });
});

describe('ArcFace', () => {
  it('cos(θ + m) for the target (with the θ + m > π fallback), against Math.acos', async () => {
    expect(await value(arcFaceLoss(tf.tensor2d(COS), Y, { scale: 10, margin: 0.5 }))).toBeCloseTo(refLoss(COS, Y, 10, arcFace, () => 0.5), 4);
    expect(await value(arcFaceLoss(tf.tensor2d(COS), Y, { scale: 5, margin: 0.2 }))).toBeCloseTo(refLoss(COS, Y, 5, arcFace, () => 0.2), 4);
    const m = adaptiveMargins([100, 10, 1], { a: 1, lambda: 0.5, b: 0.1 });
    expect(await value(arcFaceLoss(tf.tensor2d(COS), Y, { scale: 6, margin: m }))).toBeCloseTo(refLoss(COS, Y, 6, arcFace, (c) => m[c]!), 4);
  });
  it('the margin goes inside the cosine: ArcFace target < cos, fallback keeps it decreasing in θ', async () => {
    // target logit of a single sample with cos θ = 0.8 (θ = 0.6435): cos(0.6435 + 0.5) = 0.4127
    const one = await value(arcFaceLoss(tf.tensor2d([[0.8, 0]]), [0], { scale: 1, margin: 0.5 }));
    expect(one).toBeCloseTo(ce([Math.cos(Math.acos(0.8) + 0.5), 0], 0), 5);
  });
  it('gradient matches central differences (both branches)', async () => {
    await checkGrad((v) => arcFaceLoss(v as tf.Tensor2D, Y, { scale: 4, margin: 0.5 }), tf.tensor2d(COS), 2e-3, 2e-2, 1e-3);
  });
  it('no leak', async () => {
    const c = tf.tensor2d(COS);
    await expectNoLeak(() => arcFaceLoss(c, Y).dispose());
    await expectNoLeak(() => cosFaceLoss(c, Y, { margin: adaptiveMargins([3, 2, 1]) }).dispose());
    c.dispose();
  });
});

describe('sub-center ArcFace', () => {
  // 2 classes × k = 2 sub-centres, class-major columns [c0k0, c0k1, c1k0, c1k1]
  const SUB = [[0.1, 0.7, 0.3, -0.2], [0.5, 0.2, 0.6, 0.9]];
  it('max over each class\'s sub-centres, then ArcFace', async () => {
    expectClose(await subCenterCosines(tf.tensor2d(SUB), 2).data(), [0.7, 0.3, 0.5, 0.9]);
    const direct = refLoss([[0.7, 0.3], [0.5, 0.9]], [0, 1], 10, arcFace, () => 0.3);
    expect(await value(subCenterArcFaceLoss(tf.tensor2d(SUB), [0, 1], { subCenters: 2, scale: 10, margin: 0.3 }))).toBeCloseTo(direct, 4);
    await checkGrad((v) => subCenterArcFaceLoss(v as tf.Tensor2D, [0, 1], { subCenters: 2, scale: 4 }), tf.tensor2d(SUB), 2e-3, 2e-2, 1e-3);
  });
  it('k = 1 is ArcFace', async () => {
    expect(await value(subCenterArcFaceLoss(tf.tensor2d(COS), Y, { subCenters: 1, scale: 10 }))).toBeCloseTo(await value(arcFaceLoss(tf.tensor2d(COS), Y, { scale: 10 })), 5);
  });
});

describe('margins and scale rules', () => {
  it('m_c = a·N_c^(−λ) + b', () => {
    expectClose(adaptiveMargins([1, 16, 81], { a: 0.5, lambda: 0.25, b: 0.05 }), [0.55, 0.3, 0.05 + 0.5 / 3], 1e-6);
    const m = adaptiveMargins([1000, 10]);
    expect(m[1]!).toBeGreaterThan(m[0]!); // rare classes get larger margins
  });
  it('s = √2·log(C − 1)', () => {
    expect(adaCosScale(5)).toBeCloseTo(Math.SQRT2 * Math.log(4), 10);
    expect(adaCosScale(1001)).toBeCloseTo(9.7688, 3);
    expect(() => adaCosScale(2)).toThrow(/'numClasses'.*>= 3/);
  });
});

describe('bad input', () => {
  it('margins < 0, labels out of range, shapes', () => {
    const c = tf.tensor2d(COS);
    expect(() => cosFaceLoss(c, Y, { margin: -0.1 })).toThrow(/'margin'.*>= 0/);
    expect(() => arcFaceLoss(c, Y, { margin: [0.1, -0.2, 0.3] })).toThrow(/'margin\[1\]'.*>= 0/);
    expect(() => arcFaceLoss(c, Y, { margin: [0.1, 0.2] })).toThrow(/'margin'.*3 per-class/);
    expect(() => arcFaceLoss(c, [0, 3, 1])).toThrow(/'labels'.*\[0, numClasses=3\)/);
    expect(() => cosFaceLoss(c, Y, { scale: 0 })).toThrow(/'scale'/);
    expect(() => cosFaceLoss(tf.ones([3]) as never, Y)).toThrow(/'cosines'.*NormalizedDense/);
    expect(() => subCenterArcFaceLoss(c, Y, { subCenters: 2 })).toThrow(/'cosines'.*k = 2/);
    expect(() => adaptiveMargins([10, 0])).toThrow(/'classCounts'.*>= 1/);
    c.dispose();
  });
});
