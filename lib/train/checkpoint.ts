/**
 * Checkpoints: model weights (trainable and not, BatchNorm statistics included), optimizer state (Adam's moments
 * and step count), the training step and loss history, in one binary file written atomically:
 *
 *   [u32 little-endian header length][JSON header][payload: the entries' float32/int32 bytes, one after the other]
 *
 * Header (version 2): `{ format: 'reprlab-checkpoint', version: 2, step, extra, entries: [{ name, shape, dtype,
 * offset, length }], checksum: { algorithm: 'sha256', payload: <hex> } }`, offsets relative to the payload start.
 *
 * Guarantees:
 * - A crash while saving leaves the previous checkpoint intact (lib/util writeFileAtomic); the temporary file the
 *   crash left behind is removed when `fit` next starts with a checkpoint in that folder, or by the next save there.
 * - A checkpoint is never written from non-finite weights: `saveCheckpoint` scans the values it reads anyway (no
 *   extra GPU read) and refuses with an error naming the tensor; the file already there stays as it was.
 * - `keep: K` keeps the K most recent checkpoints: `path` (newest), `path.1`, ..., `path.{K-1}` (oldest).
 * - Loading validates every entry (a known dtype, a shape of non-negative integers, offset and length inside the
 *   payload, length = product(shape) × 4 bytes) and the payload's SHA-256; each failure is a
 *   {@link CheckpointError} naming the file, the entry and the fix.
 * - Version-1 files (written before checksums existed) are still loaded: every entry is validated the same way,
 *   but there is no checksum to verify, so a warning says so once per file; the next save writes version 2.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, readFileSync, renameSync, rmSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { check } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { NonFiniteWeightsError } from './diverged.js';

export interface CheckpointState {
  step: number;
  models: Record<string, tfl.LayersModel>;
  optimizer?: tf.Optimizer;
  /** Small JSON-serialisable extras (loss history, config, RNG position, `fit`'s `methodState`...). */
  extra?: Record<string, unknown>;
  /** Extra tensors to save (e.g. MoCo's queue, DINO's centre); restored into same-shaped variables. */
  tensors?: Record<string, tf.Variable>;
}

export interface SaveCheckpointOptions {
  /** How many checkpoints to keep: `path` and `path.1` .. `path.{keep-1}` (default 1: only `path`). */
  keep?: number;
}

interface Entry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  offset: number;
  length: number;
}
interface Header {
  format: 'reprlab-checkpoint';
  version: 1 | 2;
  step: number;
  extra: Record<string, unknown>;
  entries: Entry[];
  checksum?: { algorithm: 'sha256'; payload: string };
}

const MAGIC_FORMAT = 'reprlab-checkpoint';
const VERSION = 2;
const DTYPES: Record<string, number> = { float32: 4, int32: 4 };
const restoreFix = (path: string) =>
  `delete it and train again (fit with resume: false), or restore it from a backup; fit keeps the previous checkpoint as ${path}.1 (option keepCheckpoints): rename it to ${path} to resume from it`;

/** A checkpoint file that cannot be read back: names the file, the entry (when one is at fault) and the fix. */
export class CheckpointError extends Error {
  constructor(
    readonly path: string,
    readonly problem: string,
    readonly entry?: string,
    readonly fix: string = restoreFix(path),
  ) {
    super(`readCheckpoint: ${path} is not a valid reprlab checkpoint (${entry !== undefined ? `entry ${entry}: ` : ''}${problem}). Fix: ${fix}.`);
    this.name = 'CheckpointError';
  }
}

/** The checkpoint kept `k` saves back: `path` for 0, `path.k` otherwise. */
export function checkpointGeneration(path: string, k: number): string {
  return k === 0 ? path : `${path}.${k}`;
}

