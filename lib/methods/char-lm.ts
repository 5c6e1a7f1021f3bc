/**
 * Predictive learning on text, character by character (deck 002, "Predictive Learning: Language Models"; deck 001,
 * "Masked Models for text and images"): the same transformer blocks as the MAE encoder (lib/models/vit.ts), on
 * a sequence of characters instead of image patches.
 *
 *   next-token prediction (GPT):     L = −(1/T) Σ_t log p(x_{t+1} | x_1 … x_t)          causal attention
 *   masked prediction (BERT):        L = −(1/|M|) Σ_{t ∈ M} log p(x_t | x with the positions M masked)
 *
 * M is a random 15 % of the positions (at least one), replaced by a [MASK] token; attention is bidirectional.
 * MAE is the image version of the second: patches instead of characters, a larger mask ratio (75 %: neighbouring
 * pixels are far more redundant than neighbouring letters), and a regression loss instead of a softmax.
 * Training windows of `context` + 1 characters are drawn at random positions, seeded by (seed, step).
 *
 * Paper (next character: Radford et al. 2018 (GPT, no arXiv id); masked: Devlin et al. 2018, arXiv:1810.04805):
 * BERT masks 15 % of the tokens and predicts them from both sides; GPT predicts each token from the ones before it,
 * with a causal Transformer. The defaults here are the small-scale version of that recipe (see the options below),
 * sized for 28×28–32×32 images on a CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { ProgressLike } from '../train/loop.js';
import { trainLoop, type TrainResult } from '../train/loop.js';
import { makeOptimizer } from '../train/optimizers.js';
import { AddPositionEmbedding, transformerStack } from '../models/vit.js';
import { check } from '../util/errors.js';
import { initSeed, Rng } from '../util/rng.js';

export interface CharVocabulary {
  /** The characters, sorted; id i ↔ chars[i]. */
  chars: string[];
  /** Number of characters (the output classes). */
  size: number;
  /** The id of the [MASK] token (= size; an input only). */
  maskId: number;
  /** Character used to pad short prompts: a space if the text has one, else its first character. */
  pad: string;
  encode(text: string): Int32Array;
  decode(ids: ArrayLike<number>): string;
}

/** The vocabulary of the characters of `text`. */
export function charVocabulary(text: string): CharVocabulary {
  check(typeof text === 'string' && text.length > 1, 'charVocabulary', 'text', 'a non-empty string', text);
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  return {
    chars,
    size: chars.length,
    maskId: chars.length,
    pad: chars.includes(' ') ? ' ' : chars[0]!,
    encode: (s: string) => Int32Array.from(s, (c) => {
      const i = index.get(c);
      check(i !== undefined, 'charVocabulary.encode', 'text', `characters of the vocabulary (${chars.length} known)`, c, 'build the vocabulary from a text containing it');
      return i!;
    }),
    decode: (ids: ArrayLike<number>) => Array.from(ids, (i) => (i === chars.length ? '█' : chars[i] ?? '?')).join(''),
  };
}

export type CharObjective = 'next' | 'masked';

export interface CharLmOptions {
  vocab: CharVocabulary;
  /** 'next' (GPT, causal) or 'masked' (BERT, bidirectional). */
  objective: CharObjective;
  /** Characters per window T (default 32). */
  context?: number;
  /** Width, blocks, heads (defaults 64, 2, 4). */
  dim?: number;
  depth?: number;
  numHeads?: number;
  /** Fraction of positions masked for 'masked' (default 0.15). */
  maskRatio?: number;
  learningRate?: number;
  seed?: number;
}

export interface CharLmEvaluation {
  /** Accuracy of the model's top prediction at the evaluated positions. */
  accuracy: number;
  /** Always predicting the most frequent training character. */
  unigram: number;
  /** Predicting from the neighbouring character alone (previous for 'next', previous-or-next majority for 'masked'). */
  bigram: number;
  positions: number;
}

