/**
 * Seeded mini-batch stream over a set of images held on the CPU: each epoch is a fresh permutation (from the
 * seed and the epoch number, so a resumed run sees the same batches it would have seen).
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';

/** The part of lib/data's ImageSet a training loop needs. */
export interface ImageSource {
  images: Float32Array;
  labels: Int32Array;
  n: number;
  height: number;
  width: number;
  channels: number;
}

export interface Batch {
  x: tf.Tensor4D;
  y: tf.Tensor1D;
  indices: Int32Array;
}

export class BatchStream {
  private readonly perEpoch: number;
  private epoch = -1;
  private order: Int32Array = new Int32Array(0);

  constructor(
    readonly source: ImageSource,
    readonly batchSize: number,
    readonly seed = 0,
  ) {
    check(Number.isInteger(batchSize) && batchSize > 0, 'BatchStream', 'batchSize', 'a positive integer', batchSize);
    check(source.n >= batchSize, 'BatchStream', 'batchSize', `at most the number of images (${source.n})`, batchSize, 'use a smaller batch or more data');
    check(source.images.length === source.n * source.height * source.width * source.channels, 'BatchStream', 'source.images', `length n*H*W*C = ${source.n * source.height * source.width * source.channels}`, source.images.length);
    this.perEpoch = Math.floor(source.n / batchSize);
  }

  /** Indices of batch number `i` (full batches only; the remainder of each epoch is dropped). */
  indices(i: number): Int32Array {
    const epoch = Math.floor(i / this.perEpoch);
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.order = new Rng(this.seed * 1000003 + epoch).permutation(this.source.n);
    }
    const start = (i % this.perEpoch) * this.batchSize;
    return this.order.slice(start, start + this.batchSize);
  }

  /** Batch `i` as tensors (caller disposes x and y). */
  batch(i: number): Batch {
    const idx = this.indices(i);
    return { ...gather(this.source, idx), indices: idx };
  }
}

/** Copy the images/labels at `indices` into new tensors x [k,H,W,C] and y [k] (caller disposes). */
export function gather(source: ImageSource, indices: ArrayLike<number>): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const { height: h, width: w, channels: c } = source;
  const d = h * w * c;
  const k = indices.length;
  const xs = new Float32Array(k * d);
  const ys = new Int32Array(k);
  for (let j = 0; j < k; j++) {
    const i = indices[j]!;
    check(Number.isInteger(i) && i >= 0 && i < source.n, 'gather', 'indices', `integers in [0, ${source.n})`, i);
    xs.set(source.images.subarray(i * d, (i + 1) * d), j * d);
    ys[j] = source.labels[i]!;
  }
  return { x: tf.tensor4d(xs, [k, h, w, c]), y: tf.tensor1d(ys, 'int32') };
}
