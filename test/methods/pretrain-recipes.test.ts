// The course's named pre-training recipes (lib/methods/pretrain-recipes.ts): what npm run pretrain and the notebooks share.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GREYSCALE_VIEWS, greyscaleViews, PRETRAIN_NAMES, PRETRAIN_SIZES, pretrainData, pretrainRecipe } from '../../lib/methods/pretrain-recipes.js';
import { pretrainKey } from '../../lib/train/encoder-cache.js';
import { useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

describe('pretrain recipes', () => {
  it('build the named methods at the mode size, with distinct cache keys per name and seed', async () => {
    const data = await pretrainData('smoke');
    expect([data.height, data.width, data.n]).toEqual([PRETRAIN_SIZES.smoke.size, PRETRAIN_SIZES.smoke.size, PRETRAIN_SIZES.smoke.n]);
    const keys = new Set<string>();
    for (const name of PRETRAIN_NAMES)
      for (const seed of [0, 1]) {
        const r = pretrainRecipe(name, { mode: 'smoke', seed, data });
        const m = r.build();
        expect(m.name).toBe(name);
        expect(m.encoder.inputs[0]!.shape.slice(1)).toEqual([14, 14, 1]);
        expect(r.steps).toBe(PRETRAIN_SIZES.smoke.steps);
        keys.add(pretrainKey(r, m));
        m.dispose();
      }
    expect(keys.size).toBe(PRETRAIN_NAMES.length * 2);
  });

  it('refuse an unknown name, mode, or data of another size', async () => {
    const data = await pretrainData('smoke');
    expect(() => pretrainRecipe('nope' as 'simclr', { mode: 'smoke', seed: 0, data })).toThrow(/name/);
    expect(() => pretrainRecipe('simclr', { mode: 'big' as 'smoke', seed: 0, data })).toThrow(/mode/);
    expect(() => pretrainRecipe('simclr', { mode: 'laptop', seed: 0, data })).toThrow(/28×28/);
  });

  it('greyscaleViews: seeded, within [0, 1], and two seeds give two views', () => {
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const t = greyscaleViews(1);
    const [a, b, c] = [t(x, 7), t(x, 7), t(x, 8)];
    expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).toBe(0);
    expect(tf.max(tf.abs(tf.sub(a, c))).dataSync()[0]).toBeGreaterThan(0.1);
    expect(tf.min(a).dataSync()[0]).toBeGreaterThanOrEqual(0);
    expect(tf.max(a).dataSync()[0]).toBeLessThanOrEqual(1);
    expect(GREYSCALE_VIEWS.scale).toEqual([0.35, 1]);
    tf.dispose([x, a, b, c]);
  });
});