export interface CharLm {
  /** One-hot characters [N, T, V + 1] → logits [N, T, V]. */
  model: tfl.LayersModel;
  vocab: CharVocabulary;
  options: Required<Omit<CharLmOptions, 'vocab'>>;
  /** Train on the ids of a text. */
  train(ids: Int32Array, o: { steps: number; batchSize?: number; progress?: ProgressLike | false; logEvery?: number }): Promise<TrainResult>;
  /** Accuracy on held-out ids, against the unigram and bigram baselines (counted on `trainIds`). */
  evaluate(ids: Int32Array, trainIds: Int32Array, o?: { windows?: number; seed?: number }): Promise<CharLmEvaluation>;
  /** 'next': greedily continue `prompt` by n characters. */
  complete(prompt: string, n: number): Promise<string>;
  /** 'masked': replace every '_' of `text` (at most `context` characters) by the model's guess. */
  fill(text: string): Promise<string>;
  dispose(): void;
}

/** A tiny character-level transformer language model. */
export function charLanguageModel(options: CharLmOptions): CharLm {
  const where = 'charLanguageModel';
  check(options !== null && typeof options === 'object' && typeof options.vocab?.encode === 'function', where, 'vocab', 'a vocabulary from charVocabulary(text)', options?.vocab);
  const { vocab, objective } = options;
  check(objective === 'next' || objective === 'masked', where, 'objective', "'next' (GPT) or 'masked' (BERT)", objective);
  const { vocab: _v, ...rest } = options;
  const o = { context: 32, dim: 64, depth: 2, numHeads: 4, maskRatio: 0.15, learningRate: 3e-3, seed: 0, ...rest };
  for (const k of ['context', 'dim', 'depth', 'numHeads'] as const) check(Number.isInteger(o[k]) && o[k] > 0, where, k, 'a positive integer', o[k]);
  check(typeof o.maskRatio === 'number' && o.maskRatio > 0 && o.maskRatio < 1, where, 'maskRatio', 'a number in (0, 1)', o.maskRatio);
  const T = o.context, V = vocab.size;

  // input: one-hot characters [T, V + 1] (the extra id is [MASK]); a bias-free dense layer is the embedding table
  // (the same product as a lookup, with a matrix-product gradient instead of tf.gather's slow segment sum)
  const input = tfl.input({ shape: [T, V + 1] });
  let h = tfl.layers.dense({ units: o.dim, useBias: false, kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.02, seed: initSeed(o.seed) }), name: `char_${objective}_embedding` }).apply(input) as tfl.SymbolicTensor;
  h = new AddPositionEmbedding({ gridH: 1, gridW: T, dim: o.dim, positionalEmbedding: 'learned', seed: o.seed + 1 }).apply(h) as tfl.SymbolicTensor;
  h = transformerStack({ dim: o.dim, depth: o.depth, numHeads: o.numHeads, causal: objective === 'next', seed: o.seed + 2, name: `char_${objective}` }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.dense({ units: V, kernelInitializer: tfl.initializers.glorotUniform({ seed: o.seed + 9 }) }).apply(h) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: h, name: `char_lm_${objective}` });
  const optimizer = makeOptimizer({ learningRate: o.learningRate });
  /** ids [B·T] → one-hot [B, T, V + 1] (caller disposes). */
  const oneHotInput = (ids: ArrayLike<number>, b: number) => tf.tidy(() => tf.reshape(tf.oneHot(tf.tensor1d(Int32Array.from(ids), 'int32'), V + 1), [b, T, V + 1]));

  /** Windows → inputs [B, T], targets [B, T], weights [B, T] (1 where the loss counts). */
  const batch = (ids: Int32Array, starts: number[], rng: Rng) => {
    const b = starts.length;
    const x = new Int32Array(b * T), y = new Int32Array(b * T), w = new Float32Array(b * T);
    starts.forEach((s, i) => {
      for (let t = 0; t < T; t++) {
        x[i * T + t] = ids[s + t]!;
        y[i * T + t] = objective === 'next' ? ids[s + t + 1]! : ids[s + t]!;
        if (objective === 'next') w[i * T + t] = 1;
      }
      if (objective === 'masked') {
        const k = Math.max(1, Math.round(o.maskRatio * T));
        for (const t of rng.sample(T, k)) {
          x[i * T + t] = vocab.maskId;
          w[i * T + t] = 1;
        }
      }
    });
    return { x, y, w };
  };
  const checkIds = (ids: Int32Array, arg: string) =>
    check(ids instanceof Int32Array && ids.length > T + 1, where, arg, `an Int32Array of more than context + 1 = ${T + 1} character ids (vocab.encode(text))`, ids);

  const lossOf = (x: tf.Tensor, y: tf.Tensor, w: tf.Tensor) =>
    tf.tidy(() => {
      const logits = model.apply(x, { training: true }) as tf.Tensor3D;
      const ce = tf.neg(tf.sum(tf.mul(tf.oneHot(tf.cast(y, 'int32'), V), tf.logSoftmax(logits)), -1));
      return tf.div(tf.sum(tf.mul(ce, w)), tf.maximum(tf.sum(w), 1)) as tf.Scalar;
    });

  return {
    model,
    vocab,
    options: o,
    train: (ids, t) => {
      checkIds(ids, 'ids');
      const bs = t.batchSize ?? 32;
      return trainLoop({
        steps: t.steps,
        logEvery: t.logEvery ?? 10,
        progress: t.progress ?? false,
        step: (i) => {
          const rng = new Rng(o.seed * 1000003 + i);
          const starts = Array.from({ length: bs }, () => rng.int(ids.length - T - 1));
          const { x, y, w } = batch(ids, starts, rng);
          const [xt, yt, wt] = [oneHotInput(x, bs), tf.tensor2d(y, [bs, T], 'int32'), tf.tensor2d(w, [bs, T])];
          try {
            return optimizer.minimize(() => lossOf(xt, yt, wt), true, model.trainableWeights.map((v) => v.read() as tf.Variable))!;
          } finally {
            tf.dispose([xt, yt, wt]);
          }
        },
      });
    },
    evaluate: async (ids, trainIds, e = {}) => {
      checkIds(ids, 'ids');
      const { windows = 64, seed = 1 } = e;
      const rng = new Rng(seed);
      const starts = Array.from({ length: windows }, () => rng.int(ids.length - T - 1));
      const { x, y, w } = batch(ids, starts, rng);
      const logits = tf.tidy(() => tf.argMax(model.predict(oneHotInput(x, windows)) as tf.Tensor, -1));
      const pred = await logits.data();
      logits.dispose();
      // baselines from training-text counts
      const uni = new Array<number>(V).fill(0);
      for (const c of trainIds) uni[c]!++;
      const top = uni.indexOf(Math.max(...uni));
      const follow = Array.from({ length: V }, () => new Array<number>(V).fill(0));
      for (let i = 1; i < trainIds.length; i++) follow[trainIds[i - 1]!]![trainIds[i]!]!++;
      const argmax = (v: number[]) => v.indexOf(Math.max(...v));
      let n = 0, hit = 0, hitUni = 0, hitBi = 0;
      for (let i = 0; i < windows; i++) for (let t = 0; t < T; t++) {
        const k = i * T + t;
        if (w[k] === 0) continue;
        n++;
        if (pred[k] === y[k]) hit++;
        if (top === y[k]) hitUni++;
        const prev = objective === 'next' ? ids[starts[i]! + t]! : t > 0 ? ids[starts[i]! + t - 1]! : -1;
        if (prev >= 0 && argmax(follow[prev]!) === y[k]) hitBi++;
      }
      return { accuracy: hit / n, unigram: hitUni / n, bigram: hitBi / n, positions: n };
    },
    complete: async (prompt, n) => {
      check(objective === 'next', 'complete', 'objective', "a model trained with objective 'next'", objective);
      let text = prompt;
      for (let s = 0; s < n; s++) {
        const tail = text.slice(-T).padStart(T, vocab.pad);
        const next = tf.tidy(() => tf.argMax(tf.slice(model.predict(oneHotInput(vocab.encode(tail), 1)) as tf.Tensor, [0, T - 1, 0], [1, 1, V]), -1));
        text += vocab.chars[(await next.data())[0]!];
        next.dispose();
      }
      return text;
    },
    fill: async (text) => {
      check(objective === 'masked', 'fill', 'objective', "a model trained with objective 'masked'", objective);
      check(text.length <= T, 'fill', 'text', `at most context = ${T} characters`, text);
      const padded = text.padEnd(T, vocab.pad);
      const ids = Float32Array.from(padded, (c) => (c === '_' ? vocab.maskId : vocab.encode(c)[0]!));
      const pred = tf.tidy(() => tf.argMax(model.predict(oneHotInput(ids, 1)) as tf.Tensor, -1));
      const p = await pred.data();
      pred.dispose();
      return Array.from(text, (c, i) => (c === '_' ? vocab.chars[p[i]!]! : c)).join('');
    },
    dispose: () => {
      model.dispose();
      optimizer.dispose();
    },
  };
}
