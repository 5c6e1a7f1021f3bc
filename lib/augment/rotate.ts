/**
 * Rotations by multiples of 90° (deck 000, "Classification of rotated images" (Gidaris, 2018): apply all
 * rotations 0°, 90°, 180°, 270° to each image and label them 0, 1, 2, 3). Counter-clockwise, as numpy's rot90.
 * Square images only (a 90° turn swaps height and width).
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { checkImages, makeTransform, selectPerSample, type Transform } from './transform.js';

function checkSquare(where: string, x: tf.Tensor4D): void {
  checkImages(where, x, true);
  check(x.shape[1] === x.shape[2], where, 'x', 'square images (H = W) for 90° rotations', x, 'crop or resize to a square first (randomResizedCrop({ size: [s, s] }))');
}

/** Rotate every image by k·90° counter-clockwise (k any integer). */
export function rot90(x: tf.Tensor4D, k: number): tf.Tensor4D {
  checkSquare('rot90', x);
  check(Number.isInteger(k), 'rot90', 'k', 'an integer number of quarter turns', k);
  const q = ((k % 4) + 4) % 4;
  return tf.tidy(() => {
    switch (q) {
      case 0:
        return tf.clone(x);
      case 1:
        return tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 1) as tf.Tensor4D;
      case 2:
        return tf.reverse(x, [1, 2]) as tf.Tensor4D;
      default:
        return tf.reverse(tf.transpose(x, [0, 2, 1, 3]), 2) as tf.Tensor4D;
    }
  });
}

/** Rotate image n by ks[n]·90° (per-image quarter turns). */
export function rotateBy(x: tf.Tensor4D, ks: ArrayLike<number>): tf.Tensor4D {
  checkSquare('rotateBy', x);
  check(ks.length === x.shape[0], 'rotateBy', 'ks', `${x.shape[0]} quarter-turn counts (one per image)`, ks.length);
  return tf.tidy(() => {
    let out: tf.Tensor4D = tf.zerosLike(x);
    for (let q = 0; q < 4; q++) {
      const m = Float32Array.from(ks, (k) => (((k % 4) + 4) % 4 === q ? 1 : 0));
      if (m.some((v) => v === 1)) out = tf.add(out, selectPerSample(m, rot90(x, q), tf.zerosLike(x))) as tf.Tensor4D;
    }
    return out;
  });
}

/**
 * RotNet's batch: every image in all four rotations, x [4N,H,W,C] (the N images at 0°, then at 90°, ...) and
 * labels y [4N] int32 in {0, 1, 2, 3}. Caller disposes both.
 */
export function allRotations(x: tf.Tensor4D): { x: tf.Tensor4D; y: tf.Tensor1D } {
  checkSquare('allRotations', x);
  const n = x.shape[0];
  return tf.tidy(() => {
    const xs = tf.concat([0, 1, 2, 3].map((k) => rot90(x, k)), 0) as tf.Tensor4D;
    const y = tf.tensor1d(Int32Array.from({ length: 4 * n }, (_, i) => Math.floor(i / n)), 'int32');
    return { x: xs, y };
  });
}

/** One random rotation per image: returns the rotated images and their labels (quarter turns). */
export function randomRotations(x: tf.Tensor4D, seed = 0): { x: tf.Tensor4D; y: tf.Tensor1D } {
  checkSquare('randomRotations', x);
  let labels = new Int32Array(0);
  const t = makeTransform('randomRotations', 0, (xx, rng) => {
    labels = Int32Array.from({ length: xx.shape[0] }, () => rng.int(4));
    return rotateBy(xx, labels);
  }, true);
  const out = t(x, seed);
  return { x: out, y: tf.tensor1d(labels, 'int32') };
}

/** A random quarter-turn per image as an augmentation (labels discarded). */
export function randomRotate90(options: { seed?: number } = {}): Transform {
  return makeTransform('randomRotate90', options.seed ?? 0, (x, rng) => {
    checkSquare('randomRotate90', x);
    return rotateBy(x, Int32Array.from({ length: x.shape[0] }, () => rng.int(4)));
  }, true);
}
