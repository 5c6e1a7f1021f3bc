/**
 * syntheticSegmentation: images of 1..maxObjects coloured shapes (later ones drawn over earlier ones) with a
 * per-pixel class mask, for segmentation exercises. Deterministic: same options, same bytes.
 */
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { hsvToRgb, paintShape, SHAPE_NAMES, type ShapeName } from './raster.js';
import { addNoise, checkRange, checkShapes, paintBackground } from './shapes.js';
import type { SegmentationSet } from './types.js';

export interface SegmentationOptions {
  n: number;
  /** Image side in pixels (default 32). */
  size?: number;
  seed?: number;
  /** Shape classes; mask value = 1 + index in this list (default all four). */
  shapes?: ShapeName[];
  /** Objects per image, drawn uniformly from [minObjects, maxObjects] (defaults 1 and 3). */
  minObjects?: number;
  maxObjects?: number;
  /** Circumradius as a fraction of half the side (default [0.15, 0.35]). */
  scale?: [number, number];
  /** Largest background brightness (default 0.2). */
  background?: number;
  /** Std of Gaussian pixel noise (default 0). */
  noise?: number;
  antialias?: boolean;
}

/**
 * `n` RGB images with masks: `masks[i*H*W + y*W + x]` is 0 for background or 1 + the class of the topmost shape
 * covering at least half of that pixel. `labels` holds the class with the most mask pixels in each image;
 * `factors.count` the number of objects drawn.
 */
export function syntheticSegmentation(options: SegmentationOptions): SegmentationSet {
  const where = 'syntheticSegmentation';
  const {
    n, size = 32, seed = 0, shapes = [...SHAPE_NAMES], minObjects = 1, maxObjects = 3, scale = [0.15, 0.35],
    background = 0.2, noise = 0, antialias = true,
  } = options;
  check(Number.isInteger(n) && n > 0, where, 'n', 'a positive integer', n);
  check(Number.isInteger(size) && size >= 8, where, 'size', 'an integer >= 8', size);
  checkShapes(where, shapes);
  check(Number.isInteger(minObjects) && minObjects >= 1, where, 'minObjects', 'an integer >= 1', minObjects);
  check(Number.isInteger(maxObjects) && maxObjects >= minObjects, where, 'maxObjects', `an integer >= minObjects (${minObjects})`, maxObjects);
  checkRange(where, 'scale', scale, 0.05, 1);
  check(background >= 0 && background <= 1, where, 'background', 'in [0, 1]', background);
  check(noise >= 0, where, 'noise', '>= 0', noise);
  const rng = new Rng(seed);
  const pixels = size * size;
  const images = new Float32Array(n * pixels * 3);
  const masks = new Int32Array(n * pixels);
  const labels = new Int32Array(n);
  const count = new Float32Array(n);
  const hist = new Int32Array(shapes.length + 1);
  for (let i = 0; i < n; i++) {
    const offset = i * pixels * 3;
    paintBackground(images, offset, pixels, rng, background);
    const objects = minObjects + rng.int(maxObjects - minObjects + 1);
    for (let j = 0; j < objects; j++) {
      const k = rng.int(shapes.length);
      const r = rng.range(scale[0], scale[1]) * (size / 2);
      const room = Math.max(0, size - 2 * r - 1);
      const cx = r + 0.5 + rng.uniform() * room;
      const cy = r + 0.5 + rng.uniform() * room;
      const rotation = rng.range(0, 2 * Math.PI);
      const color = hsvToRgb(rng.uniform(), 0.85, 1);
      paintShape(images, offset, size, { shape: shapes[k]!, cx, cy, r, rotation, color }, antialias, masks, i * pixels, k + 1);
    }
    addNoise(images, offset, pixels * 3, rng, noise);
    hist.fill(0);
    for (let p = 0; p < pixels; p++) hist[masks[i * pixels + p]!]!++;
    let best = 1;
    for (let c = 2; c <= shapes.length; c++) if (hist[c]! > hist[best]!) best = c;
    labels[i] = best - 1;
    count[i] = objects;
  }
  return {
    name: 'synthetic-segmentation', images, labels, masks, n, height: size, width: size, channels: 3,
    numClasses: shapes.length, classNames: [...shapes], maskClassNames: ['background', ...shapes], factors: { count },
  };
}
