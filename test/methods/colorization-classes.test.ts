import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { rgbToLab } from '../../lib/classical/color.js';
import { toTensor } from '../../lib/data/tensor.js';
import { abClasses, abPalette, abPrior, rebalanceWeights } from '../../lib/methods/color-palette.js';
import { colorization } from '../../lib/methods/colorization.js';
import { labToRgbTensor, rgbToLabTensor } from '../../lib/ops/lab.js';
import { Rng } from '../../lib/util/rng.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';
import { expectFlatAcrossSteps, expectResumeMatches, reinitEncoder, tinyShapes } from './fixtures.js';
import { expectLossDecreasesOnFixedBatch } from './noncontrastive-fixtures.js';

beforeAll(() => useBackend('cpu'));
const rgb = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], batchSize: 8, decoderHidden: 16 };

describe('Lab on tensors', () => {
  it('rgbToLabTensor matches the per-colour formula; labToRgbTensor inverts it', async () => {
    const r = new Rng(3);
    const px = Float32Array.from({ length: 2 * 4 * 4 * 3 }, () => r.uniform());
    px.set([0, 0, 0, 1, 1, 1, 0.02, 0.5, 0.9], 0); // black, white, a dark channel (linear branch)
    const x = tf.tensor4d(px, [2, 4, 4, 3]);
    const lab = rgbToLabTensor(x);
    const ref = new Float32Array(px.length);
    for (let i = 0; i < px.length; i += 3) ref.set(rgbToLab(px[i]!, px[i + 1]!, px[i + 2]!), i);
    expectClose(await lab.data(), ref, 2e-3, 1e-4);
    const back = labToRgbTensor(lab);
    expectClose(await back.data(), px, 1e-4, 1e-3);
    tf.dispose([x, lab, back]);
    const t = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
    await expectNoLeak(() => { const a = rgbToLabTensor(t), b = labToRgbTensor(a); tf.dispose([a, b]); });
    t.dispose();
  });
});

