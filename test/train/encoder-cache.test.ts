// The trained-encoder cache (lib/train/encoder-cache.ts): train once, load after; the key follows what decides the
// weights; a stopped run resumes to the uninterrupted one's weights; a corrupt entry fails loudly; no leaks.
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simclr } from '../../lib/methods/simclr.js';
import { gaussianNoise } from '../../lib/augment/noise.js';
import { clearEncoderCache, listEncoderCache, pretrained, pretrainKey, type PretrainRecipe } from '../../lib/train/encoder-cache.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';
import { blobs } from './fixtures.js';

const dirs: string[] = [];
const freshDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'reprlab-encoders-'));
  dirs.push(d);
  return d;
};
beforeAll(() => useBackend('cpu'));
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const data = blobs(16, { seed: 1 });
function recipe(o: { steps?: number; temperature?: number; seed?: number; noise?: number } = {}): PretrainRecipe {
  const { steps = 4, temperature = 0.5, seed = 3, noise = 0.1 } = o;
  return {
    name: 'simclr-test',
    build: () => simclr({ inputShape: [2, 2, 1], widths: [4], projectionDim: 4, batchSize: 8, temperature, seed, augment: gaussianNoise({ std: noise }) }),
    data,
    describe: { data: 'blobs-16', augment: { noise } },
    steps,
    seed,
  };
}
const weightsOf = async (m: { encoder: { getWeights(): tf.Tensor[] } }) => Promise.all(m.encoder.getWeights().map((w) => w.data()));

describe('pretrained (encoder cache)', () => {
  it('trains once, then loads the same weights without training', async () => {
    const cacheDir = freshDir();
    const first = await pretrained(recipe(), { cacheDir, progress: false });
    expect(first.cached).toBe(false);
    expect(first.losses).toHaveLength(4);
    const w1 = await weightsOf(first.method);
    first.method.dispose();
    const second = await pretrained(recipe(), { cacheDir, progress: false });
    expect(second.cached).toBe(true);
    expect(second.seconds).toBe(0);
    expect(second.trainSeconds).toBeCloseTo(first.trainSeconds, 6);
    expect(second.losses).toEqual(first.losses);
    expect(await weightsOf(second.method)).toEqual(w1);
    // and not the untrained weights
    const fresh = recipe().build();
    expect(await weightsOf(fresh)).not.toEqual(w1);
    fresh.dispose();
    second.method.dispose();
    const entries = listEncoderCache(cacheDir);
    expect(entries.map((e) => e.partial)).toEqual([false]);
    expect(clearEncoderCache(cacheDir)).toBe(1);
    expect(listEncoderCache(cacheDir)).toEqual([]);
  });

  it('keys on the options, the recipe description, the steps and the seed; not on tfjs layer names', () => {
    const key = (r: PretrainRecipe) => {
      const m = r.build();
      try {
        return pretrainKey(r, m);
      } finally {
        m.dispose();
      }
    };
    const base = key(recipe());
    expect(key(recipe())).toBe(base); // a second build has other auto-generated layer names: same key
    for (const other of [recipe({ temperature: 0.2 }), recipe({ steps: 5 }), recipe({ seed: 4 }), recipe({ noise: 0.2 })]) expect(key(other)).not.toBe(base);
  });

  it('a stopped run resumes from its partial checkpoint to the uninterrupted weights (to rounding)', async () => {
    const straight = await pretrained(recipe({ steps: 6 }), { cacheDir: freshDir(), progress: false });
    const want = await weightsOf(straight.method);
    straight.method.dispose();
    const cacheDir = freshDir();
    let calls = 0;
    // stop after 4 steps: the progress callback throws like an interrupted kernel
    await expect(pretrained(recipe({ steps: 6 }), {
      cacheDir, checkpointEvery: 2,
      progress: { update: () => { if (++calls === 4) throw new Error('interrupted'); }, done: () => {} },
    })).rejects.toThrow('interrupted');
    expect(listEncoderCache(cacheDir).some((e) => e.partial)).toBe(true);
    const resumed = await pretrained(recipe({ steps: 6 }), { cacheDir, progress: false });
    expect(resumed.cached).toBe(false);
    // equal up to float rounding: tfjs' Adam recomputes β^t as a power on restore where the straight run multiplies
    // (the losses agree to 1e-7; Adam's sign-like steps of size lr = 1e-3 can carry that to a near-zero weight)
    expectClose(resumed.losses, straight.losses, 1e-6, 1e-6);
    const got = await weightsOf(resumed.method);
    got.forEach((w, i) => expectClose(w, want[i]!, 1e-3, 1e-3));
    expect(listEncoderCache(cacheDir).map((e) => e.partial)).toEqual([false]);
    resumed.method.dispose();
  });

  it('a corrupted entry fails with the checkpoint error, naming the file', async () => {
    const cacheDir = freshDir();
    (await pretrained(recipe(), { cacheDir, progress: false })).method.dispose();
    const [entry] = readdirSync(cacheDir).map((f) => join(cacheDir, f));
    const bytes = readFileSync(entry!);
    bytes[bytes.length - 3] ^= 0xff;
    writeFileSync(entry!, bytes);
    await expect(pretrained(recipe(), { cacheDir, progress: false })).rejects.toThrow(entry!);
    expect(existsSync(entry!)).toBe(true); // nothing deleted behind the user's back
  });

  it('leaves no tensors behind but the returned method, and rejects bad recipes by argument', async () => {
    const cacheDir = freshDir();
    (await pretrained(recipe(), { cacheDir, progress: false })).method.dispose();
    await expectNoLeak(async () => (await pretrained(recipe(), { cacheDir, progress: false })).method.dispose());
    await expect(pretrained({ ...recipe(), name: 'a/b' }, { cacheDir })).rejects.toThrow(/recipe\.name/);
    await expect(pretrained({ ...recipe(), steps: 0 }, { cacheDir })).rejects.toThrow(/recipe\.steps/);
  });
});
