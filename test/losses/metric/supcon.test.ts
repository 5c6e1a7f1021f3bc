import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchMasks, metricLosses, METRIC_LOSSES, mineTriplets, onMined, pairsFromTriplets, supConLoss, supConMaskedLoss } from '../../../lib/losses/metric/index.js';
import { metricLearner } from '../../../lib/methods/metric-learning.js';
import { expectLearnsFixedBatch, quadrants } from '../../methods/fixtures.js';
import { expectNoLeak, useBackend } from '../../helpers.js';
import { checkGrad, dot, randomRows, unit, value, type Rows } from './ref.js';

beforeAll(() => useBackend('cpu'));

/**
 * L^sup_out by loops (Khosla et al. 2020, eq. 2), in float64: for each anchor i with positives, −1/|P(i)| Σ_p
 * log( e^{z_i·z_p/τ} / Σ_{a∈A(i)} e^{z_i·z_a/τ} ), averaged over those anchors. `isPos`/`inDen` default to the
 * labels' (y_p = y_i; every a ≠ i).
 */
function refSupCon(e: Rows, y: ArrayLike<number>, tau: number, isPos = (i: number, j: number) => y[i] === y[j], inDen = (_i: number, _j: number) => true): number {
  const z = e.map(unit);
  let total = 0;
  let anchors = 0;
  for (let i = 0; i < z.length; i++) {
    const P = z.map((_, j) => j).filter((j) => j !== i && isPos(i, j));
    if (P.length === 0) continue;
    const A = z.map((_, j) => j).filter((j) => j !== i && inDen(i, j));
    const logDen = Math.log(A.reduce((s, a) => s + Math.exp(dot(z[i]!, z[a]!) / tau), 0));
    total += -P.reduce((s, p) => s + dot(z[i]!, z[p]!) / tau - logDen, 0) / P.length;
    anchors++;
  }
  return anchors ? total / anchors : 0;
}

describe('supConLoss (Khosla et al. 2020, L^sup_out)', () => {
  it('worked by hand: z = (1,0), (0,1), (−1,0), y = 0, 0, 1, τ = 1 → (log(1 + e^{−1}) + log 2)/2; anchor 3 has no positive', async () => {
    // anchor 1: positive 2 (z·z = 0), others 2 (0) and 3 (−1): −log(e^0/(e^0 + e^{−1})) = log(1 + e^{−1})
    // anchor 2: positive 1 (0), others 1 (0) and 3 (0): −log(1/2) = log 2;  anchor 3: no positive, skipped
    const hand = (Math.log(1 + Math.exp(-1)) + Math.log(2)) / 2; // 0.5032046...
    expect(hand).toBeCloseTo(0.5032046, 6);
    const y = [0, 0, 1];
    expect(await value(supConLoss(tf.tensor2d([[1, 0], [0, 1], [-1, 0]]), y, { temperature: 1 }))).toBeCloseTo(hand, 6);
    // z is L2-normalised: scaling the rows changes nothing
    expect(await value(supConLoss(tf.tensor2d([[3, 0], [0, 0.5], [-2, 0]]), y, { temperature: 1 }))).toBeCloseTo(hand, 6);
    // τ = 0.5 doubles every logit: (log(1 + e^{−2}) + log 2)/2
    expect(await value(supConLoss(tf.tensor2d([[1, 0], [0, 1], [-1, 0]]), y, { temperature: 0.5 }))).toBeCloseTo((Math.log(1 + Math.exp(-2)) + Math.log(2)) / 2, 6);
  });

  it('= the double loop of the formula (default τ = 0.1, and τ = 0.5), JS labels and int32 tensor labels alike', async () => {
    const e = randomRows(9, 4, 3);
    const y = [0, 1, 0, 2, 1, 0, 3, 2, 1]; // class 3 has one example: its anchor is skipped
    for (const tau of [0.1, 0.5]) {
      const want = refSupCon(e, y, tau);
      const o = tau === 0.1 ? {} : { temperature: tau };
      expect(await value(supConLoss(tf.tensor2d(e), y, o))).toBeCloseTo(want, 4);
      const yt = tf.tensor1d(y, 'int32');
      expect(await value(supConLoss(tf.tensor2d(e), yt, o))).toBeCloseTo(want, 4);
      yt.dispose();
    }
  });

  it('gradient = central differences', async () => {
    const y = [0, 0, 1, 1, 2, 0];
    await checkGrad((x) => supConLoss(x as tf.Tensor2D, y, { temperature: 0.5 }), tf.tensor2d(randomRows(6, 3, 5)), 2e-3, 2e-2, 1e-3);
  });

  it('no tensor leak (loss, its gradient, the masked form)', async () => {
    const e = tf.tensor2d(randomRows(8, 4, 1));
    const y = [0, 0, 1, 1, 2, 2, 3, 3];
    await expectNoLeak(async () => {
      (await value(supConLoss(e, y)));
      const g = tf.grad((x: tf.Tensor) => supConLoss(x as tf.Tensor2D, y))(e);
      g.dispose();
      const m = batchMasks(y, 8);
      await value(supConMaskedLoss(e, m));
      tf.dispose([m.pos, m.neg]);
    });
    e.dispose();
  });

  it('bad input: errors name the argument', () => {
    const e = tf.tensor2d(randomRows(4, 3, 2));
    expect(() => supConLoss(tf.tensor1d([1, 2]) as never, [0, 0])).toThrow(/supConLoss: argument 'embeddings'/);
    expect(() => supConLoss(e, [0, 0, 1, 1], { temperature: 0 })).toThrow(/supConLoss: argument 'temperature'/);
    expect(() => supConLoss(e, [0, 0, 1, 1], { temperature: -1 })).toThrow(/argument 'temperature'/);
    expect(() => supConLoss(e, [0, 0, 1])).toThrow(/supConLoss: argument 'labels' must be one label per row \(4\)/);
    expect(() => supConLoss(e, [0, 1, 2, 3])).toThrow(/supConLoss: argument 'labels' must be a batch where some class has at least two examples/);
    expect(() => supConLoss(e, [0, 0.5, 1, 1])).toThrow(/argument 'labels' must be non-negative integers/);
    expect(() => supConMaskedLoss(e, { pos: tf.zeros([3, 3]), neg: tf.zeros([4, 4]) } as never)).toThrow(/supConMaskedLoss: argument 'masks.pos' must be a 0\/1 tensor \[4, 4\]/);
    expect(() => supConMaskedLoss(e, null as never)).toThrow(/argument 'masks'/);
    e.dispose();
  });
});

