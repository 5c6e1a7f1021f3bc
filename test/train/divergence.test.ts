import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BatchStream, fit, type ImageSource, NonFiniteLossError, NonFiniteWeightsError, readCheckpoint, saveCheckpoint, trainLoop } from '../../lib/train/index.js';
import { ProgressBar } from '../../lib/viz/progress.js';
import { formatNumber } from '../../lib/notebook/format.js';
import { useBackend } from '../helpers.js';
import { blobs, classifier, readsAtSteps, thrown } from './fixtures.js';

beforeAll(() => useBackend('cpu'));

/** The first step whose batch (batch order `seed`) includes image `k`. */
function firstStepWith(k: number, data: ImageSource, batchSize: number, seed: number): number {
  const stream = new BatchStream(data, batchSize, seed);
  for (let step = 0; ; step++) if ([...stream.indices(step)].includes(k)) return step;
}

describe('a non-finite loss ends training loudly', () => {
  it('trainLoop: the error names the first NaN step and the last finite loss, read once per logEvery', async () => {
    let reads = 0;
    const values = [3, 2.5, 2.25, 2.125, NaN, NaN, 1, 1, 1, 1];
    const res = trainLoop({
      steps: 10,
      logEvery: 5,
      onLog: () => void reads++,
      step: (i) => tf.scalar(values[i]!),
    });
    const err = await thrown(res);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect(err.message).toBe(
      'trainLoop: the loss is NaN at step 4 (the first non-finite step, counting from 0 as in TrainResult.losses); the last finite loss was 2.125 at step 3. ' +
        'Training stopped; no checkpoint was written after it. Fix: look for NaN or Inf in the inputs of that batch (e.g. a NaN pixel), lower the learning rate, or resume from the last checkpoint.',
    );
    expect((err as NonFiniteLossError).step).toBe(4);
    expect((err as NonFiniteLossError).lastFinite).toEqual({ step: 3, loss: 2.125 });
    expect(reads).toBe(4); // the finite losses before it were still reported
  });

  it('no extra read: the pending losses are read in one stacked read every logEvery steps', async () => {
    const calls = await readsAtSteps((next) => trainLoop({ steps: 20, logEvery: 10, step: () => tf.scalar(next()) }));
    expect(calls).toEqual([10, 20]);
  });

  it('Infinity is caught too, and a loss that is NaN from the first step says there was no finite one', async () => {
    await expect(trainLoop({ steps: 3, step: () => tf.scalar(Infinity) })).rejects.toThrow(/^trainLoop: the loss is Infinity at step 0 \(.*\); no earlier step had a finite loss\. /);
  });

  it('no tensor leaks when the run ends with the error', async () => {
    const before = tf.memory().numTensors;
    await expect(trainLoop({ steps: 10, logEvery: 4, step: (i) => tf.scalar(i === 5 ? NaN : 1) })).rejects.toThrow(NonFiniteLossError);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('the progress bar shows NaN, not the last finite loss', async () => {
    const out: string[] = [];
    const bar = new ProgressBar({ total: 10, label: 'run', mode: 'log', stream: { write: (s: string) => out.push(s) }, smoothing: 0 });
    await expect(trainLoop({ steps: 10, logEvery: 2, progress: bar, step: (i) => tf.scalar(i >= 5 ? NaN : 2.088) })).rejects.toThrow(/step 5/);
    const last = out.at(-1)!;
    expect(last).toMatch(/^run {2}6\/10 \[.*\] {2}60% loss NaN \|/);
    expect(bar.done()).toMatch(/^run: 6\/10 steps in .*, loss NaN$/);
  });

  it('fit on a NaN image: the error names the step whose batch holds it, and the last finite loss', async () => {
    const n = 32, batchSize = 8, seed = 3, nanImage = 13;
    const expectedStep = firstStepWith(nanImage, blobs(n), batchSize, seed);
    expect(expectedStep).toBeGreaterThan(0);
    const losses: number[] = [];
    const err = await thrown(fit(classifier(), blobs(n, { nanImage }), { steps: 12, batchSize, seed, logEvery: 4, onLog: ({ loss }) => void losses.push(loss) }));
    expect(err).toBeInstanceOf(NonFiniteLossError);
    const e = err as NonFiniteLossError;
    expect(e.step).toBe(expectedStep);
    expect(e.message).toContain(`the loss is NaN at step ${expectedStep} (the first non-finite step, counting from 0 as in TrainResult.losses); the last finite loss was ${formatNumber(losses.at(-1)!)} at step ${expectedStep - 1}.`);
  });

  it('resume from a good checkpoint, then NaN: the good checkpoint survives, byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-nan-'));
    const path = join(dir, 'run.ckpt');
    const n = 32, batchSize = 8, seed = 3;
    await fit(classifier(), blobs(n), { steps: 10, batchSize, seed, checkpointPath: path });
    const good = readFileSync(path);
    expect(readCheckpoint(path).step).toBe(10);
    // Continue to step 13 on data whose image in step 11's batch is NaN; only the final save is due.
    const nanImage = new BatchStream(blobs(n), batchSize, seed).indices(11)[0]!;
    const err = await thrown(fit(classifier(1), blobs(n, { nanImage }), { steps: 13, batchSize, seed, checkpointPath: path }));
    expect(err).toBeInstanceOf(NonFiniteLossError);
    expect((err as NonFiniteLossError).step).toBe(11);
    expect((err as NonFiniteLossError).lastFinite?.step).toBe(10);
    expect(readFileSync(path).equals(good)).toBe(true);
  });

  it('the final save of a run whose weights went non-finite (loss still finite) is refused; the old file stays', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-nanw-'));
    const path = join(dir, 'run.ckpt');
    const m = classifier();
    await saveCheckpoint(path, { step: 1, models: m.models });
    const good = readFileSync(path);
    const w = m.models.model!.weights[0]!;
    const poisoned = tf.tidy(() => w.read().mul(tf.scalar(NaN)));
    w.write(poisoned);
    poisoned.dispose();
    const err = await thrown(saveCheckpoint(path, { step: 2, models: m.models }, { keep: 3 }));
    expect(err).toBeInstanceOf(NonFiniteWeightsError);
    expect(err.message).toBe(
      `saveCheckpoint: refusing to write ${path}: model/model/0 holds NaN at index 0 (non-finite weights: the run diverged). ` +
        'The checkpoint already there is kept. Fix: resume from it with a lower learning rate, or look for NaN/Inf in the training data.',
    );
    expect(readFileSync(path).equals(good)).toBe(true);
    expect(existsSync(`${path}.1`)).toBe(false); // nothing rotated either
  });
});

