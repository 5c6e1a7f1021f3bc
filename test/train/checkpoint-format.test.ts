import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { mlpEncoder } from '../../lib/models/index.js';
import { CheckpointError, loadCheckpoint, makeOptimizer, readCheckpoint, saveCheckpoint } from '../../lib/train/index.js';
import { explainWriteError, FileWriteError, removeStaleTemporaries, writeFileAtomic } from '../../lib/util/fs.js';
import { useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));
afterEach(() => vi.restoreAllMocks());

const fix = (path: string) =>
  `Fix: delete it and train again (fit with resume: false), or restore it from a backup; fit keeps the previous checkpoint as ${path}.1 (option keepCheckpoints): rename it to ${path} to resume from it.`;

function model(seed = 0) {
  return mlpEncoder({ inputShape: [2, 2, 1], hidden: [3], outputDim: 2, seed });
}

/** A saved checkpoint: its path, header and payload. */
async function saved(): Promise<{ path: string; header: Record<string, unknown> & { entries: Record<string, unknown>[] }; payload: Buffer; m: ReturnType<typeof model> }> {
  const path = join(mkdtempSync(join(tmpdir(), 'reprlab-fmt-')), 'run.ckpt');
  const m = model();
  const optimizer = makeOptimizer();
  optimizer.minimize(() => tf.mean(tf.square(m.apply(tf.ones([2, 2, 2, 1])) as tf.Tensor)) as tf.Scalar);
  await saveCheckpoint(path, { step: 3, models: { m }, optimizer, extra: { losses: [1, 2, 3] } });
  const buf = readFileSync(path);
  const hlen = buf.readUInt32LE(0);
  return { path, header: JSON.parse(buf.subarray(4, 4 + hlen).toString('utf8')), payload: buf.subarray(4 + hlen), m };
}

/** Write `header` and `payload` to `path` in the checkpoint layout. */
function write(path: string, header: unknown, payload: Buffer): void {
  const h = Buffer.from(JSON.stringify(header), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32LE(h.length, 0);
  writeFileSync(path, Buffer.concat([len, h, payload]));
}

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}

