/**
 * Masking: random erasing (Zhong et al., 2020) and patch masks for inpainting (deck 000, "Inpainting" (Pathak,
 * 2016): remove a patch, regress its pixels) and masked image modelling (MAE: mask a large fraction of patches).
 *
 * Masks are [N,H,W,1] float tensors, 1 where a pixel is removed; `applyMask` fills removed pixels with `fill`:
 *   x̃ = (1 − M) ⊙ x + M ⊙ fill.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { checkProbability, checkRange, makeTransform, type Transform } from './transform.js';

/** x̃ = (1 − M)·x + M·fill for a mask M [N,H,W,1] (1 = removed). */
export function applyMask(x: tf.Tensor4D, mask: tf.Tensor4D, fill = 0): tf.Tensor4D {
  check(mask instanceof tf.Tensor && mask.rank === 4 && mask.shape[0] === x.shape[0] && mask.shape[1] === x.shape[1] && mask.shape[2] === x.shape[2] && mask.shape[3] === 1,
    'applyMask', 'mask', `a [${x.shape[0]}, ${x.shape[1]}, ${x.shape[2]}, 1] tensor`, mask);
  return tf.tidy(() => tf.add(tf.mul(tf.sub(1, mask), x), tf.mul(mask, fill)) as tf.Tensor4D);
}

/** Rectangle masks: one box [y, x, h, w] (pixels) per image → [N,H,W,1] (1 inside the box). */
export function boxMask(n: number, height: number, width: number, boxes: ArrayLike<number>): tf.Tensor4D {
  check(boxes.length === 4 * n, 'boxMask', 'boxes', `${4 * n} numbers ([y, x, h, w] per image)`, boxes.length);
  const m = new Float32Array(n * height * width);
  for (let i = 0; i < n; i++) {
    const [y0, x0, bh, bw] = [boxes[4 * i]!, boxes[4 * i + 1]!, boxes[4 * i + 2]!, boxes[4 * i + 3]!];
    for (let y = Math.max(0, y0); y < Math.min(height, y0 + bh); y++)
      for (let x = Math.max(0, x0); x < Math.min(width, x0 + bw); x++) m[(i * height + y) * width + x] = 1;
  }
  return tf.tensor4d(m, [n, height, width, 1]);
}

/** A centred square hole of side round(fraction·min(H,W)) in every image (the context encoder's central mask). */
export function centerMask(n: number, height: number, width: number, fraction = 0.5): tf.Tensor4D {
  check(fraction > 0 && fraction <= 1, 'centerMask', 'fraction', 'a number in (0, 1]', fraction);
  const s = Math.max(1, Math.round(fraction * Math.min(height, width)));
  const y = Math.floor((height - s) / 2), x = Math.floor((width - s) / 2);
  return boxMask(n, height, width, Array.from({ length: n }, () => [y, x, s, s]).flat());
}

/** A random square hole per image, side round(fraction·min(H,W)), anywhere inside the image. */
export function randomBoxMask(n: number, height: number, width: number, options: { fraction?: number; seed?: number } = {}): tf.Tensor4D {
  const { fraction = 0.5, seed = 0 } = options;
  check(fraction > 0 && fraction <= 1, 'randomBoxMask', 'fraction', 'a number in (0, 1]', fraction);
  const rng = new Rng(seed);
  const s = Math.max(1, Math.round(fraction * Math.min(height, width)));
  return boxMask(n, height, width, Array.from({ length: n }, () => [rng.int(height - s + 1), rng.int(width - s + 1), s, s]).flat());
}

/**
 * MAE-style patch mask: the image is cut into patchSize×patchSize patches and a random `ratio` of them (exactly
 * round(ratio·P) per image) is masked. H and W must be multiples of patchSize.
 */
export function patchMask(n: number, height: number, width: number, options: { patchSize?: number; ratio?: number; seed?: number } = {}): tf.Tensor4D {
  const { patchSize = 4, ratio = 0.75, seed = 0 } = options;
  check(Number.isInteger(patchSize) && patchSize > 0 && height % patchSize === 0 && width % patchSize === 0, 'patchMask', 'patchSize',
    `a positive integer dividing H=${height} and W=${width}`, patchSize);
  check(ratio >= 0 && ratio <= 1, 'patchMask', 'ratio', 'a fraction in [0, 1]', ratio);
  const rng = new Rng(seed);
  const ph = height / patchSize, pw = width / patchSize, p = ph * pw;
  const k = Math.round(ratio * p);
  const m = new Float32Array(n * height * width);
  for (let i = 0; i < n; i++) {
    for (const j of rng.sample(p, k)) {
      const py = Math.floor(j / pw) * patchSize, px = (j % pw) * patchSize;
      for (let y = py; y < py + patchSize; y++) for (let x = px; x < px + patchSize; x++) m[(i * height + y) * width + x] = 1;
    }
  }
  return tf.tensor4d(m, [n, height, width, 1]);
}

export interface RandomErasingOptions {
  /** Probability of erasing a box in each image (default 0.5). */
  p?: number;
  /** Box area as a fraction of the image (default [0.02, 0.33]). */
  scale?: [number, number];
  /** Box aspect ratio h/w (default [0.3, 3.3]). */
  ratio?: [number, number];
  /** Fill value in [0, 1], or 'random' for uniform noise (default 0). */
  value?: number | 'random';
  seed?: number;
}

/** Random erasing: with probability p, one random box per image is filled with `value`. */
export function randomErasing(options: RandomErasingOptions = {}): Transform {
  const where = 'randomErasing';
  const { p = 0.5, scale = [0.02, 0.33], ratio = [0.3, 3.3], value = 0, seed = 0 } = options;
  checkProbability(where, 'p', p);
  checkRange(where, 'scale', scale, 0, 1);
  checkRange(where, 'ratio', ratio, 1e-3, 1e3);
  check(value === 'random' || (typeof value === 'number' && value >= 0 && value <= 1), where, 'value', "a number in [0, 1] or 'random'", value);
  return makeTransform(where, seed, (x, rng) => {
    const [n, h, w] = x.shape;
    const boxes = new Array<number>(4 * n).fill(0);
    for (let i = 0; i < n; i++) {
      if (rng.uniform() >= p) continue;
      const area = rng.range(scale[0], scale[1]) * h * w;
      const r = Math.exp(rng.range(Math.log(ratio[0]), Math.log(ratio[1])));
      const bh = Math.min(h, Math.max(1, Math.round(Math.sqrt(area * r))));
      const bw = Math.min(w, Math.max(1, Math.round(Math.sqrt(area / r))));
      boxes.splice(4 * i, 4, rng.int(h - bh + 1), rng.int(w - bw + 1), bh, bw);
    }
    const mask = boxMask(n, h, w, boxes);
    if (value === 'random') {
      const noise = tf.randomUniform(x.shape, 0, 1, 'float32', rng.seed() || 1);
      return tf.add(tf.mul(tf.sub(1, mask), x), tf.mul(mask, noise)) as tf.Tensor4D;
    }
    return applyMask(x, mask, value);
  }, true);
}
