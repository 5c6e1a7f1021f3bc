// BYOL's and DINO's momentum schedule (lib/methods/common.ts scheduleOverTrainSteps) survives a resume without
// `totalSteps`: its length is stored in the checkpoint and restored, so a resumed run equals the uninterrupted one
// bit for bit, whatever `steps` the resuming calls pass.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { byol } from '../../lib/methods/byol.js';
import { dino } from '../../lib/methods/dino.js';
import type { Method } from '../../lib/train/method.js';
import { fit, readCheckpoint, saveCheckpoint } from '../../lib/train/index.js';
import { cosineMomentum } from '../../lib/models/ema.js';
import { useBackend } from '../helpers.js';
import { reinitEncoder, tinyShapes, tmp } from './fixtures.js';

beforeAll(() => useBackend('cpu'));

type Scheduled = Method<unknown> & { momentumAt(i: number): number };
const byolTiny = (reinit = false) =>
  byol({ inputShape: [8, 8, 3], widths: [4, 8], projectionDim: 8, hiddenDim: 16, batchSize: 8, momentum: 0.9, encoder: reinit ? reinitEncoder() : undefined });
const dinoTiny = (reinit = false) =>
  dino({ inputShape: [8, 8, 3], widths: [4, 8], outputDim: 16, hiddenDim: 16, bottleneckDim: 8, localCrops: 2, batchSize: 8, momentum: 0.9, encoder: reinit ? reinitEncoder() : undefined });
const data = tinyShapes(32);
const run = { batchSize: 8, seed: 3, progress: false as const };

/** Every weight of every model and every state variable, as plain arrays (bit-exact comparison). */
async function snapshot(m: Method<unknown>): Promise<number[][]> {
  const out: number[][] = [];
  for (const model of Object.values(m.models)) for (const w of model.weights) out.push(Array.from(await w.read().data()));
  for (const v of Object.values(m.state ?? {})) out.push(Array.from(await v.data()));
  return out;
}

/** A 6-step run killed during step 3, after its checkpoint at step 3 was written (checkpointEvery 3). */
async function interrupted(make: () => Method<unknown>, path: string): Promise<void> {
  const first = make();
  const kill = ({ step }: { step: number }) => {
    if (step === 3) throw new Error('killed');
  };
  await expect(first.train(data, { ...run, steps: 6, logEvery: 1, checkpointEvery: 3, checkpointPath: path, onLog: kill })).rejects.toThrow('killed');
  expect(readCheckpoint(path).step).toBe(3);
  first.dispose();
}

describe.each([
  ['byol', byolTiny],
  ['dino', dinoTiny],
] as const)('%s without totalSteps: the momentum schedule is resumed from the checkpoint', (_name, make) => {
  it('6 steps straight = 3 steps, checkpoint, a new object resuming to 6 (in one call, or to 4 then 6): bit-identical', async () => {
    const straight = make();
    await straight.train(data, { ...run, steps: 6 });
    const want = await snapshot(straight);
    expect((straight as Scheduled).momentumAt(3)).toBe(cosineMomentum(0.9, 3, 6));
    straight.dispose();

    const path = join(tmp('schedule'), 'run.ckpt');
    await interrupted(() => make(), path);
    expect(readCheckpoint(path).extra.methodState).toEqual({ momentumSchedule: { totalSteps: 6 } });
    const second = make(true);
    await second.train(data, { ...run, steps: 4, checkpointPath: path }); // step 3 only: the schedule stays 6 long
    expect((second as Scheduled).momentumAt(3)).toBe(cosineMomentum(0.9, 3, 6));
    expect(readCheckpoint(path).extra.methodState).toEqual({ momentumSchedule: { totalSteps: 6 } });
    const res = await second.train(data, { ...run, steps: 6, checkpointPath: path });
    expect(res.stepsRun).toBe(2);
    expect(await snapshot(second)).toEqual(want);
    second.dispose();

    const path2 = join(tmp('schedule'), 'run.ckpt');
    await interrupted(() => make(), path2);
    const third = make(true);
    await third.train(data, { ...run, steps: 6, checkpointPath: path2 });
    expect(await snapshot(third)).toEqual(want);
    third.dispose();
  });

  it('resumed through fit directly (which sets no length): the checkpoint\'s schedule, not a constant momentum', async () => {
    const straight = make();
    await straight.train(data, { ...run, steps: 6 });
    const want = await snapshot(straight);
    straight.dispose();
    const path = join(tmp('schedule-fit'), 'run.ckpt');
    await interrupted(() => make(), path);
    const resumed = make(true);
    await fit(resumed, data, { ...run, steps: 6, checkpointPath: path });
    expect(await snapshot(resumed)).toEqual(want);
    resumed.dispose();
  });
});

describe('the stored schedule length: when it applies', () => {
  it('a finished run trained longer takes the new steps (as a fresh run); a given totalSteps always wins', async () => {
    const path = join(tmp('schedule-longer'), 'run.ckpt');
    const m = byolTiny();
    await m.train(data, { ...run, steps: 2, checkpointPath: path });
    await m.train(data, { ...run, steps: 3, checkpointPath: path }); // checkpoint at 2 = the end of its 2-step schedule
    expect(m.momentumAt(2)).toBe(cosineMomentum(0.9, 2, 3));
    m.dispose();
    const fixed = byol({ inputShape: [8, 8, 3], widths: [4, 8], projectionDim: 8, hiddenDim: 16, batchSize: 8, momentum: 0.9, totalSteps: 10 });
    const p2 = join(tmp('schedule-given'), 'run.ckpt');
    await interrupted(() => byolTiny(), p2);
    await fixed.train(data, { ...run, steps: 4, checkpointPath: p2 });
    expect(fixed.momentumAt(3)).toBe(cosineMomentum(0.9, 3, 10));
    fixed.dispose();
  });

  it('an altered value in the checkpoint is an error naming it and the fix', async () => {
    const path = join(tmp('schedule-bad'), 'run.ckpt');
    const m = byolTiny();
    await saveCheckpoint(path, { step: 1, models: m.models, optimizer: m.optimizer, extra: { methodState: { momentumSchedule: { totalSteps: -3 } } } });
    await expect(m.train(data, { ...run, steps: 2, checkpointPath: path })).rejects.toThrow(
      "byol: argument 'checkpoint extra.methodState.momentumSchedule.totalSteps' must be a positive integer (the momentum schedule's length) (got -3). " +
        'Fix: the checkpoint was altered: resume from another one (fit keeps path.1), or pass totalSteps to the factory',
    );
    m.dispose();
  });
});
