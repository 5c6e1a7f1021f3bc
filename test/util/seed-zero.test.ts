/**
 * tfjs-core's normal draws read a seed of 0 as "no seed" (`seed ? seed : Math.random()`): every model and draw of
 * the library built twice with its default seed 0 must give the same numbers (lib/util/rng.ts initSeed).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { charLanguageModel, charVocabulary } from '../../lib/methods/char-lm.js';
import { vit } from '../../lib/models/vit.js';
import { vae, reparameterize } from '../../lib/classical/vae.js';
import { addInputNoise, autoencoder } from '../../lib/classical/autoencoder.js';
import { makeCenters } from '../../lib/losses/metric/center.js';
import { initSeed } from '../../lib/util/rng.js';
import { useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

async function weightsOf(models: tfl.LayersModel[]): Promise<number[][]> {
  const out: number[][] = [];
  for (const m of models) for (const w of m.getWeights()) out.push(Array.from(await w.data()));
  return out;
}

/** Build twice, read every weight, dispose; the two reads must be equal element for element. */
async function expectSameTwice(build: () => { models: tfl.LayersModel[]; dispose: () => void }): Promise<void> {
  const reads: number[][][] = [];
  for (let k = 0; k < 2; k++) {
    const b = build();
    reads.push(await weightsOf(b.models));
    b.dispose();
  }
  expect(reads[0]!.length).toBeGreaterThan(0);
  expect(reads[1]).toEqual(reads[0]);
}

async function drawTwice(draw: () => tf.Tensor): Promise<void> {
  const [a, b] = [draw(), draw()];
  expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
  tf.dispose([a, b]);
}

describe('seed 0 is a seed', () => {
  it('initSeed maps only 0', () => {
    expect(initSeed(0)).not.toBe(0);
    expect(initSeed(7)).toBe(7);
    expect(initSeed(-3)).toBe(-3);
  });
  it('char language models (normal embedding init)', async () => {
    const vocab = charVocabulary('abcabc');
    await expectSameTwice(() => {
      const lm = charLanguageModel({ vocab, objective: 'next', context: 4, dim: 8, depth: 1, numHeads: 2 });
      return { models: [lm.model], dispose: () => lm.dispose() };
    });
  });
  it('ViT with learned positions and its mask token (truncated-normal init)', async () => {
    await expectSameTwice(() => {
      const v = vit({ inputShape: [8, 8, 1], patchSize: 4, dim: 8, depth: 1, numHeads: 2, positionalEmbedding: 'learned', seed: 0 });
      return { models: [v.encoder], dispose: () => v.encoder.dispose() };
    });
  });
  it('conv autoencoder and VAE (He-normal and normal init)', async () => {
    await expectSameTwice(() => {
      const a = autoencoder({ inputShape: [8, 8, 1], kind: 'conv', hidden: [4], latentDim: 3 });
      return { models: [a.encoder, a.decoder], dispose: () => a.dispose() };
    });
    await expectSameTwice(() => {
      const v = vae({ inputShape: [8, 8, 1], latentDim: 2, hidden: [6] });
      return { models: [v.encoderFull, v.decoder], dispose: () => v.dispose() };
    });
  });
  it('seeded draws: input noise, reparameterisation, normal class centres', async () => {
    const x = tf.zeros([2, 4, 4, 1]) as tf.Tensor4D;
    await drawTwice(() => addInputNoise(x, 0.5, 0));
    const mu = tf.zeros([3, 2]) as tf.Tensor2D;
    await drawTwice(() => reparameterize(mu, mu, 0));
    await drawTwice(() => makeCenters({ numClasses: 3, dim: 2, init: 'normal', seed: 0 }));
    tf.dispose([x, mu]);
  });
});