describe('keepCheckpoints', () => {
  it('fit keeps the last K checkpoints: path (newest), path.1, ... path.{K-1}', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-keep-'));
    const path = join(dir, 'run.ckpt');
    await fit(classifier(), blobs(32), { steps: 8, batchSize: 8, checkpointPath: path, checkpointEvery: 2, keepCheckpoints: 3 });
    expect(readCheckpoint(path).step).toBe(8);
    expect(readCheckpoint(`${path}.1`).step).toBe(6);
    expect(readCheckpoint(`${path}.2`).step).toBe(4);
    expect(existsSync(`${path}.3`)).toBe(false);
  });

  it('the default keeps two: the newest and the one before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-keep2-'));
    const path = join(dir, 'run.ckpt');
    await fit(classifier(), blobs(32), { steps: 6, batchSize: 8, checkpointPath: path, checkpointEvery: 2 });
    expect(readCheckpoint(path).step).toBe(6);
    expect(readCheckpoint(`${path}.1`).step).toBe(4);
    expect(existsSync(`${path}.2`)).toBe(false);
    await expect(fit(classifier(), blobs(32), { steps: 6, batchSize: 8, checkpointPath: path, keepCheckpoints: 0 })).rejects.toThrow(
      "fit: argument 'keepCheckpoints' must be an integer >= 1 (got 0).",
    );
  });
});