describe('ab palette and rebalancing', () => {
  it('the palette is the in-gamut ab cells; every colour falls in a cell within binSize/√2 of its (a, b)', () => {
    const p = abPalette(20);
    expect(p.size).toBeGreaterThan(40);
    expect(p.size).toBeLessThan(121); // fewer than the full 11 × 11 grid over [−110, 110]²: only reachable colours
    const has = (a: number, b: number) => Array.from({ length: p.size }, (_, i) => i).some((i) => p.ab[2 * i] === a && p.ab[2 * i + 1] === b);
    expect(has(0, 0)).toBe(true); // grey
    const r = new Rng(5);
    const px = Float32Array.from({ length: 300 }, () => r.uniform());
    const cls = abClasses(px, p);
    for (let i = 0; i < 100; i++) {
      const [, a, b] = rgbToLab(px[3 * i]!, px[3 * i + 1]!, px[3 * i + 2]!);
      expect(Math.hypot(a - p.ab[2 * cls[i]!]!, b - p.ab[2 * cls[i]! + 1]!)).toBeLessThanOrEqual(20 / Math.SQRT2 + 1e-3);
    }
    expect(() => abPalette(0)).toThrow(/'binSize'/);
  });
  it('rebalanceWeights: w ∝ 1/((1 − λ)p + λ/Q), E_p[w] = 1; λ = 1 gives equal weights', () => {
    const prior = [0.5, 0.3, 0.2, 0];
    const raw = prior.map((v) => 1 / (0.5 * v + 0.5 / 4));
    const e = prior.reduce((s, v, i) => s + v * raw[i]!, 0);
    const w = rebalanceWeights(prior);
    expectClose(w, raw.map((v) => v / e), 1e-6);
    expect(prior.reduce((s, v, i) => s + v * w[i]!, 0)).toBeCloseTo(1, 6);
    expect(w[3]!).toBeGreaterThan(w[0]!); // rare colours weigh more
    expectClose(rebalanceWeights(prior, 1), [1, 1, 1, 1], 1e-6);
    expect(() => rebalanceWeights([0.5, 0.2])).toThrow(/summing to 1/);
    expect(() => rebalanceWeights(prior, 0)).toThrow(/'lambda'/);
  });
  it('abPrior sums to 1 and counts the classes', () => {
    const p = abPalette(20);
    const px = new Float32Array([1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]); // white, white, red, black
    const prior = abPrior(px, p);
    expect(prior.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
    const grey = abClasses(new Float32Array([0.5, 0.5, 0.5]), p)[0]!;
    expect(prior[grey]).toBeCloseTo(0.75, 6); // white and black are grey (a = b = 0)
  });
  it('abPrior of many pixels still sums to 1 (counted, not accumulated in float32) and feeds rebalanceWeights', () => {
    const p = abPalette(20);
    const n = 256_000; // 1,000 images of 16×16: summing 1/n in float32 gave 1.0024, which rebalanceWeights refuses
    const px = new Float32Array(3 * n).fill(0.5);
    for (let i = 0; i < n; i += 7) px[3 * i] = 0.9; // a reddish pixel every 7
    const prior = abPrior(px, p);
    expect(Math.abs(prior.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-5);
    expect(prior[abClasses(new Float32Array([0.5, 0.5, 0.5]), p)[0]!]).toBeCloseTo(1 - Math.ceil(n / 7) / n, 6);
    expect(rebalanceWeights(prior).length).toBe(p.size);
  });
});

describe("colorization, target: 'ab-classes'", () => {
  it('targets are the palette classes of the pixels; the loss is the weighted cross-entropy computed by hand', async () => {
    const p = abPalette(20);
    const r = new Rng(9);
    const weights = Float32Array.from({ length: p.size }, () => 0.5 + r.uniform());
    const m = colorization({ ...rgb, target: 'ab-classes', classWeights: weights });
    expect(m.options).toMatchObject({ target: 'ab-classes', binSize: 20 });
    const data = tinyShapes(8);
    const { x } = toTensor(data);
    const cls = m.targetClasses!(x);
    expect(Array.from(await cls.data())).toEqual(Array.from(abClasses(data.images, p)));
    // by hand: logits of the decoder on f(L/100), log-softmax per pixel, weight of the true class
    const logits = tf.tidy(() => {
      const l = tf.slice(rgbToLabTensor(x), [0, 0, 0, 0], [-1, -1, -1, 1]);
      const h = m.encoder.apply(tf.tile(tf.div(l, 100), [1, 1, 1, 3]), { training: true }) as tf.Tensor;
      return m.decoder.apply(h, { training: true }) as tf.Tensor;
    });
    const lv = await logits.data(), cv = await cls.data();
    let ref = 0;
    for (let px = 0; px < cv.length; px++) {
      const row = Array.from(lv.slice(px * p.size, (px + 1) * p.size));
      const mx = Math.max(...row), lse = mx + Math.log(row.reduce((s, v) => s + Math.exp(v - mx), 0));
      ref += weights[cv[px]!]! * (lse - row[cv[px]!]!);
    }
    ref /= cv.length;
    const loss = m.loss(x, 0);
    expect((await loss.data())[0]).toBeCloseTo(ref, 4);
    tf.dispose([logits, cls, loss]);
    // colorize: L in, RGB out in [0, 1], the grey input is L/100
    const { gray, color } = m.colorize(x);
    expect(color.shape).toEqual([8, 8, 8, 3]);
    const c = Array.from(await color.data());
    expect(Math.min(...c)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...c)).toBeLessThanOrEqual(1);
    tf.dispose([gray, color, x]);
    m.dispose();
    expect(() => colorization({ ...rgb, target: 'ab-classes', classWeights: [1, 2] })).toThrow(/'classWeights'.*Fix/s);
    expect(() => colorization({ ...rgb, target: 'lab' as never })).toThrow(/'target'/);
  });

  it('trains: the loss decreases on a fixed batch; flat tensors; resume', async () => {
    const m = colorization({ ...rgb, target: 'ab-classes', learningRate: 0.01 });
    const { x } = toTensor(tinyShapes(8));
    await expectLossDecreasesOnFixedBatch(m, x, 6);
    x.dispose();
    await expectFlatAcrossSteps(m, tinyShapes(16), 8);
    m.dispose();
    await expectResumeMatches((re) => colorization({ ...rgb, target: 'ab-classes', encoder: re ? reinitEncoder() : undefined }), tinyShapes(32), 4, 8);
  });
});