describe("SupCon on a miner's output (masks.ts onMined: mined pairs as masks over the batch)", () => {
  const e = randomRows(8, 3, 11);
  const y = [0, 0, 1, 1, 2, 2, 0, 1];

  it('every ordered pair of the batch, mined = the labels: onMined(supConMaskedLoss) = supConLoss', async () => {
    const a: number[] = [], b: number[] = [], same: number[] = [];
    for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) if (i !== j) { a.push(i); b.push(j); same.push(y[i] === y[j] ? 1 : 0); }
    const x = tf.tensor2d(e);
    const all = { a: Int32Array.from(a), b: Int32Array.from(b), same: Int32Array.from(same) };
    expect(await value(onMined(supConMaskedLoss)(x, all, { temperature: 0.2 }))).toBeCloseTo(await value(supConLoss(x, y, { temperature: 0.2 })), 5);
    x.dispose();
  });

  it('mined triplets: P(i) the mined positives, A(i) the mined positives and negatives (the loop with those sets)', async () => {
    const x = tf.tensor2d(e);
    const t = await mineTriplets(x, y, { strategy: 'semihard', margin: 0.5 });
    expect(t.anchor.length).toBeGreaterThan(0);
    const p = pairsFromTriplets(t);
    const has = (i: number, j: number, s: number) => p.a.some((v, k) => v === i && p.b[k] === j && p.same[k] === s);
    const want = refSupCon(e, y, 0.2, (i, j) => has(i, j, 1), (i, j) => has(i, j, 1) || has(i, j, 0));
    expect(await value(onMined(supConMaskedLoss)(x, t, { temperature: 0.2 }))).toBeCloseTo(want, 4);
    x.dispose();
  });

  it('nothing mined: 0 with a zero gradient; no leak', async () => {
    const x = tf.tensor2d(e);
    const none = { anchor: new Int32Array(0), positive: new Int32Array(0), negative: new Int32Array(0) };
    await expectNoLeak(async () => {
      expect(Math.abs(await value(onMined(supConMaskedLoss)(x, none)))).toBe(0);
      const g = tf.grad((v: tf.Tensor) => onMined(supConMaskedLoss)(v as tf.Tensor2D, none))(x);
      expect(Math.max(...(await g.data()).map(Math.abs))).toBe(0);
      g.dispose();
    });
    x.dispose();
  });
});

describe("'supCon' in the metric learner (one spec, one list line)", () => {
  it('registered from its spec: no head, τ = 0.1 by default; the registry function = supConLoss', async () => {
    expect(METRIC_LOSSES).toContain('supCon');
    const fn = metricLosses.get('supCon');
    expect(fn.head).toBe('none');
    expect(fn.spec!.defaults).toEqual({ temperature: 0.1 });
    const x = tf.tensor2d(randomRows(6, 3, 4));
    const y = [0, 0, 1, 1, 2, 2];
    expect(await value(fn({ embeddings: x, labels: y }, { temperature: 0.3 }))).toBeCloseTo(await value(supConLoss(x, y, { temperature: 0.3 })), 6);
    expect(() => fn({ embeddings: x, labels: y }, { temprature: 0.3 })).toThrow(/supCon: argument 'options.temprature' must be an option of the 'supCon' loss: temperature/);
    x.dispose();
  });

  it('the learner trains with it: loss finite and decreasing on a fixed batch, no tensor leak across steps', async () => {
    const data = quadrants(8);
    const l = metricLearner({ loss: 'supCon', lossOptions: { temperature: 0.2 }, inputShape: [8, 8, 1], backbone: 'mlp', widths: [16], embeddingDim: 8, learningRate: 0.01, seed: 1 });
    expect(l.lossOptions).toEqual({ temperature: 0.2 });
    expect(l.head).toBeUndefined();
    const x = tf.tensor4d(data.images.slice(0, 16 * 64), [16, 8, 8, 1]);
    const y = tf.tensor1d(data.labels.slice(0, 16), 'int32');
    await expectLearnsFixedBatch(l, x, y);
    tf.dispose([x, y]);
    l.dispose();
  });
});
