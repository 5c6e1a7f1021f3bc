// The temporary file of a killed save is removed when training starts again (fit with a checkpointPath), not only
// at the next save.
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fit, NonFiniteLossError } from '../../lib/train/index.js';
import { useBackend } from '../helpers.js';
import { blobs, classifier } from './fixtures.js';

beforeAll(() => useBackend('cpu'));

/** A child process starts a save into `dir` and is killed (SIGKILL) while its temporary file exists; returns its name. */
function killedSave(dir: string, target: string): string {
  const child = spawnSync(process.execPath, ['-e', `
    const fs = require('node:fs');
    const name = '.${target}.reprlab-tmp-' + process.pid + '-' + Date.now() + '-0a1b2c3d';
    fs.writeFileSync(require('node:path').join(${JSON.stringify(dir)}, name), Buffer.alloc(1 << 16));
    process.stdout.write(name);
    process.kill(process.pid, 'SIGKILL');
  `], { encoding: 'utf8' });
  expect(child.signal).toBe('SIGKILL');
  return child.stdout;
}

describe('fit removes a killed save\'s temporary file when it starts', () => {
  it('gone before the first step, long before any save; a live process\'s temporary file and other files stay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-fitstart-'));
    const path = join(dir, 'run.ckpt');
    const stale = killedSave(dir, 'run.ckpt');
    expect(existsSync(join(dir, stale))).toBe(true);
    const live = `.other.reprlab-tmp-${process.ppid}-${Date.now() - 10}-00000000`; // the parent's pid: alive
    writeFileSync(join(dir, live), 'live');
    writeFileSync(join(dir, 'notes.txt'), 'keep');
    const seen: boolean[] = [];
    // checkpointEvery 0: the only save is the final one, after the last step
    await fit(classifier(), blobs(16), {
      steps: 2, batchSize: 8, logEvery: 1, checkpointPath: path, progress: false,
      onLog: () => void seen.push(existsSync(join(dir, stale)) || existsSync(path)),
    });
    expect(seen).toEqual([false, false]);
    expect(readdirSync(dir).sort()).toEqual([live, 'notes.txt', 'run.ckpt'].sort());
  });

  it('also when the run then fails before any save (a NaN image: the run ends with the error, nothing is saved)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-fitstart2-'));
    const path = join(dir, 'run.ckpt');
    const stale = killedSave(dir, 'run.ckpt');
    await expect(fit(classifier(), blobs(16, { nanImage: 3 }), { steps: 4, batchSize: 8, checkpointPath: path, progress: false })).rejects.toThrow(NonFiniteLossError);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(dir, stale))).toBe(false);
  });
});
