/**
 * File helpers: nothing half-written is ever left behind (write to a temp file beside the target, then rename).
 *
 * Temporary files are named `.<target name>.reprlab-tmp-<pid>-<start ms>-<random hex>`. A process killed during a
 * write leaves one behind; the next {@link writeFileAtomic} into the same folder removes every such file (of any
 * target) that started before it and whose process is gone (or is this one: writes here are synchronous, so none of
 * ours can still be running), and the same for the `.<name>.<pid>.<ms>.tmp` files of earlier reprlab versions.
 * Nothing else in the folder is touched.
 *
 * Errors from the file system on the way (a folder that is a file, no permission, a read-only or full disk) are
 * rethrown as a {@link FileWriteError} naming the path and what to do.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** A write that the file system refused, with the path at fault and the fix. */
export class FileWriteError extends Error {
  constructor(
    /** The file we were asked to write. */
    readonly target: string,
    /** The path the system call failed on (the target, its folder, or a folder above it). */
    readonly path: string,
    /** The system error code, e.g. 'EEXIST', 'ENOTDIR', 'EACCES'. */
    readonly code: string,
    reason: string,
    fix: string,
  ) {
    super(`writeFileAtomic: cannot write ${target}: ${reason} (${code}). Fix: ${fix}.`);
    this.name = 'FileWriteError';
  }
}

const TMP = /^\..+\.reprlab-tmp-(\d+)-(\d+)-[0-9a-f]+$/;
const LEGACY_TMP = /^\..+\.(\d+)\.(\d+)\.tmp$/;

/** Write `data` to `path` atomically: readers see the old file or the whole new one, never a part. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const started = Date.now();
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw explainWriteError(path, err, 'create the folder');
  }
  removeStaleTemporaries(dir, started);
  const tmp = join(dir, `.${basename(path)}.reprlab-tmp-${process.pid}-${started}-${randomBytes(4).toString('hex')}`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw explainWriteError(path, err, 'write the file');
  }
}

/** JSON with a trailing newline, written atomically. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n');
}

/**
 * Remove the temporary files of crashed writes in `dir`: only names of our own patterns, started before `before`
 * (ms since the epoch), by a process that no longer runs (or this one). Returns the names removed.
 */
export function removeStaleTemporaries(dir: string, before: number): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = TMP.exec(name) ?? LEGACY_TMP.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    const time = Number(m[2]);
    if (!(time < before) || (pid !== process.pid && processAlive(pid))) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      rmSync(file, { force: true });
      removed.push(name);
    } catch {
      // Gone already, or not ours to remove: leave it.
    }
  }
  return removed;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * A clear {@link FileWriteError} for a failed mkdir/open/write/rename of `target` (errors without a known code are
 * returned unchanged). `action` says what was being done ('create the folder', 'write the file').
 */
export function explainWriteError(target: string, err: unknown, action: string): unknown {
  const e = err as NodeJS.ErrnoException;
  if (!e || typeof e.code !== 'string') return err;
  const at = typeof e.path === 'string' && !TMP.test(basename(e.path)) ? e.path : target; // our temporary file stands for the target
  const reasons: Record<string, [string, string]> = {
    EEXIST: [`${at} exists and is not a folder, so it cannot hold ${basename(target)}`, `choose a path whose folders are folders (${at} is a file), or move that file away`],
    ENOTDIR: [`a part of ${at} is a file, not a folder`, 'choose a path whose folders are folders, or move that file away'],
    EISDIR: [`${at} is a folder`, 'give a file name inside it, e.g. ' + join(target, 'run.ckpt')],
    EACCES: [`no permission to ${action} at ${at}`, 'choose a folder you can write to (e.g. under your home directory or ./checkpoints), or fix its permissions'],
    EPERM: [`the system does not allow us to ${action} at ${at}`, 'choose a folder you can write to (e.g. under your home directory or ./checkpoints)'],
    EROFS: [`${at} is on a read-only file system`, 'choose a folder on a writable disk'],
    ENOSPC: ['the disk is full', 'free some space or write to another disk; the previous file, if any, is unchanged'],
    ENAMETOOLONG: ['the path is too long', 'choose a shorter path'],
  };
  const r = reasons[e.code];
  if (!r) return err;
  return new FileWriteError(target, at, e.code, r[0], r[1]);
}
