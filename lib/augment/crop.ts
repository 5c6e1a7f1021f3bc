/**
 * Random resized crop (deck 000, "Data augmentation (2/2)": random crop, then resize to the original size):
 * for each image, pick an area fraction s ~ U(scale) and an aspect ratio r with log r ~ U(log ratio), crop the
 * box of width √(s·r) and height √(s/r) (fractions of the image side) at a random position, and resize it
 * bilinearly to `size` — one `tf.image.cropAndResize` with per-sample boxes.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { checkRange, makeTransform, type Transform } from './transform.js';

export interface RandomResizedCropOptions {
  /** Output [height, width] (default: the input's). */
  size?: [number, number];
  /** Range of the crop's area as a fraction of the image (default [0.08, 1], SimCLR's; small images like [0.2, 1]). */
  scale?: [number, number];
  /** Range of the crop's aspect ratio width/height (default [3/4, 4/3]). */
  ratio?: [number, number];
  seed?: number;
}

/** Per-sample crop boxes [y1, x1, y2, x2] in normalised coordinates (10 tries, then a centred clipped crop). */
export function sampleCropBoxes(n: number, rng: Rng, scale: readonly [number, number], ratio: readonly [number, number]): Float32Array {
  const boxes = new Float32Array(n * 4);
  const [lr0, lr1] = [Math.log(ratio[0]), Math.log(ratio[1])];
  for (let i = 0; i < n; i++) {
    let w = 1, h = 1, found = false;
    for (let t = 0; t < 10 && !found; t++) {
      const s = rng.range(scale[0], scale[1]);
      const r = Math.exp(rng.range(lr0, lr1));
      w = Math.sqrt(s * r);
      h = Math.sqrt(s / r);
      found = w <= 1 && h <= 1;
    }
    if (!found) {
      w = Math.min(w, 1);
      h = Math.min(h, 1);
    }
    const y = rng.range(0, 1 - h), x = rng.range(0, 1 - w);
    boxes.set([y, x, y + h, x + w], i * 4);
  }
  return boxes;
}

export function randomResizedCrop(options: RandomResizedCropOptions = {}): Transform {
  const where = 'randomResizedCrop';
  const { size, scale = [0.08, 1], ratio = [3 / 4, 4 / 3], seed = 0 } = options;
  checkRange(where, 'scale', scale, 1e-6, 1);
  checkRange(where, 'ratio', ratio, 1e-3, 1e3);
  if (size !== undefined) check(Array.isArray(size) && size.length === 2 && size.every((d) => Number.isInteger(d) && d > 0), where, 'size', '[height, width] as positive integers', size);
  return makeTransform(where, seed, (x, rng) => {
    const [n, h, w] = x.shape;
    const boxes = sampleCropBoxes(n, rng, scale, ratio);
    return cropBoxes(x, boxes, size ?? [h, w]);
  });
}

/** Crop each image to its box [y1, x1, y2, x2] (normalised, as tf.image.cropAndResize) and resize to `size`. */
export function cropBoxes(x: tf.Tensor4D, boxes: Float32Array, size: [number, number]): tf.Tensor4D {
  const n = x.shape[0];
  check(boxes.length === n * 4, 'cropBoxes', 'boxes', `${n * 4} numbers (4 per image)`, boxes.length);
  return tf.tidy(() => {
    const ind = tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i), 'int32');
    return tf.image.cropAndResize(x, tf.tensor2d(boxes, [n, 4]), ind, size, 'bilinear');
  });
}

/** Centre crop of a fraction `fraction` of each side, resized to `size` (default the input size). Deterministic. */
export function centerCrop(options: { fraction?: number; size?: [number, number] } = {}): Transform {
  const { fraction = 0.875, size } = options;
  check(typeof fraction === 'number' && fraction > 0 && fraction <= 1, 'centerCrop', 'fraction', 'a number in (0, 1]', fraction);
  return makeTransform('centerCrop', 0, (x) => {
    const o = (1 - fraction) / 2;
    const boxes = new Float32Array(x.shape[0] * 4);
    for (let i = 0; i < x.shape[0]; i++) boxes.set([o, o, 1 - o, 1 - o], i * 4);
    return cropBoxes(x, boxes, size ?? [x.shape[1], x.shape[2]]);
  });
}
