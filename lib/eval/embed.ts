/**
 * `embed(encoder, set)`: run a frozen encoder f_θ over an image set in batches and collect the representations
 * f_θ(x) as {@link Features} on the CPU (deck 000, "Linear probing": transform the input data with the embedding
 * model). Inference mode (BatchNorm uses its running statistics); nothing is left on the backend.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { check } from '../util/errors.js';
import type { Features, PixelSource } from './features.js';

/** A frozen encoder: a layers model, or any function from images [B,H,W,C] to features [B, ...] (flattened to [B, D]). */
export type Encoder = tfl.LayersModel | ((x: tf.Tensor4D) => tf.Tensor);

export interface EmbedOptions {
  /** Images per forward pass (default 256). */
  batchSize?: number;
  /** Only these images (default all), in this order. */
  indices?: ArrayLike<number>;
}

function isLayersModel(e: Encoder): e is tfl.LayersModel {
  return typeof e === 'object' && e !== null && typeof (e as tfl.LayersModel).predict === 'function';
}

/** Apply the encoder to a batch in inference mode; returns [B, D] (caller disposes). */
export function applyEncoder(encoder: Encoder, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const out = isLayersModel(encoder) ? (encoder.apply(x, { training: false }) as tf.Tensor) : encoder(x);
    check(out instanceof tf.Tensor && out.shape[0] === x.shape[0], 'embed', 'encoder', 'a model or function returning one feature row per image ([B, ...])', out);
    return tf.reshape(out, [x.shape[0], -1]) as tf.Tensor2D;
  });
}

/** Representations of every image of `set` (or of `indices`) under `encoder`, as CPU Features. */
export async function embed(encoder: Encoder, set: PixelSource, options: EmbedOptions = {}): Promise<Features> {
  const where = 'embed';
  check(isLayersModel(encoder) || typeof encoder === 'function', where, 'encoder', 'a tfjs LayersModel or a function (x: Tensor4D) => Tensor', encoder);
  check(set !== null && typeof set === 'object' && set.images instanceof Float32Array, where, 'set', 'an ImageSet', set);
  const { batchSize = 256 } = options;
  check(Number.isInteger(batchSize) && batchSize > 0, where, 'batchSize', 'a positive integer', batchSize);
  const { height: h, width: w, channels: c } = set;
  const d = h * w * c;
  const n = options.indices ? options.indices.length : set.n;
  const idx = options.indices;
  if (idx) for (let j = 0; j < idx.length; j++) check(Number.isInteger(idx[j]) && idx[j]! >= 0 && idx[j]! < set.n, where, 'indices', `integers in [0, ${set.n})`, `${idx[j]} at position ${j}`);
  let out: Float32Array | undefined;
  let dim = 0;
  // One batch in flight while the previous one is read back: on a GPU backend the next forward pass is queued before
  // the read of the last one waits, so the device does not idle between batches (on wasm/cpu the read is immediate).
  let pending: { y: tf.Tensor2D; s: number } | null = null;
  const collect = async ({ y, s }: { y: tf.Tensor2D; s: number }): Promise<void> => {
    try {
      const values = (await y.data()) as Float32Array;
      if (!out) {
        dim = y.shape[1];
        out = new Float32Array(n * dim);
      }
      out.set(values, s * dim);
    } finally {
      y.dispose();
    }
  };
  try {
    for (let s = 0; s < n; s += batchSize) {
      const e = Math.min(n, s + batchSize);
      let xs: Float32Array;
      if (idx) {
        xs = new Float32Array((e - s) * d);
        for (let j = s; j < e; j++) xs.set(set.images.subarray(idx[j]! * d, (idx[j]! + 1) * d), (j - s) * d);
      } else xs = set.images.subarray(s * d, e * d);
      const x = tf.tensor4d(xs, [e - s, h, w, c], 'float32');
      let y: tf.Tensor2D;
      try {
        y = applyEncoder(encoder, x);
      } finally {
        x.dispose();
      }
      const previous = pending;
      pending = { y, s };
      if (previous) await collect(previous);
    }
    if (pending) {
      const last = pending;
      pending = null;
      await collect(last);
    }
  } finally {
    pending?.y.dispose();
  }
  return { data: out ?? new Float32Array(0), n, dim };
}