describe('checkpoint format: every entry validated, the payload checksummed', () => {
  it('a saved checkpoint is version 2 with the payload sha256, and loads back bit-exact', async () => {
    const { path, header, m: a } = await saved();
    expect(header.version).toBe(2);
    expect(header.checksum).toMatchObject({ algorithm: 'sha256' });
    const b = model(7);
    await loadCheckpoint(path, { models: { m: b } });
    for (let i = 0; i < a.weights.length; i++) expect(await b.weights[i]!.read().data()).toEqual(await a.weights[i]!.read().data());
  });

  it('a negative offset names the file, the entry and the fix', async () => {
    const { path, header, payload } = await saved();
    header.entries[1]!.offset = -4;
    write(path, header, payload);
    const err = errorOf(() => readCheckpoint(path));
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err.message).toBe(`readCheckpoint: ${path} is not a valid reprlab checkpoint (entry #1 'model/m/1': 'offset' must be an integer >= 0 (got -4)). ${fix(path)}`);
  });

  it('missing entries', async () => {
    const { path, header, payload } = await saved();
    delete (header as Record<string, unknown>).entries;
    write(path, header, payload);
    expect(errorOf(() => readCheckpoint(path)).message).toBe(`readCheckpoint: ${path} is not a valid reprlab checkpoint ('entries' must be an array (got none)). ${fix(path)}`);
  });

  it('an odd byte length (not product(shape) × 4)', async () => {
    const { path, header, payload } = await saved();
    const e = header.entries[0]!;
    e.length = (e.length as number) - 1;
    write(path, header, payload);
    expect(errorOf(() => readCheckpoint(path)).message).toBe(
      `readCheckpoint: ${path} is not a valid reprlab checkpoint (entry #0 'model/m/0': 'length' is 47 bytes but shape [4, 3] of float32 needs 48). ${fix(path)}`,
    );
  });

  it('an unknown dtype, and data beyond the end of the file', async () => {
    const { path, header, payload } = await saved();
    header.entries[0]!.dtype = 'float64';
    write(path, header, payload);
    expect(errorOf(() => readCheckpoint(path)).message).toContain(`(entry #0 'model/m/0': unknown dtype "float64" (expected 'float32' or 'int32')). ${fix(path)}`);
    header.entries[0]!.dtype = 'float32';
    write(path, header, payload.subarray(0, 50));
    expect(errorOf(() => readCheckpoint(path)).message).toContain(`(entry #1 'model/m/1': bytes 48..60 lie beyond the payload's 50 bytes (truncated file)). ${fix(path)}`);
  });

  it('a payload of 0xff bytes fails the checksum instead of loading NaN weights', async () => {
    const { path, header, payload } = await saved();
    const digest = (header.checksum as { payload: string }).payload;
    write(path, header, Buffer.alloc(payload.length, 0xff));
    const err = errorOf(() => readCheckpoint(path));
    expect(err).toBeInstanceOf(CheckpointError);
    expect(err.message).toMatch(new RegExp(`^readCheckpoint: ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a valid reprlab checkpoint \\(payload checksum mismatch: sha256 [0-9a-f]{12}… but the header says ${digest.slice(0, 12)}… \\(the weights were altered or damaged after saving\\)\\)\\. `));
    expect(err.message.endsWith(fix(path))).toBe(true);
    const m = model(5);
    const before = await m.weights[0]!.read().data();
    await expect(loadCheckpoint(path, { models: { m } })).rejects.toThrow(/payload checksum mismatch/);
    expect(await m.weights[0]!.read().data()).toEqual(before); // nothing was written into the model
  });

  it('a version-2 header without its checksum is rejected', async () => {
    const { path, header, payload } = await saved();
    delete (header as Record<string, unknown>).checksum;
    write(path, header, payload);
    expect(errorOf(() => readCheckpoint(path)).message).toBe(
      `readCheckpoint: ${path} is not a valid reprlab checkpoint (a version-2 header needs 'checksum': { algorithm: 'sha256', payload: <hex> }). ${fix(path)}`,
    );
  });

  it('an old version-1 checkpoint (no checksum) loads after the entry checks, with one warning', async () => {
    const { path, header, payload, m: original } = await saved();
    header.version = 1;
    delete (header as Record<string, unknown>).checksum;
    write(path, header, payload);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const m = model(9);
    expect((await loadCheckpoint(path, { models: { m } })).step).toBe(3);
    readCheckpoint(path);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toBe(
      `readCheckpoint: ${path} is a version-1 checkpoint (no checksum): its entries were validated but its payload cannot be verified. The next save writes version 2 with a checksum.`,
    );
    expect(await m.weights[0]!.read().data()).toEqual(await original.weights[0]!.read().data());
  });
});

