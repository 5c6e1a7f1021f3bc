/**
 * Colour distortions (deck 000, "Data augmentation (2/2)": colour distortion by jitter or drop; SimCLR uses
 * jitter with probability 0.8 and drop — greyscale — with probability 0.2).
 *
 * colour jitter, per image, in this fixed order (each result clipped to [0, 1]):
 *   brightness  x ← b·x,                      b ~ U[max(0, 1−B), 1+B]
 *   contrast    x ← c·x + (1−c)·mean(gray(x)), c ~ U[max(0, 1−C), 1+C]
 *   saturation  x ← s·x + (1−s)·gray(x),      s ~ U[max(0, 1−S), 1+S]
 *   hue         rotate the chroma (I, Q) of x in YIQ space by 2π·h, h ~ U[−H, H]
 * Grey images (C = 1) get brightness and contrast only (they have no saturation or hue).
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import { checkProbability, luma, makeTransform, perSample, selectPerSample, type Transform } from './transform.js';

export interface ColorJitterOptions {
  /** Strength of each distortion (default 0.4, 0.4, 0.4, 0.1 — SimCLR's 0.8·s, 0.8·s, 0.8·s, 0.2·s at s = 0.5). */
  brightness?: number;
  contrast?: number;
  saturation?: number;
  /** Hue shift range as a fraction of the colour wheel, in [0, 0.5]. */
  hue?: number;
  seed?: number;
}

const RGB_TO_YIQ = [0.299, 0.587, 0.114, 0.595716, -0.274453, -0.321263, 0.211456, -0.522591, 0.311135];
const YIQ_TO_RGB = invert3(RGB_TO_YIQ);

function invert3(m: number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [A, -(b * i - c * h), b * f - c * e, B, a * i - c * g, -(a * f - c * d), C, -(a * h - b * g), a * e - b * d].map((v) => v / det);
}

function mul3(p: number[], q: number[]): number[] {
  const out = new Array<number>(9).fill(0);
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c]! += p[r * 3 + k]! * q[k * 3 + c]!;
  return out;
}

/** n factors ~ U[max(0, 1 − strength), 1 + strength]. */
function drawFactors(n: number, rng: Rng, strength: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.range(Math.max(0, 1 - strength), 1 + strength));
}

/** Rotate the hue of RGB images by per-sample fractions of the colour wheel (YIQ chroma rotation). */
export function rotateHue(x: tf.Tensor4D, shifts: Float32Array): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  check(c === 3, 'rotateHue', 'x', 'RGB images (3 channels)', x);
  check(shifts.length === n, 'rotateHue', 'shifts', `${n} values (one per image)`, shifts.length);
  const mats = new Float32Array(n * 9);
  for (let i = 0; i < n; i++) {
    const t = 2 * Math.PI * shifts[i]!;
    const rot = [1, 0, 0, 0, Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t)];
    const m = mul3(YIQ_TO_RGB, mul3(rot, RGB_TO_YIQ));
    // pixels are row vectors: p' = p · Mᵀ
    for (let r = 0; r < 3; r++) for (let cc = 0; cc < 3; cc++) mats[i * 9 + r * 3 + cc] = m[cc * 3 + r]!;
  }
  return tf.tidy(() => {
    const flat = tf.reshape(x, [n, h * w, 3]) as tf.Tensor3D;
    const out = tf.matMul(flat, tf.tensor3d(mats, [n, 3, 3]));
    return tf.clipByValue(tf.reshape(out, [n, h, w, 3]), 0, 1) as tf.Tensor4D;
  });
}

export function colorJitter(options: ColorJitterOptions = {}): Transform {
  const where = 'colorJitter';
  const { brightness = 0.4, contrast = 0.4, saturation = 0.4, hue = 0.1, seed = 0 } = options;
  for (const [k, v] of [['brightness', brightness], ['contrast', contrast], ['saturation', saturation]] as const)
    check(typeof v === 'number' && v >= 0 && Number.isFinite(v), where, k, 'a non-negative number (0 = off)', v);
  check(typeof hue === 'number' && hue >= 0 && hue <= 0.5, where, 'hue', 'a number in [0, 0.5] (fraction of the colour wheel)', hue);
  return makeTransform(where, seed, (x, rng) => {
    const n = x.shape[0];
    const rgb = x.shape[3] === 3;
    // every factor is drawn whether used or not, so turning one distortion off leaves the others' draws unchanged
    const fb = drawFactors(n, rng, brightness), fc = drawFactors(n, rng, contrast), fs = drawFactors(n, rng, saturation);
    const fh = Float32Array.from({ length: n }, () => rng.range(-hue, hue));
    let y: tf.Tensor4D = x;
    if (brightness > 0) y = tf.clipByValue(tf.mul(y, perSample(fb)), 0, 1) as tf.Tensor4D;
    if (contrast > 0) {
      const c = perSample(fc);
      const m = tf.mean(luma(y), [1, 2, 3], true);
      y = tf.clipByValue(tf.add(tf.mul(c, y), tf.mul(tf.sub(1, c), m)), 0, 1) as tf.Tensor4D;
    }
    if (rgb && saturation > 0) {
      const s = perSample(fs);
      y = tf.clipByValue(tf.add(tf.mul(s, y), tf.mul(tf.sub(1, s), luma(y))), 0, 1) as tf.Tensor4D;
    }
    if (rgb && hue > 0) y = rotateHue(y, fh);
    return y === x ? tf.clone(x) : y;
  });
}

/** Colour drop: replace each image by its greyscale (luma), keeping the number of channels. */
export function grayscale(): Transform {
  return makeTransform('grayscale', 0, (x) => {
    if (x.shape[3] === 1) return tf.clone(x);
    return tf.tile(luma(x), [1, 1, 1, 3]) as tf.Tensor4D;
  });
}

/** Greyscale each image with probability p (SimCLR: 0.2). */
export function randomGrayscale(options: { p?: number; seed?: number } = {}): Transform {
  const { p = 0.2, seed = 0 } = options;
  checkProbability('randomGrayscale', 'p', p);
  const grey = grayscale();
  return makeTransform('randomGrayscale', seed, (x, rng) => {
    const m = Float32Array.from({ length: x.shape[0] }, () => (rng.uniform() < p ? 1 : 0));
    return selectPerSample(m, grey(x), x);
  });
}
