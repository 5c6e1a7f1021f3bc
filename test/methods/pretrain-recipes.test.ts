// The course's named pre-training recipes (lib/methods/pretrain-recipes.ts): what npm run pretrain and the notebooks share.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { GREYSCALE_VIEWS, greyscaleViews, PRETRAIN_NAMES, PRETRAIN_SIZES, PRETRAIN_USED, pretrainData, pretrainRecipe, SUITE_NAMES } from '../../lib/methods/pretrain-recipes.js';
import { pretrainKey } from '../../lib/train/encoder-cache.js';
import { useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

const METHOD_OF: Record<string, string> = { simclr: 'simclr', 'simclr-suite': 'simclr', moco: 'moco', byol: 'byol', simsiam: 'simsiam', 'barlow-twins': 'barlow_twins', vicreg: 'vicreg', dino: 'dino', swav: 'swav' };

describe('pretrain recipes', () => {
  it('the suite (notebook 07) holds the six non-contrastive methods and the two contrastive ones, all at one budget; the notebooks load every name', () => {
    expect([...SUITE_NAMES].sort()).toEqual(['barlow-twins', 'byol', 'dino', 'moco', 'simclr-suite', 'simsiam', 'swav', 'vicreg']);
    expect([...PRETRAIN_USED].sort()).toEqual([...PRETRAIN_NAMES].sort());
    for (const mode of ['smoke', 'laptop', 'full'] as const) expect(PRETRAIN_SIZES[mode].suite.steps).toBeGreaterThan(0);
  });

  it("DINO's local crops are half-size views of 5–35 % of the image; its describe says so (part of the cache key)", async () => {
    const data = await pretrainData('smoke');
    const r = pretrainRecipe('dino', { mode: 'smoke', seed: 0, data });
    expect(r.describe).toMatchObject({ augment: { local: { scale: [0.05, 0.35], side: 0.5 } } });
    const m = r.build() as unknown as { views(x: tf.Tensor4D, i: number): { global: tf.Tensor4D[]; local: tf.Tensor4D[] }; dispose(): void };
    const x = tf.randomUniform([2, 14, 14, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const v = m.views(x, 0);
    expect(v.global.map((t) => t.shape)).toEqual([[2, 14, 14, 1], [2, 14, 14, 1]]);
    expect(v.local.map((t) => t.shape)).toEqual([[2, 7, 7, 1], [2, 7, 7, 1]]);
    tf.dispose([x, ...v.global, ...v.local]);
    m.dispose();
  });

  it('build the named methods at the mode size, with distinct cache keys per name and seed', async () => {
    const data = await pretrainData('smoke');
    expect([data.height, data.width, data.n]).toEqual([PRETRAIN_SIZES.smoke.size, PRETRAIN_SIZES.smoke.size, PRETRAIN_SIZES.smoke.n]);
    const keys = new Set<string>();
    for (const name of PRETRAIN_NAMES)
      for (const seed of [0, 1]) {
        const r = pretrainRecipe(name, { mode: 'smoke', seed, data });
        const m = r.build();
        expect(m.name).toBe(METHOD_OF[name]);
        expect(m.encoder.inputs[0]!.shape.slice(1)).toEqual([14, 14, 1]);
        const inSuite = (SUITE_NAMES as readonly string[]).includes(name);
        expect([r.steps, r.batchSize]).toEqual(inSuite ? [PRETRAIN_SIZES.smoke.suite.steps, PRETRAIN_SIZES.smoke.suite.batch] : [PRETRAIN_SIZES.smoke.steps, PRETRAIN_SIZES.smoke.batch]);
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