/** Save `state` to `path` (atomic; refuses non-finite values; keeps the `keep` most recent checkpoints). */
export async function saveCheckpoint(path: string, state: CheckpointState, options: SaveCheckpointOptions = {}): Promise<void> {
  const { keep = 1 } = options;
  check(typeof path === 'string' && path.length > 0, 'saveCheckpoint', 'path', 'a file path', path);
  check(Number.isInteger(keep) && keep >= 1, 'saveCheckpoint', 'keep', 'an integer >= 1 (how many checkpoints to keep)', keep);
  const named: { name: string; tensor: tf.Tensor }[] = [];
  for (const [key, model] of Object.entries(state.models)) model.weights.forEach((w, i) => named.push({ name: `model/${key}/${i}`, tensor: w.read() }));
  for (const [key, v] of Object.entries(state.tensors ?? {})) named.push({ name: `tensor/${key}`, tensor: v });
  const optWeights = state.optimizer ? await state.optimizer.getWeights() : [];
  optWeights.forEach((w, i) => named.push({ name: `optimizer/${i}/${w.name}`, tensor: w.tensor }));

  const entries: Entry[] = [];
  const chunks: Uint8Array[] = [];
  const hash = createHash('sha256');
  let offset = 0;
  for (const { name, tensor } of named) {
    check(tensor.dtype === 'float32' || tensor.dtype === 'int32', 'saveCheckpoint', name, 'a float32 or int32 tensor', tensor.dtype);
    const dtype = tensor.dtype as 'float32' | 'int32';
    const data = await tensor.data();
    if (dtype === 'float32') {
      const bad = firstNonFinite(data as Float32Array);
      if (bad >= 0) throw new NonFiniteWeightsError(path, name, bad, (data as Float32Array)[bad]!);
    }
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    entries.push({ name, shape: tensor.shape, dtype, offset, length: bytes.byteLength });
    chunks.push(bytes);
    hash.update(bytes);
    offset += bytes.byteLength;
  }
  const header: Header = {
    format: MAGIC_FORMAT, version: VERSION, step: state.step, extra: state.extra ?? {}, entries,
    checksum: { algorithm: 'sha256', payload: hash.digest('hex') },
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const lengthBytes = Buffer.alloc(4);
  lengthBytes.writeUInt32LE(headerBytes.length, 0);
  if (keep > 1) rotate(path, keep);
  writeFileAtomic(path, Buffer.concat([lengthBytes, headerBytes, ...chunks]));
}

/** Index of the first NaN/±Infinity in `a`, or -1. */
function firstNonFinite(a: Float32Array): number {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (v - v !== 0) return i; // NaN - NaN and Inf - Inf are NaN; finite - itself is 0
  }
  return -1;
}

/**
 * Shift the kept generations one back (path.{k} → path.{k+1}, the oldest beyond `keep` dropped) and make
 * path.1 the current `path` — a hard link (a copy where links are not supported), so `path` itself stays in
 * place, complete, until writeFileAtomic replaces it.
 */
function rotate(path: string, keep: number): void {
  if (!existsSync(path)) return;
  rmSync(checkpointGeneration(path, keep - 1), { force: true });
  for (let k = keep - 2; k >= 1; k--) {
    const from = checkpointGeneration(path, k);
    if (existsSync(from)) renameSync(from, checkpointGeneration(path, k + 1));
  }
  const previous = checkpointGeneration(path, 1);
  rmSync(previous, { force: true });
  try {
    linkSync(path, previous);
  } catch {
    copyFileSync(path, previous);
  }
}

const warnedUnverified = new Set<string>();

