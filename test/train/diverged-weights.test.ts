// Weights that go NaN/±Infinity while the loss stays finite end training like a NaN loss does (lib/train/diverged.ts).
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { simclr } from '../../lib/methods/simclr.js';
import {
  BatchStream, fit, NonFiniteLossError, NonFiniteTrainingWeightsError, nonFiniteCount, nonFiniteWeights, TrainingDivergedError, trainLoop, watchedWeights,
} from '../../lib/train/index.js';
import { ProgressBar } from '../../lib/viz/progress.js';
import { expectNoLeak, tryWebgpu, useBackend } from '../helpers.js';
import { tinyShapes } from '../methods/fixtures.js';
import { readsAtSteps, thrown } from './fixtures.js';

beforeAll(() => useBackend('cpu'));

/** A variable that a step poisons with NaN at `badStep` while the loss it returns stays 1. */
function poisonedRun(badStep: number) {
  const v = tf.variable(tf.ones([3]));
  const step = (i: number) => {
    if (i === badStep) tf.tidy(() => v.assign(tf.tensor1d([1, NaN, Infinity])));
    return tf.scalar(1);
  };
  return { v, step, weights: () => [{ name: 'net/dense/kernel', tensor: v }] };
}

describe('non-finite weights with a finite loss end training', () => {
  it('trainLoop: the error names the step of the read, the weights at fault and the last check that found them finite', async () => {
    const { v, step, weights } = poisonedRun(4);
    const err = await thrown(trainLoop({ steps: 10, logEvery: 3, step, weights }));
    expect(err).toBeInstanceOf(NonFiniteTrainingWeightsError);
    expect(err).toBeInstanceOf(TrainingDivergedError); // the same kind as a NaN loss
    expect(err.message).toBe(
      'trainLoop: the weights hold NaN or Infinity after step 5 although the loss stayed finite (1 at step 5): net/dense/kernel (2 of 3 values). ' +
        'They were finite after step 2, the previous check (weights are checked with the loss, every logEvery steps; logEvery: 1 finds the exact step). ' +
        'Training stopped; no checkpoint was written after it. Fix: look for NaN or Inf in the inputs of that batch (e.g. a NaN pixel), lower the learning rate, or resume from the last checkpoint.',
    );
    const e = err as NonFiniteTrainingWeightsError;
    expect(e.step).toBe(5);
    expect(e.lastCheckedFinite).toBe(2);
    expect(e.weights).toEqual([{ name: 'net/dense/kernel', count: 2, size: 3 }]);
    v.dispose();
  });

  it('with logEvery 1 the step is exact; a NaN loss still wins (it names the first bad step)', async () => {
    const a = poisonedRun(4);
    const err = (await thrown(trainLoop({ steps: 10, logEvery: 1, step: a.step, weights: a.weights }))) as NonFiniteTrainingWeightsError;
    expect([err.step, err.lastCheckedFinite]).toEqual([4, 3]);
    a.v.dispose();
    const b = poisonedRun(0);
    const first = await thrown(trainLoop({ steps: 3, logEvery: 5, step: b.step, weights: b.weights }));
    expect(first.message).toContain('after step 2 although the loss stayed finite (1 at step 2): net/dense/kernel (2 of 3 values). This was the first check of the run (');
    b.v.dispose();
    const c = poisonedRun(1);
    const nanLoss = await thrown(trainLoop({ steps: 4, logEvery: 4, step: (i) => (c.step(i), tf.scalar(i === 2 ? NaN : 1)), weights: c.weights }));
    expect(nanLoss).toBeInstanceOf(NonFiniteLossError);
    expect((nanLoss as NonFiniteLossError).step).toBe(2);
    c.v.dispose();
  });

  it('no extra read: the weights are counted in the same stacked read as the losses', async () => {
    const vars = [tf.variable(tf.ones([4, 4])), tf.variable(tf.zeros([7]))];
    const calls = await readsAtSteps(async (next) => {
      const res = await trainLoop({ steps: 20, logEvery: 10, step: () => tf.scalar(next()), weights: () => vars.map((t, k) => ({ name: `w${k}`, tensor: t })) });
      expect(res.status).toBe('done');
    });
    expect(calls).toEqual([10, 20]);
    tf.dispose(vars);
  });

  it('no tensor leaks, on a good run and when it ends with the error', async () => {
    const ok = tf.variable(tf.ones([5]));
    await expectNoLeak(() => trainLoop({ steps: 6, logEvery: 2, step: () => tf.scalar(1), weights: () => [{ name: 'ok', tensor: ok }] }));
    const { v, step, weights } = poisonedRun(3);
    await expectNoLeak(() => expect(trainLoop({ steps: 8, logEvery: 2, step, weights })).rejects.toThrow(NonFiniteTrainingWeightsError));
    const count = await expectNoLeak(async () => {
      const c = nonFiniteCount([{ name: 'v', tensor: v }]);
      const values = await c.data();
      c.dispose();
      return values;
    });
    expect(count).toEqual(new Float32Array([2]));
    tf.dispose([ok, v]);
  });

  it('the fused count on webgpu too (where this machine has an adapter)', async (ctx) => {
    const gpu = await tryWebgpu('nonFiniteCount on webgpu');
    if (!gpu.ok) return ctx.skip(gpu.reason);
    onTestFinished(() => useBackend('cpu'));
    const a = tf.variable(tf.tensor1d([1, NaN, Infinity, -Infinity, 2]));
    const b = tf.variable(tf.ones([64, 64]));
    const weights = [{ name: 'a', tensor: a }, { name: 'b', tensor: b }];
    const c = nonFiniteCount(weights);
    expect((await c.data())[0]).toBe(3);
    expect(await nonFiniteWeights(weights)).toEqual([{ name: 'a', count: 3, size: 5 }]);
    tf.dispose([a, b, c]);
  });

  it('the progress bar says the weights are not finite', async () => {
    const out: string[] = [];
    const bar = new ProgressBar({ total: 6, label: 'run', mode: 'log', stream: { write: (s: string) => out.push(s) }, smoothing: 0 });
    const { v, step, weights } = poisonedRun(1);
    await expect(trainLoop({ steps: 6, logEvery: 2, progress: bar, step, weights })).rejects.toThrow(/after step 1/);
    expect(bar.done()).toMatch(/non-finite weights 2/);
    v.dispose();
  });

  it('watchedWeights: every weight of every model once, named model key/weight name, then the state', () => {
    const m = simclr({ inputShape: [8, 8, 3], widths: [4, 8], projectionDim: 8, batchSize: 8 });
    const centre = tf.variable(tf.zeros([2]));
    const named = watchedWeights({ ...m.models, again: m.encoder }, { centre });
    const expected = Object.entries(m.models).flatMap(([k, model]) => model.weights.map((w) => `${k}/${w.name}`));
    expect(named.map((w) => w.name)).toEqual([...expected, 'state/centre']);
    centre.dispose();
    m.dispose();
  });

  // On wasm (the CPU engine) a NaN image gives a loss of exactly ln(2N − 1) while every encoder weight turns NaN; this
  // is what used to end with status 'done'. (On the cpu backend the same batch gives a NaN loss: the other error.)
  it('fit on wasm, SimCLR with one NaN image: the loss sits at chance, ln(2N − 1), but training stops at that step, naming the encoder', async () => {
    await useBackend('wasm');
    onTestFinished(() => useBackend('cpu'));
    const n = 32, batchSize = 8, seed = 1, nanImage = 5;
    const set = tinyShapes(n);
    const images = set.images.slice();
    images.fill(NaN, nanImage * 8 * 8 * 3, (nanImage + 1) * 8 * 8 * 3); // the whole image: no crop can miss it
    const stream = new BatchStream(set, batchSize, seed);
    let badStep = 0;
    while (![...stream.indices(badStep)].includes(nanImage)) badStep++;
    const m = simclr({ inputShape: [8, 8, 3], widths: [4, 8], projectionDim: 8, batchSize });
    const losses: number[] = [];
    const err = await thrown(m.train({ ...set, images }, { steps: badStep + 3, seed, logEvery: 1, progress: false, onLog: ({ loss }) => void losses.push(loss) }));
    expect(err).toBeInstanceOf(NonFiniteTrainingWeightsError);
    const e = err as NonFiniteTrainingWeightsError;
    expect(e.step).toBe(badStep); // the update of that step made the weights NaN; its loss was computed before it
    expect(losses.at(-1)).toBeCloseTo(Math.log(2 * batchSize - 1), 5);
    expect(e.weights[0]!.name).toMatch(/^encoder\//);
    expect(e.message).toContain(`the weights hold NaN or Infinity after step ${badStep} although the loss stayed finite`);
    m.dispose();
  });

  it('fit on finite data: status done, one read per logEvery (the weight check adds none)', async () => {
    const m = simclr({ inputShape: [8, 8, 3], widths: [4, 8], projectionDim: 8, batchSize: 8 });
    let reads = 0;
    const data = tf.Tensor.prototype.data;
    tf.Tensor.prototype.data = function (this: tf.Tensor) {
      reads++;
      return data.call(this);
    } as typeof data;
    try {
      const res = await fit(m, tinyShapes(16), { steps: 4, batchSize: 8, logEvery: 2, progress: false });
      expect(res.status).toBe('done');
    } finally {
      tf.Tensor.prototype.data = data;
    }
    expect(reads).toBe(2);
    m.dispose();
  });
});
