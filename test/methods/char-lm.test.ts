import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { charLanguageModel, charVocabulary } from '../../lib/methods/char-lm.js';
import { causalMask, TransformerBlock } from '../../lib/models/vit.js';
import { expectClose, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

describe('causal attention', () => {
  it('mask: 0 on and below the diagonal, −1e9 above', async () => {
    const m = causalMask(3);
    expectClose(await m.data(), [0, -1e9, -1e9, 0, 0, -1e9, 0, 0, 0], 1, 0);
    m.dispose();
  });
  it('a causal block: changing a later token never changes earlier outputs', async () => {
    const input = tfl.input({ shape: [null, 8] });
    const model = tfl.model({ inputs: input, outputs: new TransformerBlock({ dim: 8, numHeads: 2, causal: true, seed: 1 }).apply(input) as tfl.SymbolicTensor });
    const a = tf.randomNormal([1, 5, 8], 0, 1, 'float32', 2);
    const b = tf.tidy(() => tf.concat([tf.slice(a, [0, 0, 0], [1, 3, 8]), tf.fill([1, 2, 8], 5)], 1));
    const [ya, yb] = [model.predict(a) as tf.Tensor, model.predict(b) as tf.Tensor];
    const [da, db] = [await tf.slice(ya, [0, 0, 0], [1, 3, 8]).data(), await tf.slice(yb, [0, 0, 0], [1, 3, 8]).data()];
    expectClose(db, da, 1e-5, 1e-4);
    tf.dispose([a, b, ya, yb]);
    model.dispose();
  });
});

describe('character language models', () => {
  const text = 'abcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabcabc';
  it('vocabulary encodes and decodes', () => {
    const v = charVocabulary('hello world');
    expect(v.chars).toEqual([' ', 'd', 'e', 'h', 'l', 'o', 'r', 'w']);
    expect(v.decode(v.encode('lower'))).toBe('lower');
    expect(v.decode([v.maskId])).toBe('█');
    expect(() => v.encode('xyz')).toThrow(/argument 'text'/);
  });
  it('GPT-style: learns a periodic text (next character) and completes it; tensor count flat', async () => {
    const vocab = charVocabulary(text);
    const lm = charLanguageModel({ vocab, objective: 'next', context: 8, dim: 16, depth: 1, numHeads: 2, learningRate: 1e-2 });
    const ids = vocab.encode(text);
    await lm.train(ids, { steps: 2, batchSize: 8 });
    const before = tf.memory().numTensors;
    const r = await lm.train(ids, { steps: 40, batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[0]! * 0.5);
    const e = await lm.evaluate(ids, ids, { windows: 8 });
    expect(e.accuracy).toBeGreaterThan(0.9);
    expect(e.unigram).toBeLessThan(0.5);
    expect(await lm.complete('abcab', 4)).toBe('abcabcabc');
    await expect(lm.fill('a_c')).rejects.toThrow(/objective/);
    lm.dispose();
  });
  it('BERT-style: predicts masked characters from both sides', async () => {
    const vocab = charVocabulary(text);
    const lm = charLanguageModel({ vocab, objective: 'masked', context: 8, dim: 16, depth: 1, numHeads: 2, learningRate: 1e-2, maskRatio: 0.25 });
    await lm.train(vocab.encode(text), { steps: 200, batchSize: 8 });
    expect(await lm.fill('ab_ab_a')).toBe('abcabca');
    lm.dispose();
  });
  it('bad options', () => {
    const vocab = charVocabulary(text);
    expect(() => charLanguageModel({ vocab, objective: 'previous' as never })).toThrow(/'objective'/);
    expect(() => charLanguageModel({ vocab, objective: 'masked', maskRatio: 1 })).toThrow(/'maskRatio'/);
  });
});
