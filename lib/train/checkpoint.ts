/**
 * Checkpoints: model weights (trainable and not, BatchNorm statistics included), optimizer state (Adam's moments
 * and step count), the training step and loss history, in one binary file written atomically:
 *   [u32 header length][JSON header][float32/int32 payload]
 * A crash while saving leaves the previous checkpoint intact.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { check } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';

export interface CheckpointState {
  step: number;
  models: Record<string, tfl.LayersModel>;
  optimizer?: tf.Optimizer;
  /** Small JSON-serialisable extras (loss history, config, RNG position...). */
  extra?: Record<string, unknown>;
  /** Extra tensors to save (e.g. MoCo's queue, DINO's centre); restored into same-shaped variables. */
  tensors?: Record<string, tf.Variable>;
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
  version: 1;
  step: number;
  extra: Record<string, unknown>;
  entries: Entry[];
}

const MAGIC_FORMAT = 'reprlab-checkpoint';

/** Save `state` to `path` (atomic). */
export async function saveCheckpoint(path: string, state: CheckpointState): Promise<void> {
  const named: { name: string; tensor: tf.Tensor }[] = [];
  for (const [key, model] of Object.entries(state.models)) model.weights.forEach((w, i) => named.push({ name: `model/${key}/${i}`, tensor: w.read() }));
  for (const [key, v] of Object.entries(state.tensors ?? {})) named.push({ name: `tensor/${key}`, tensor: v });
  const optWeights = state.optimizer ? await state.optimizer.getWeights() : [];
  optWeights.forEach((w, i) => named.push({ name: `optimizer/${i}/${w.name}`, tensor: w.tensor }));

  const entries: Entry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const { name, tensor } of named) {
    const dtype = tensor.dtype === 'int32' ? 'int32' : 'float32';
    check(tensor.dtype === 'float32' || tensor.dtype === 'int32', 'saveCheckpoint', name, 'a float32 or int32 tensor', tensor.dtype);
    const data = await tensor.data();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    entries.push({ name, shape: tensor.shape, dtype, offset, length: bytes.byteLength });
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const header: Header = { format: MAGIC_FORMAT, version: 1, step: state.step, extra: state.extra ?? {}, entries };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const lengthBytes = Buffer.alloc(4);
  lengthBytes.writeUInt32LE(headerBytes.length, 0);
  writeFileAtomic(path, Buffer.concat([lengthBytes, headerBytes, ...chunks]));
}

/** Read a checkpoint file's header and raw arrays (no tensors made). */
export function readCheckpoint(path: string): { step: number; extra: Record<string, unknown>; arrays: Map<string, { shape: number[]; data: Float32Array | Int32Array }> } {
  check(existsSync(path), 'readCheckpoint', 'path', 'an existing checkpoint file', path, 'train first, or pass resume: false');
  const buf = readFileSync(path);
  const fail = (why: string) => new Error(`readCheckpoint: ${path} is not a valid reprlab checkpoint (${why}). Fix: delete it and train again, or restore it from a backup.`);
  if (buf.length < 4) throw fail('file shorter than its header');
  const hlen = buf.readUInt32LE(0);
  if (4 + hlen > buf.length) throw fail('truncated header');
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(4, 4 + hlen).toString('utf8')) as Header;
  } catch {
    throw fail('header is not JSON');
  }
  if (header.format !== MAGIC_FORMAT) throw fail(`format '${String(header.format)}'`);
  const base = 4 + hlen;
  const arrays = new Map<string, { shape: number[]; data: Float32Array | Int32Array }>();
  for (const e of header.entries) {
    if (base + e.offset + e.length > buf.length) throw fail(`truncated data for ${e.name}`);
    const bytes = buf.buffer.slice(buf.byteOffset + base + e.offset, buf.byteOffset + base + e.offset + e.length);
    arrays.set(e.name, { shape: e.shape, data: e.dtype === 'int32' ? new Int32Array(bytes) : new Float32Array(bytes) });
  }
  return { step: header.step, extra: header.extra, arrays };
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