/** Read a checkpoint file's header and raw arrays (no tensors made); validates every entry and the checksum. */
export function readCheckpoint(path: string): { step: number; extra: Record<string, unknown>; arrays: Map<string, { shape: number[]; data: Float32Array | Int32Array }> } {
  check(existsSync(path), 'readCheckpoint', 'path', 'an existing checkpoint file', path, 'train first, or pass resume: false');
  const buf = readFileSync(path);
  const fail = (problem: string, entry?: string) => new CheckpointError(path, problem, entry);
  if (buf.length < 4) throw fail('file shorter than its header');
  const hlen = buf.readUInt32LE(0);
  if (4 + hlen > buf.length) throw fail('truncated header');
  let parsed: unknown;
  try {
    parsed = JSON.parse(buf.subarray(4, 4 + hlen).toString('utf8'));
  } catch {
    throw fail('header is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw fail('header is not a JSON object');
  const header = parsed as Partial<Header>;
  if (header.format !== MAGIC_FORMAT) throw fail(`format '${String(header.format)}'`);
  if (header.version !== 1 && header.version !== 2)
    throw new CheckpointError(path, `version ${String(header.version)}, this reprlab reads versions 1 and 2`, undefined, 'update reprlab, or train again');
  if (!Number.isInteger(header.step) || header.step! < 0) throw fail(`'step' must be a non-negative integer (got ${JSON.stringify(header.step)})`);
  if (header.extra !== undefined && (header.extra === null || typeof header.extra !== 'object' || Array.isArray(header.extra))) throw fail("'extra' must be an object");
  if (!Array.isArray(header.entries)) throw fail(`'entries' must be an array (got ${header.entries === undefined ? 'none' : typeof header.entries})`);
  const base = 4 + hlen;
  const payloadLength = buf.length - base;
  const seen = new Set<string>();
  header.entries.forEach((raw: unknown, index) => validateEntry(raw, index, payloadLength, seen, fail));

  const payload = buf.subarray(base);
  if (header.version === 2) {
    const c = header.checksum;
    if (!c || c.algorithm !== 'sha256' || typeof c.payload !== 'string') throw fail("a version-2 header needs 'checksum': { algorithm: 'sha256', payload: <hex> }");
    const actual = createHash('sha256').update(payload).digest('hex');
    if (actual !== c.payload) throw fail(`payload checksum mismatch: sha256 ${actual.slice(0, 12)}… but the header says ${c.payload.slice(0, 12)}… (the weights were altered or damaged after saving)`);
  } else if (!warnedUnverified.has(path)) {
    warnedUnverified.add(path);
    console.warn(`readCheckpoint: ${path} is a version-1 checkpoint (no checksum): its entries were validated but its payload cannot be verified. The next save writes version 2 with a checksum.`);
  }
  const arrays = new Map<string, { shape: number[]; data: Float32Array | Int32Array }>();
  for (const e of header.entries as Entry[]) {
    const bytes = buf.buffer.slice(buf.byteOffset + base + e.offset, buf.byteOffset + base + e.offset + e.length);
    arrays.set(e.name, { shape: e.shape, data: e.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes) });
  }
  return { step: header.step!, extra: header.extra ?? {}, arrays };
}

/** Check one header entry: name, dtype, shape, offset and length against the payload. */
function validateEntry(raw: unknown, index: number, payloadLength: number, seen: Set<string>, fail: (problem: string, entry?: string) => Error): void {
  if (raw === null || typeof raw !== 'object') throw fail('not an object { name, shape, dtype, offset, length }', `#${index}`);
  const e = raw as Partial<Entry>;
  if (typeof e.name !== 'string' || e.name === '') throw fail(`'name' must be a non-empty string (got ${JSON.stringify(e.name)})`, `#${index}`);
  const id = `#${index} '${e.name}'`;
  if (seen.has(e.name)) throw fail('appears twice', id);
  seen.add(e.name);
  if (typeof e.dtype !== 'string' || !(e.dtype in DTYPES)) throw fail(`unknown dtype ${JSON.stringify(e.dtype)} (expected 'float32' or 'int32')`, id);
  if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isInteger(d) && d >= 0)) throw fail(`'shape' must be an array of non-negative integers (got ${JSON.stringify(e.shape)})`, id);
  if (!Number.isInteger(e.offset) || e.offset! < 0) throw fail(`'offset' must be an integer >= 0 (got ${JSON.stringify(e.offset)})`, id);
  const expected = e.shape.reduce((a, b) => a * b, 1) * DTYPES[e.dtype]!;
  if (e.length !== expected) throw fail(`'length' is ${JSON.stringify(e.length)} bytes but shape [${e.shape.join(', ')}] of ${e.dtype} needs ${expected}`, id);
  if (e.offset! + e.length > payloadLength) throw fail(`bytes ${e.offset}..${e.offset! + e.length} lie beyond the payload's ${payloadLength} bytes (truncated file)`, id);
}

/**
 * Restore weights (and optimizer state, extra tensors) saved by {@link saveCheckpoint} into models of the same
 * architecture. Returns the saved step and extras.
 */
export async function loadCheckpoint(path: string, state: Omit<CheckpointState, 'step' | 'extra'>): Promise<{ step: number; extra: Record<string, unknown> }> {
  const { step, extra, arrays } = readCheckpoint(path);
  const take = (name: string, shape: readonly number[]) => {
    const a = arrays.get(name);
    check(a !== undefined, 'loadCheckpoint', name, 'present in the checkpoint', 'missing', 'the model architecture changed since it was saved: train again or rebuild the same model');
    check(a!.shape.join('x') === shape.join('x'), 'loadCheckpoint', name, `shape [${shape.join(', ')}]`, `[${a!.shape.join(', ')}]`, 'rebuild the model with the options it was trained with');
    return a!;
  };
  for (const [key, model] of Object.entries(state.models))
    tf.tidy(() => model.weights.forEach((w, i) => {
      const a = take(`model/${key}/${i}`, w.shape as number[]);
      w.write(tf.tensor(a.data, a.shape, w.dtype as 'float32'));
    }));
  for (const [key, v] of Object.entries(state.tensors ?? {}))
    tf.tidy(() => {
      const a = take(`tensor/${key}`, v.shape);
      v.assign(tf.tensor(a.data, a.shape, v.dtype as 'float32'));
    });
  if (state.optimizer) {
    const names = [...arrays.keys()].filter((k) => k.startsWith('optimizer/')).sort((a, b) => Number(a.split('/')[1]) - Number(b.split('/')[1]));
    if (names.length) {
      const weights = names.map((k) => {
        const a = arrays.get(k)!;
        return { name: k.split('/').slice(2).join('/'), tensor: tf.tensor(a.data, a.shape, a.data instanceof Int32Array ? 'int32' : 'float32') };
      });
      await state.optimizer.setWeights(weights);
      // setWeights keeps what it needs (as variables); the staging tensors are ours to free.
      tf.dispose(weights.map((w) => w.tensor));
    }
  }
  return { step, extra };
}