describe('writeFileAtomic: path errors and stale temporaries', () => {
  it('an impossible path (a folder that is a file) is a clear error naming the path and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-path-'));
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'x');
    const target = join(file, 'run.ckpt');
    const m = model();
    const err = await saveCheckpoint(target, { step: 1, models: { m } }).then(() => undefined, (e: Error) => e);
    expect(err).toBeInstanceOf(FileWriteError);
    expect(err!.message).toBe(
      `writeFileAtomic: cannot write ${target}: ${file} exists and is not a folder, so it cannot hold run.ckpt (EEXIST). ` +
        `Fix: choose a path whose folders are folders (${file} is a file), or move that file away.`,
    );
    const deeper = join(file, 'sub', 'run.ckpt');
    expect(errorOf(() => writeFileAtomic(deeper, 'x')).message).toBe(
      `writeFileAtomic: cannot write ${deeper}: a part of ${join(file, 'sub')} is a file, not a folder (ENOTDIR). Fix: choose a path whose folders are folders, or move that file away.`,
    );
    expect(errorOf(() => writeFileAtomic(dir, 'x')).message).toBe(`writeFileAtomic: cannot write ${dir}: ${dir} is a folder (EISDIR). Fix: give a file name inside it, e.g. ${join(dir, 'run.ckpt')}.`);
  });

  it('no permission, a read-only disk, a full disk: the system error named with the path and the fix', () => {
    const sys = (code: string, path?: string) => Object.assign(new Error(`${code}: raw`), { code, path });
    expect((explainWriteError('/srv/x/run.ckpt', sys('EACCES', '/srv/x'), 'create the folder') as Error).message).toBe(
      'writeFileAtomic: cannot write /srv/x/run.ckpt: no permission to create the folder at /srv/x (EACCES). ' +
        'Fix: choose a folder you can write to (e.g. under your home directory or ./checkpoints), or fix its permissions.',
    );
    expect((explainWriteError('/mnt/ro/a.json', sys('EROFS', '/mnt/ro/.a.json.reprlab-tmp-1-2-ab'), 'write the file') as Error).message).toBe(
      'writeFileAtomic: cannot write /mnt/ro/a.json: /mnt/ro/a.json is on a read-only file system (EROFS). Fix: choose a folder on a writable disk.',
    );
    expect((explainWriteError('/d/a', sys('ENOSPC'), 'write the file') as Error).message).toBe(
      'writeFileAtomic: cannot write /d/a: the disk is full (ENOSPC). Fix: free some space or write to another disk; the previous file, if any, is unchanged.',
    );
    const other = new TypeError('not a system error');
    expect(explainWriteError('/d/a', other, 'write the file')).toBe(other);
  });

  it('a folder without write permission (as a user that is not root)', () => {
    if (process.getuid?.() === 0) return; // root writes anywhere: no EACCES to provoke (the mapping is tested above)
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-ro-'));
    chmodSync(dir, 0o500);
    try {
      const target = join(dir, 'run.ckpt');
      expect(errorOf(() => writeFileAtomic(target, 'x')).message).toMatch(/^writeFileAtomic: cannot write .*run\.ckpt: no permission to write the file at .* \(EACCES\)\. Fix: choose a folder you can write to/);
    } finally {
      chmodSync(dir, 0o700);
    }
  });

  it('the temporary file of a save killed midway is removed by the next save to that folder; nothing else is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-tmp-'));
    const target = join(dir, 'run.ckpt');
    // A child process starts a write and is killed (SIGKILL) while its temporary file exists.
    const child = spawnSync(process.execPath, ['-e', `
      const fs = require('node:fs');
      fs.writeFileSync(${JSON.stringify(join(dir, '.run.ckpt.reprlab-tmp-'))} + process.pid + '-' + Date.now() + '-0a1b2c3d', Buffer.alloc(1 << 20));
      process.kill(process.pid, 'SIGKILL');
    `]);
    expect(child.signal).toBe('SIGKILL');
    const legacy = `.run.ckpt.${child.pid}.${Date.now() - 1000}.tmp`; // the naming of earlier versions
    writeFileSync(join(dir, legacy), 'old');
    const others = ['notes.txt', '.run.ckpt.reprlab-tmp-x', '.hidden.tmp'];
    for (const f of others) writeFileSync(join(dir, f), 'keep');
    // A live process's temporary file (this one's pid is alive: the parent) and a future one are kept too.
    const live = `.other.reprlab-tmp-${process.ppid}-${Date.now() - 10}-00000000`;
    const future = `.run.ckpt.reprlab-tmp-${child.pid}-${Date.now() + 60_000}-00000000`;
    writeFileSync(join(dir, live), 'live');
    writeFileSync(join(dir, future), 'future');
    expect(readdirSync(dir).filter((f) => f.includes('reprlab-tmp-') && !f.endsWith('-x'))).toHaveLength(3);
    writeFileAtomic(target, 'new');
    expect(readdirSync(dir).sort()).toEqual([...others, live, future, 'run.ckpt'].sort());
    expect(readFileSync(target, 'utf8')).toBe('new');
  });

  it('removeStaleTemporaries skips folders and unreadable dirs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-tmpdir-'));
    mkdirSync(join(dir, '.x.reprlab-tmp-1-1-00'));
    utimesSync(dir, new Date(), new Date());
    expect(removeStaleTemporaries(dir, Date.now())).toEqual([]);
    expect(removeStaleTemporaries(join(dir, 'missing'), Date.now())).toEqual([]);
  });
});
