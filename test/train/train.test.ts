import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { BatchStream, fit, gather, loadCheckpoint, saveCheckpoint, trainLoop } from '../../lib/train/index.js';
import { expectClose, useBackend } from '../helpers.js';
import { blobs, classifier } from './fixtures.js';

beforeAll(() => useBackend('cpu'));

describe('BatchStream', () => {
  it('is a seeded permutation per epoch, the same on a second stream', () => {
    const src = blobs(10);
    const a = new BatchStream(src, 3, 7), b = new BatchStream(src, 3, 7);
    const seen = [0, 1, 2].flatMap((i) => [...a.indices(i)]);
    expect(new Set(seen).size).toBe(9);
    expect([...b.indices(4)]).toEqual([...a.indices(4)]);
    expect(() => new BatchStream(src, 0)).toThrow(/batchSize/);
    const { x, y } = gather(src, [1, 0]);
    expect(x.shape).toEqual([2, 2, 2, 1]);
    expect([...(y.dataSync())]).toEqual([1, 0]);
    tf.dispose([x, y]);
  });
});

describe('trainLoop / fit', () => {
  it('the loss goes down, no tensor leaks across steps, losses read every logEvery', async () => {
    const m = classifier();
    const data = blobs(64);
    await fit(m, data, { steps: 2, batchSize: 16 }); // warm-up: optimizer slots are created on the first step
    const before = tf.memory().numTensors;
    const logs: number[] = [];
    const res = await fit(m, data, { steps: 40, batchSize: 16, logEvery: 5, onLog: ({ step }) => void logs.push(step) });
    expect(tf.memory().numTensors).toBe(before);
    expect(res.losses).toHaveLength(40);
    expect(res.losses.slice(-5).reduce((a, b) => a + b) / 5).toBeLessThan(res.losses.slice(0, 5).reduce((a, b) => a + b) / 5);
    expect(logs).toHaveLength(40);
    expect(res.status).toBe('done');
  });

  it('stopWhen ends the run early with status stopped', async () => {
    let i = 0;
    const res = await trainLoop({ steps: 10, logEvery: 1, step: () => tf.scalar(i++ === 3 ? 0.5 : 1), stopWhen: (loss) => loss < 0.6 });
    expect(res.status).toBe('stopped');
    expect(res.stepsRun).toBe(4);
  });

  it('resuming from a checkpoint gives the same weights as training straight through', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-ckpt-'));
    const data = blobs(64, { seed: 1 });
    const straight = classifier(3);
    await fit(straight, data, { steps: 12, batchSize: 16, seed: 5 });
    const first = classifier(3);
    const path = join(dir, 'run.ckpt');
    await fit(first, data, { steps: 6, batchSize: 16, seed: 5, checkpointPath: path });
    const second = classifier(99); // different init: everything must come from the checkpoint
    const res = await fit(second, data, { steps: 12, batchSize: 16, seed: 5, checkpointPath: path });
    expect(res.stepsRun).toBe(6);
    expect(res.losses).toHaveLength(12);
    expectClose(await second.models.model!.weights[0]!.read().data(), await straight.models.model!.weights[0]!.read().data(), 1e-5, 1e-4);
  });

  it('a corrupt checkpoint gives an error naming the file and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-ckpt-'));
    const path = join(dir, 'bad.ckpt');
    const m = classifier();
    await saveCheckpoint(path, { step: 1, models: m.models });
    writeFileSync(path, Buffer.from([9, 0, 0, 0, 123]));
    await expect(loadCheckpoint(path, { models: m.models })).rejects.toThrow(/bad\.ckpt is not a valid reprlab checkpoint.*Fix/);
  });
});
