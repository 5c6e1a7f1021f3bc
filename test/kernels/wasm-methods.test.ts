// Every method's training step on the wasm backend equals the cpu backend's within float tolerance (tiny sizes):
// the losses of two steps and every weight afterwards. Finds any kernel a method needs that wasm lacks (it would
// throw "Kernel 'X' not registered for backend 'wasm'"). Image methods train with plain SGD here: Adam's first
// steps move a weight by ±lr whatever its gradient's size, so the sign of a gradient that is zero up to round-off
// (a bias before BatchNorm) would decide the comparison; with SGD, equal weights mean equal gradients.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { syntheticShapes } from '../../lib/data/shapes.js';
import type { ImageSet } from '../../lib/data/types.js';
import * as M from '../../lib/methods/index.js';
import { tinyGrey, tinyShapes } from '../methods/fixtures.js';
import { expectClose, useBackend } from '../helpers.js';

const rgb = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], batchSize: 8, seed: 1 };
const sgd = () => ({ optimizer: tf.train.sgd(0.05) });
const joint = { ...rgb, projectionDim: 8, hiddenDim: 16 };
const text = 'abcabcabdabcabcabdabcabcabd'.repeat(4);

interface Trained { losses: number[]; weights: Float32Array[]; atol?: number; leaked?: number }
type Case = [string, () => Promise<Trained>];

async function trainImages(make: () => M.Method<unknown>, data: ImageSet): Promise<Trained> {
  const before = tf.memory().numTensors;
  const m = make();
  const r = await m.train(data, { steps: 2, batchSize: 8, seed: 3, progress: false });
  const weights = [];
  for (const model of Object.values(m.models)) for (const w of model.weights) weights.push((await w.read().data()) as Float32Array);
  m.dispose();
  // Tensors left after dispose: compared between backends (our wasm kernels must leak nothing). moco and dino
  // leave 1 on cpu too, even untrained: a dispose leak in lib/methods, not a kernel's.
  return { losses: r.losses, weights, leaked: tf.memory().numTensors - before };
}

async function trainText(objective: 'next' | 'masked'): Promise<Trained> {
  const vocab = M.charVocabulary(text);
  const lm = M.charLanguageModel({ vocab, objective, context: 8, dim: 16, depth: 1, numHeads: 2, learningRate: 1e-2, seed: 1 });
  const r = await lm.train(vocab.encode(text), { steps: 2, batchSize: 4, progress: false });
  const weights = [];
  for (const w of lm.model.weights) weights.push((await w.read().data()) as Float32Array);
  lm.dispose();
  // Adam (the LM has no optimizer option): a weight may move ±lr on a round-off-sized gradient; the second loss,
  // after one update, is the tight check.
  return { losses: r.losses, weights, atol: 2.5e-2 };
}

const CASES: Case[] = [
  ['simclr', () => trainImages(() => M.simclr({ ...rgb, ...sgd(), projectionDim: 8 }), tinyShapes(16))],
  ['moco', () => trainImages(() => M.moco({ ...rgb, ...sgd(), projectionDim: 8, queueSize: 16 }), tinyShapes(16))],
  ['byol', () => trainImages(() => M.byol({ ...joint, ...sgd() }), tinyShapes(16))],
  ['simsiam', () => trainImages(() => M.simsiam({ ...joint, ...sgd() }), tinyShapes(16))],
  ['barlowTwins', () => trainImages(() => M.barlowTwins({ ...joint, ...sgd() }), tinyShapes(16))],
  ['vicreg', () => trainImages(() => M.vicreg({ ...joint, ...sgd() }), tinyShapes(16))],
  ['dino', () => trainImages(() => M.dino({ ...rgb, ...sgd(), outputDim: 16, hiddenDim: 16, bottleneckDim: 8, localCrops: 2 }), tinyShapes(16))],
  ['rotation', () => trainImages(() => M.rotation({ ...rgb, ...sgd(), inputShape: [8, 8, 1] }), tinyGrey(16))],
  ['colorization', () => trainImages(() => M.colorization({ ...rgb, ...sgd(), decoderHidden: 16 }), tinyShapes(16))],
  ['inpainting', () => trainImages(() => M.inpainting({ ...rgb, ...sgd() }), tinyShapes(16))],
  ['jigsaw', () => trainImages(() => M.jigsaw({ ...rgb, ...sgd(), inputShape: [12, 12, 3] }), syntheticShapes({ n: 16, size: 12, seed: 0 }))],
  ['supervised', () => trainImages(() => M.supervised({ ...rgb, ...sgd(), numClasses: 4 }), tinyShapes(16))],
  ['mae', () => trainImages(() => M.mae({ ...sgd(), inputShape: [8, 8, 1], patchSize: 2, dim: 16, depth: 1, numHeads: 2, decoderDim: 8, decoderDepth: 1, decoderNumHeads: 2, batchSize: 8, seed: 1 }), tinyGrey(16))],
  ['charLm next', () => trainText('next')],
  ['charLm masked', () => trainText('masked')],
];

describe('every method on wasm equals cpu', () => {
  it.each(CASES)('%s: two steps, same losses and weights', async (_name, train) => {
    await useBackend('cpu');
    const want = await train();
    await useBackend('wasm');
    const got = await train();
    await useBackend('cpu');
    expect(got.leaked, 'tensors left after dispose, wasm vs cpu').toBe(want.leaked);
    expectClose(got.losses, want.losses, 1e-4, 1e-3);
    expect(got.weights.length).toBe(want.weights.length);
    for (let i = 0; i < want.weights.length; i++) expectClose(got.weights[i]!, want.weights[i]!, want.atol ?? 1e-4, 1e-3);
  });
});
