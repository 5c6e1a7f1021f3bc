import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { colorization } from '../../lib/methods/colorization.js';
import { inpainting } from '../../lib/methods/inpainting.js';
import { jigsaw, jigsawPermutations } from '../../lib/methods/jigsaw.js';
import { rotation } from '../../lib/methods/rotation.js';
import { toTensor } from '../../lib/data/tensor.js';
import { useBackend } from '../helpers.js';
import { expectFlatAcrossSteps, expectResumeMatches, reinitEncoder, tinyGrey, tinyShapes } from './fixtures.js';

beforeAll(() => useBackend('cpu'));
const rgb = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], batchSize: 8 };

describe('rotation (RotNet)', () => {
  it('loss starts near log 4, goes down, flat tensor count, accuracy in [0, 1]', async () => {
    const data = tinyGrey(32);
    const m = rotation({ ...rgb, inputShape: [8, 8, 1], learningRate: 0.01 });
    const { x } = toTensor(data, [0, 1, 2, 3, 4, 5, 6, 7]);
    const l0 = (await m.loss(x).data())[0]!;
    expect(Math.abs(l0 - Math.log(4))).toBeLessThan(0.7);
    await expectFlatAcrossSteps(m, data, 8);
    await m.train(data, { steps: 25, progress: false });
    expect((await m.loss(x).data())[0]!).toBeLessThan(l0);
    const acc = await m.accuracy(x);
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(acc).toBeLessThanOrEqual(1);
    x.dispose();
    m.dispose();
  });

  it('resume; non-square images are refused', async () => {
    await expectResumeMatches((re) => rotation({ ...rgb, encoder: re ? reinitEncoder() : undefined }), tinyShapes(32), 4, 8);
    expect(() => rotation({ inputShape: [8, 6, 1] })).toThrow(/square/);
  });
});

describe('colorization', () => {
  it('trains on colour images; colorize gives grey inputs and colours in [0, 1]; resume', async () => {
    const data = tinyShapes(32);
    const m = colorization({ ...rgb, decoderHidden: 16 });
    await expectFlatAcrossSteps(m, data, 8);
    const { x } = toTensor(data, [0, 1]);
    const { gray, color } = m.colorize(x);
    expect(color.shape).toEqual([2, 8, 8, 3]);
    const g = (await gray.array()) as number[][][][];
    expect(g[0]![3]![3]![0]).toBeCloseTo(g[0]![3]![3]![2]!, 6);
    const cv = Array.from(await color.data());
    expect(Math.min(...cv)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...cv)).toBeLessThanOrEqual(1);
    tf.dispose([x, gray, color]);
    m.dispose();
    await expectResumeMatches((re) => colorization({ ...rgb, decoderHidden: 16, encoder: re ? reinitEncoder() : undefined }), data, 4, 8);
  });

  it('grey data is refused with a fix', () => {
    expect(() => colorization({ inputShape: [8, 8, 1] })).toThrow(/colour images.*Fix: colorization needs colour data/);
  });
});

describe('inpainting (context encoder)', () => {
  it('the loss only sees the hole; trains; inpaint keeps pixels outside the hole; resume', async () => {
    const data = tinyShapes(32);
    const m = inpainting({ ...rgb, decoderHidden: 16, mask: 'center' });
    await expectFlatAcrossSteps(m, data, 8);
    const { x } = toTensor(data, [0, 1]);
    const r = m.inpaint(x);
    const [xv, cv, mv] = [await x.data(), await r.completed.data(), await r.mask.data()];
    for (let p = 0; p < 128; p++) if (mv[p] === 0) for (let c = 0; c < 3; c++) expect(cv[p * 3 + c]).toBeCloseTo(xv[p * 3 + c]!, 6);
    expect(Array.from(mv).reduce((a, b) => a + b, 0)).toBe(2 * 16);
    tf.dispose([x, r.masked, r.mask, r.prediction, r.completed]);
    m.dispose();
    await expectResumeMatches((re) => inpainting({ ...rgb, decoderHidden: 16, encoder: re ? reinitEncoder() : undefined }), data, 4, 8);
    expect(() => inpainting({ ...rgb, maskFraction: 1 })).toThrow(/maskFraction/);
  });
});

describe('jigsaw', () => {
  it('permutation sets: distinct, identity first, all 24 for 2×2, large min Hamming distance for 3×3', () => {
    const p4 = jigsawPermutations(4, 24);
    expect(new Set(p4.map((p) => p.join())).size).toBe(24);
    expect(p4[0]).toEqual([0, 1, 2, 3]);
    const p9 = jigsawPermutations(9, 30, 1);
    let minD = 9;
    for (let a = 0; a < 30; a++) for (let b = a + 1; b < 30; b++) minD = Math.min(minD, p9[a]!.reduce((s, v, i) => s + (v === p9[b]![i] ? 0 : 1), 0));
    expect(minD).toBeGreaterThanOrEqual(6);
    expect(jigsawPermutations(9, 30, 1)).toEqual(p9);
    expect(() => jigsawPermutations(3, 7)).toThrow(/count/);
  });

  it('puzzles: tiles of every image at the input size, labels in range, shuffled view; trains; resume', async () => {
    const data = tinyShapes(32);
    const m = jigsaw({ ...rgb, grid: 2, permutations: 6 });
    const { x } = toTensor(data, [0, 1, 2]);
    const p = m.puzzles(x, 0);
    expect(p.tiles.shape).toEqual([12, 8, 8, 3]);
    expect(p.shuffled.shape).toEqual([3, 8, 8, 3]);
    for (const l of await p.labels.data()) expect(l >= 0 && l < 6).toBe(true);
    tf.dispose([x, p.tiles, p.labels, p.shuffled]);
    await expectFlatAcrossSteps(m, data, 8);
    m.dispose();
    await expectResumeMatches((re) => jigsaw({ ...rgb, permutations: 6, encoder: re ? reinitEncoder() : undefined }), data, 4, 8);
    expect(() => jigsaw({ ...rgb, grid: 5 })).toThrow(/'grid'/);
  });
});

describe('supervised pre-training', () => {
  it('needs labels, trains, flat tensor count', async () => {
    const { supervised } = await import('../../lib/methods/supervised.js');
    const data = tinyShapes(32);
    const m = supervised({ ...rgb, numClasses: 4 });
    await expectFlatAcrossSteps(m, data, 8);
    const { x } = toTensor(data, [0, 1]);
    expect(() => m.loss(x)).toThrow(/'y'/);
    x.dispose();
    m.dispose();
    expect(() => supervised({ ...rgb, numClasses: 1 })).toThrow(/numClasses/);
  });
});
