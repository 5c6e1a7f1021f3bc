/**
 * Pipelines of transforms, and SimCLR's default augmentation (deck 000, "Data augmentation (2/2)" (Chen, 2020):
 * a serial composition of random crop and flip then resize, random colour distortion (jitter with probability
 * 0.8, drop with probability 0.2), and random Gaussian blur).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { gaussianBlur } from './blur.js';
import { colorJitter, grayscale } from './color.js';
import { randomResizedCrop } from './crop.js';
import { randomFlip } from './flip.js';
import { checkProbability, makeTransform, mixSeed, selectPerSample, type Transform } from './transform.js';

/** A pipeline stage: a transform, or a transform applied to each image with probability p. */
export type Stage = Transform | { transform: Transform; p: number };

/**
 * Apply `stages` in order. A stage `{ transform, p }` is applied to each image independently with probability p
 * (the transform runs on the whole batch and each image keeps either result; it must keep the shape). Each
 * stage gets its own seed derived from the call's seed, so the pipeline is deterministic per seed.
 */
export function compose(stages: Stage[], options: { seed?: number; name?: string } = {}): Transform {
  const where = 'compose';
  check(Array.isArray(stages), where, 'stages', 'a list of transforms or { transform, p } objects', stages);
  stages.forEach((s, i) => {
    const t = typeof s === 'function' ? s : s?.transform;
    check(typeof t === 'function', where, `stages[${i}]`, 'a Transform (from lib/augment) or { transform, p }', s);
    if (typeof s !== 'function') checkProbability(where, `stages[${i}].p`, s.p);
  });
  return makeTransform(options.name ?? where, options.seed ?? 0, (x, rng) => {
    let y: tf.Tensor4D = x;
    stages.forEach((s, i) => {
      const seed = mixSeed(rng.seed(), i);
      if (typeof s === 'function') y = s(y, seed);
      else {
        const m = Float32Array.from({ length: y.shape[0] }, () => (rng.uniform() < s.p ? 1 : 0));
        if (m.every((v) => v === 0)) return;
        const t = s.transform(y, seed);
        check(t.shape.join() === y.shape.join(), where, `stages[${i}]`, 'a transform that keeps the image shape when used with a probability', t.shape);
        y = selectPerSample(m, t, y);
      }
    });
    return y === x ? x.clone() : y;
  }, true);
}

export interface SimclrAugmentOptions {
  /** Output [height, width] (default: the input's). */
  size?: [number, number];
  /** Colour distortion strength s: jitter (0.8s, 0.8s, 0.8s, 0.2s) (default 0.5, SimCLR's CIFAR setting). */
  strength?: number;
  /** Crop area range (default [0.2, 1]: small images lose too much with SimCLR's ImageNet 0.08). */
  scale?: [number, number];
  /** Turn parts off for ablations (default all on); `blur` also accepts its probability (default 0.5). */
  crop?: boolean;
  flip?: boolean;
  color?: boolean;
  /** Probability of the colour jitter (default 0.8) and of colour drop (default 0.2). */
  jitterP?: number;
  grayP?: number;
  blur?: boolean | number;
  seed?: number;
}

/**
 * SimCLR's augmentation: random resized crop → flip → colour jitter (p = 0.8) → greyscale (p = 0.2) → Gaussian
 * blur (p = 0.5, σ ∈ [0.1, 2]). `simclrAugment()(x, seed)` gives one view; call twice with different seeds for
 * a positive pair.
 */
export function simclrAugment(options: SimclrAugmentOptions = {}): Transform {
  const where = 'simclrAugment';
  const { size, strength = 0.5, scale = [0.2, 1], crop = true, flip = true, color = true, jitterP = 0.8, grayP = 0.2, blur = 0.5, seed = 0 } = options;
  check(typeof strength === 'number' && strength >= 0 && Number.isFinite(strength), where, 'strength', 'a non-negative number (SimCLR uses 0.5 to 1)', strength);
  const blurP = blur === true ? 0.5 : blur === false ? 0 : blur;
  checkProbability(where, 'blur', blurP);
  const stages: Stage[] = [];
  if (crop) stages.push(randomResizedCrop({ size, scale }));
  else if (size) stages.push(randomResizedCrop({ size, scale: [1, 1], ratio: [1, 1] }));
  if (flip) stages.push(randomFlip());
  if (color && strength > 0) stages.push({ transform: colorJitter({ brightness: 0.8 * strength, contrast: 0.8 * strength, saturation: 0.8 * strength, hue: Math.min(0.5, 0.2 * strength) }), p: jitterP });
  if (color) stages.push({ transform: grayscale(), p: grayP });
  if (blurP > 0) stages.push({ transform: gaussianBlur(), p: blurP });
  return compose(stages, { seed, name: where });
}
