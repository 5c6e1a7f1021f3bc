import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { patchify, sincosPositionalEmbedding, TransformerBlock, unpatchify, vit } from '../../lib/models/vit.js';
import { loadCheckpoint, saveCheckpoint } from '../../lib/train/checkpoint.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));
const dir = mkdtempSync(join(tmpdir(), 'reprlab-vit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('patchify / unpatchify', () => {
  it('cuts a 4×4 image into 2×2 patches in row-major order (hand example)', async () => {
    const x = tf.tensor4d(Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    const p = patchify(x, 2);
    expect(p.shape).toEqual([1, 4, 4]);
    expect(Array.from(await p.data())).toEqual([0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15]);
    const back = unpatchify(p, 2, [4, 4, 1]);
    expect(Array.from(await back.data())).toEqual(Array.from({ length: 16 }, (_, i) => i));
    tf.dispose([x, p, back]);
  });
  it('round-trips colour images', async () => {
    const x = tf.randomUniform([2, 6, 9, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const back = unpatchify(patchify(x, 3), 3, [6, 9, 3]);
    expectClose(await back.data(), await x.data(), 0, 0);
    tf.dispose([x, back]);
  });
  it('a patch size that does not divide the image is rejected with the divisors', () => {
    const x = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
    expect(() => patchify(x, 5)).toThrow(/argument 'patchSize' must be a divisor of the image height 28.*2, 4, 7, 14, 28/);
    expect(() => vit({ inputShape: [28, 28, 1], patchSize: 3 })).toThrow(/patchSize/);
    x.dispose();
  });
});

describe('positional embedding', () => {
  it('sin-cos: row and column halves, position (0,0) = [0…, 1…, 0…, 1…]', () => {
    const e = sincosPositionalEmbedding(2, 3, 8);
    expect(Array.from(e.subarray(0, 8))).toEqual([0, 0, 1, 1, 0, 0, 1, 1]);
    // token (row 1, col 2): ω = (1, 1/100)
    expectClose(e.subarray(5 * 8, 6 * 8), [Math.sin(1), Math.sin(0.01), Math.cos(1), Math.cos(0.01), Math.sin(2), Math.sin(0.02), Math.cos(2), Math.cos(0.02)], 1e-6);
    expect(() => sincosPositionalEmbedding(2, 2, 6)).toThrow(/multiple of 4/);
  });
});

describe('tiny ViT', () => {
  it('shapes: encoder [N, D], tokenizer [N, L, D], blocks on any number of tokens', async () => {
    const v = vit({ inputShape: [8, 8, 1], patchSize: 2, dim: 16, depth: 2, numHeads: 2, seed: 3 });
    expect(v.numPatches).toBe(16);
    const x = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    await expectNoLeak(async () => {
      const h = v.encoder.predict(x) as tf.Tensor;
      const t = v.tokenizer.apply(x) as tf.Tensor;
      const part = tf.slice(t, [0, 0, 0], [3, 5, 16]);
      const few = v.blocks.apply(part) as tf.Tensor;
      expect([h.shape, t.shape, few.shape]).toEqual([[3, 16], [3, 16, 16], [3, 5, 16]]);
      for (const v2 of await h.data()) expect(Number.isFinite(v2)).toBe(true);
      tf.dispose([h, t, part, few]);
    });
    // the fixed positional embedding is not trainable; everything else is
    const names = v.encoder.trainableWeights.map((w) => w.name);
    expect(names.some((n) => n.includes('position'))).toBe(false);
    expect(v.encoder.weights.length - v.encoder.trainableWeights.length).toBe(1);
    x.dispose();
    v.encoder.dispose();
  });
  it('attention mixes tokens: changing one token changes the others’ outputs; gradients reach every weight', async () => {
    const block = new TransformerBlock({ dim: 8, numHeads: 2, seed: 1 });
    const input = tfl.input({ shape: [null, 8] });
    const model = tfl.model({ inputs: input, outputs: block.apply(input) as tfl.SymbolicTensor });
    const a = tf.randomNormal([1, 4, 8], 0, 1, 'float32', 5);
    const b = tf.tidy(() => tf.concat([tf.slice(a, [0, 0, 0], [1, 3, 8]), tf.fill([1, 1, 8], 3)], 1));
    const [ya, yb] = [model.predict(a) as tf.Tensor, model.predict(b) as tf.Tensor];
    const d0 = await tf.tidy(() => tf.max(tf.abs(tf.sub(tf.slice(ya, [0, 0, 0], [1, 1, 8]), tf.slice(yb, [0, 0, 0], [1, 1, 8]))))).data();
    expect(d0[0]).toBeGreaterThan(1e-4);
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(a, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
    expect(Object.keys(grads).length).toBe(12);
    for (const g of Object.values(grads)) expect((await tf.max(tf.abs(g)).data())[0]).toBeGreaterThan(0);
    tf.dispose([a, b, ya, yb, ...Object.values(grads)]);
    expect(() => new TransformerBlock({ dim: 8, numHeads: 3 })).toThrow(/argument 'numHeads'/);
    model.dispose();
  });
  it('checkpoints restore the same outputs', async () => {
    const path = join(dir, 'vit.ckpt');
    const a = vit({ inputShape: [8, 8, 1], patchSize: 4, dim: 8, depth: 1, numHeads: 2, positionalEmbedding: 'learned', seed: 1 });
    const b = vit({ inputShape: [8, 8, 1], patchSize: 4, dim: 8, depth: 1, numHeads: 2, positionalEmbedding: 'learned', seed: 2 });
    const x = tf.randomUniform([2, 8, 8, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    await saveCheckpoint(path, { step: 1, models: { encoder: a.encoder } });
    await loadCheckpoint(path, { models: { encoder: b.encoder } });
    const [ya, yb] = [a.encoder.predict(x) as tf.Tensor, b.encoder.predict(x) as tf.Tensor];
    expectClose(await yb.data(), await ya.data(), 1e-6, 0);
    tf.dispose([x, ya, yb]);
    a.encoder.dispose();
    b.encoder.dispose();
  });
});
