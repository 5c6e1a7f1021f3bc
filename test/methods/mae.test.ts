import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { toTensor } from '../../lib/data/tensor.js';
import { mae, randomPatchMask } from '../../lib/methods/mae.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';
import { expectFlatAcrossSteps, expectResumeMatches, tinyGrey } from './fixtures.js';
import { expectLossDecreasesOnFixedBatch } from './noncontrastive-fixtures.js';

beforeAll(() => useBackend('cpu'));
const tiny = { inputShape: [8, 8, 1] as [number, number, number], patchSize: 2, dim: 16, depth: 1, numHeads: 2, decoderDim: 8, decoderDepth: 1, decoderNumHeads: 2, batchSize: 8 };

describe('mae', () => {
  it('random masking: 75 % of the patches of each image, independently, seeded', () => {
    const a = randomPatchMask(3, 16, 4, 7), b = randomPatchMask(3, 16, 4, 7), c = randomPatchMask(3, 16, 4, 8);
    expect(Array.from(a.keep)).toEqual(Array.from(b.keep));
    expect(Array.from(a.keep)).not.toEqual(Array.from(c.keep));
    for (let i = 0; i < 3; i++) {
      const row = a.mask.subarray(i * 16, (i + 1) * 16);
      expect(row.reduce((s, v) => s + v, 0)).toBe(12);
      for (const k of a.keep.subarray(i * 4, (i + 1) * 4)) expect(row[k]).toBe(0);
    }
    // different images get different masks
    expect(Array.from(a.keep.subarray(0, 4))).not.toEqual(Array.from(a.keep.subarray(4, 8)));
    const m = mae(tiny);
    expect(m.options.numPatches).toBe(16);
    expect(m.options.numVisible).toBe(4);
    expect(m.sampleMask(2, 1, 0.5).numVisible).toBe(8);
    m.dispose();
  });

  it('the encoder sees only the visible patches: changing the pixels of masked patches leaves the prediction unchanged', async () => {
    const m = mae(tiny);
    const { x } = toTensor(tinyGrey(4));
    const a = m.reconstruct(x, { seed: 11 });
    // overwrite every masked patch with noise
    const pixelMask = tf.tidy(() => tf.reshape(tf.transpose(tf.reshape(tf.tile(tf.reshape(a.mask, [4, 4, 4, 1, 1]), [1, 1, 1, 2, 2]), [4, 4, 4, 2, 2]), [0, 1, 3, 2, 4]), [4, 8, 8, 1]));
    const x2 = tf.tidy(() => tf.add(tf.mul(x, tf.sub(1, pixelMask)), tf.mul(pixelMask, tf.randomUniform([4, 8, 8, 1], 0, 1, 'float32', 3)))) as tf.Tensor4D;
    const b = m.reconstruct(x2, { seed: 11 });
    expectClose(await b.prediction.data(), await a.prediction.data(), 1e-5, 1e-4);
    expect((await tf.tidy(() => tf.sum(tf.abs(tf.sub(x2, x)))).data())[0]).toBeGreaterThan(1);
    tf.dispose([x, x2, pixelMask, ...Object.values(a), ...Object.values(b)]);
    m.dispose();
  });

  it('reconstruct: masked input, reconstruction keeps the visible patches exactly; shapes; no leak', async () => {
    const m = mae(tiny);
    const { x } = toTensor(tinyGrey(3));
    tf.dispose(Object.values(m.reconstruct(x))); // warm-up
    const r = await expectNoLeak(async () => {
      const out = m.reconstruct(x, { maskRatio: 0.5, seed: 3 });
      const kept = tf.tidy(() => tf.sum(tf.abs(tf.mul(tf.sub(out.reconstruction, x), tf.sub(1, tf.reshape(tf.transpose(tf.reshape(
        tf.tile(tf.reshape(out.mask, [3, 4, 4, 1, 1]), [1, 1, 1, 2, 2]), [3, 4, 4, 2, 2]), [0, 1, 3, 2, 4]), [3, 8, 8, 1]))))));
      const v = (await kept.data())[0]!;
      kept.dispose();
      const shapes = [out.masked.shape, out.reconstruction.shape, out.prediction.shape, out.mask.shape];
      const masked = Array.from(await out.mask.data()).reduce((a: number, b: number) => a + b, 0);
      tf.dispose(Object.values(out));
      return { v, shapes, masked };
    });
    expect(r.v).toBeLessThan(1e-5);
    expect(r.shapes).toEqual([[3, 8, 8, 1], [3, 8, 8, 1], [3, 8, 8, 1], [3, 16]]);
    expect(r.masked).toBe(3 * 8);
    x.dispose();
    m.dispose();
  });

  it('trains: loss decreases on a fixed batch, flat tensors, norm-pix variant finite; resume', async () => {
    const m = mae({ ...tiny, learningRate: 3e-3 });
    const { x } = toTensor(tinyGrey(8));
    await expectLossDecreasesOnFixedBatch(m, x, 10);
    x.dispose();
    await expectFlatAcrossSteps(m, tinyGrey(32), 8);
    m.dispose();
    const n = mae({ ...tiny, normalizePixels: true, positionalEmbedding: 'learned' });
    await expectFlatAcrossSteps(n, tinyGrey(32), 8);
    n.dispose();
    // the resumed run starts from other weights (same seed: the masks must be the same)
    const scrambled = () => {
      const m2 = mae(tiny);
      tf.tidy(() => m2.encoder.trainableWeights.forEach((w, i) => w.write(tf.randomNormal(w.shape as number[], 0, 0.1, 'float32', i))));
      return m2;
    };
    await expectResumeMatches((reinit) => (reinit ? scrambled() : mae(tiny)), tinyGrey(32), 4, 8);
  });

  it('the encoder is a plain LayersModel giving [N, dim] on whole images', async () => {
    const m = mae(tiny);
    const { x } = toTensor(tinyGrey(5));
    const h = m.encoder.predict(x) as tf.Tensor;
    expect(h.shape).toEqual([5, 16]);
    expectClose([(await h.data()).every((v) => Number.isFinite(v)) ? 1 : 0], [1]);
    tf.dispose([x, h]);
    m.dispose();
  });

  it('bad options: mask ratio outside (0, 1), patch size not dividing the image', () => {
    expect(() => mae({ ...tiny, maskRatio: 1 })).toThrow(/argument 'maskRatio' must be a number in \(0, 1\)/);
    expect(() => mae({ ...tiny, maskRatio: 0 })).toThrow(/'maskRatio'/);
    expect(() => mae({ ...tiny, patchSize: 3 })).toThrow(/argument 'patchSize' must be a divisor of the image height 8/);
    expect(() => mae({ ...tiny, decoderNumHeads: 3 })).toThrow(/'decoderNumHeads'/);
    const m = mae(tiny);
    expect(() => m.sampleMask(2, 0, 1.5)).toThrow(/'maskRatio'/);
    m.dispose();
  });
});
