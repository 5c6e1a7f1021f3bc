/** Shared fixtures for method tests: tiny images, tiny encoders, a checkpoint-resume check. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { syntheticShapes } from '../../lib/data/shapes.js';
import type { ImageSet } from '../../lib/data/types.js';
import type { Method } from '../../lib/train/method.js';
import { smallCnn } from '../../lib/models/encoders.js';
import { Rng } from '../../lib/util/rng.js';
import { expectClose } from '../helpers.js';

/** 8×8 colour shapes (n images, 4 classes). */
export function tinyShapes(n = 32, seed = 0): ImageSet {
  return syntheticShapes({ n, size: 8, seed });
}

/** 8×8 grey images (Fashion-MNIST-like channel count). */
export function tinyGrey(n = 32, seed = 0): ImageSet {
  const s = syntheticShapes({ n, size: 8, seed });
  const images = new Float32Array(n * 64);
  for (let i = 0; i < n * 64; i++) images[i] = 0.299 * s.images[3 * i]! + 0.587 * s.images[3 * i + 1]! + 0.114 * s.images[3 * i + 2]!;
  return { ...s, images, channels: 1 };
}

/** A tiny smallCnn initialised differently (seed 99) from a method's own: the encoder of the resumed run in {@link expectResumeMatches}. */
export const reinitEncoder = (channels = 3) => smallCnn({ inputShape: [8, 8, channels], widths: [4, 8], seed: 99 });

export const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), `reprlab-${prefix}-`));

/** numTensors stays flat across training steps (after a warm-up step that creates the optimizer's slots). */
export async function expectFlatAcrossSteps(m: Method<unknown>, data: ImageSet, batchSize: number) {
  await m.train(data, { steps: 1, batchSize, progress: false });
  const before = tf.memory().numTensors;
  const res = await m.train(data, { steps: 3, batchSize, progress: false });
  expect(tf.memory().numTensors, 'tensors leaked across steps').toBe(before);
  for (const l of res.losses) expect(Number.isFinite(l)).toBe(true);
  return res;
}

/** Train `steps` straight vs half, checkpoint, a fresh differently-initialised method resumes: same weights. */
export async function expectResumeMatches(make: (reinit: boolean) => Method<unknown>, data: ImageSet, steps: number, batchSize: number, extra: (m: Method<unknown>) => tf.Tensor[] = () => []) {
  const path = join(tmp('resume'), 'm.ckpt');
  const straight = make(false);
  await straight.train(data, { steps, batchSize, seed: 3, progress: false });
  const first = make(false);
  await first.train(data, { steps: steps / 2, batchSize, seed: 3, checkpointPath: path, progress: false });
  const second = make(true);
  const res = await second.train(data, { steps, batchSize, seed: 3, checkpointPath: path, progress: false });
  expect(res.stepsRun).toBe(steps / 2);
  expect(res.losses).toHaveLength(steps);
  for (const [key, model] of Object.entries(straight.models)) {
    const other = second.models[key]!;
    for (let w = 0; w < model.weights.length; w++)
      expectClose(await other.weights[w]!.read().data(), await model.weights[w]!.read().data(), 1e-4, 1e-3);
  }
  const [ea, eb] = [extra(straight), extra(second)];
  for (let j = 0; j < ea.length; j++) expectClose(await eb[j]!.data(), await ea[j]!.data(), 1e-4, 1e-3);
  for (const m of [straight, first, second]) m.dispose();
}

/** 4 classes of 8×8 images: a bright square in one of four quadrants, plus noise. */
export function quadrants(perClass: number, seed = 0) {
  const r = new Rng(seed);
  const n = 4 * perClass;
  const images = new Float32Array(n * 64);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 4;
    labels[i] = c;
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
      const on = (y < 4) === (c < 2) && (x < 4) === (c % 2 === 0);
      images[i * 64 + y * 8 + x] = Math.min(1, Math.max(0, (on ? 0.8 : 0.1) + 0.1 * r.normal()));
    }
  }
  return { images, labels, n, height: 8, width: 8, channels: 1 };
}

/**
 * `steps` optimisation steps of `learner` on one fixed batch (x, y): every loss finite, the last below the first,
 * and the tensor count flat from the third step on (no leak across steps). Returns the losses.
 */
export async function expectLearnsFixedBatch(learner: { step(x: tf.Tensor4D, i: number, y: tf.Tensor1D): tf.Scalar | Promise<tf.Scalar> }, x: tf.Tensor4D, y: tf.Tensor1D, steps = 12): Promise<number[]> {
  const losses: number[] = [];
  let count = 0;
  for (let i = 0; i < steps; i++) {
    const v = await learner.step(x, i, y);
    losses.push((await v.data())[0]!);
    v.dispose();
    if (i === 1) count = tf.memory().numTensors;
    if (i > 1) expect(tf.memory().numTensors).toBe(count);
  }
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses.at(-1)!).toBeLessThan(losses[0]!);
  return losses;
}
