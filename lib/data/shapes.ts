/**
 * syntheticShapes: coloured shapes on a dark background with known generative factors (shape, hue, scale,
 * position, rotation), for disentanglement and probing exercises. Deterministic: same options, same bytes.
 */
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { ALL_SHAPE_NAMES, hsvToRgb, paintShape, SHAPE_NAMES, type ShapeName } from './raster.js';
import type { ImageSet } from './types.js';

export interface ShapesOptions {
  /** Number of images. */
  n: number;
  /** Image side in pixels (default 32). */
  size?: number;
  /** Seed (default 0). */
  seed?: number;
  /** Shapes to draw; label = index in this list (default ['circle', 'square', 'triangle', 'cross']). */
  shapes?: ShapeName[];
  /** Hue range in [0, 1] (default [0, 1]: every colour). */
  hue?: [number, number];
  /** Circumradius as a fraction of half the image side (default [0.3, 0.6]). */
  scale?: [number, number];
  /** Rotation range in radians (default [0, 2*pi]). */
  rotation?: [number, number];
  /** Centre position range, as a fraction of the room left once the shape fits inside (default [0, 1]). */
  position?: [number, number];
  /** Colour saturation of the shapes (default 0.85). */
  saturation?: number;
  /** Largest background brightness; each image gets a dark, slightly tinted background in [0, this] (default 0.2). */
  background?: number;
  /** Std of Gaussian pixel noise added everywhere (default 0). */
  noise?: number;
  /** Anti-aliased edges (default true). */
  antialias?: boolean;
}

/** Check a [lo, hi] range option lies within [min, max]. */
export function checkRange(where: string, name: string, r: [number, number], min: number, max: number): void {
  check(
    Array.isArray(r) && r.length === 2 && Number.isFinite(r[0]) && Number.isFinite(r[1]) && r[0] <= r[1] && r[0] >= min && r[1] <= max,
    where, name, `a range [lo, hi] with ${min} <= lo <= hi <= ${max}`, r,
  );
}

/** Check the shapes option: a non-empty list of distinct known shape names. */
export function checkShapes(where: string, shapes: readonly ShapeName[]): void {
  check(
    Array.isArray(shapes) && shapes.length > 0 && new Set(shapes).size === shapes.length && shapes.every((s) => ALL_SHAPE_NAMES.includes(s)),
    where, 'shapes', `a non-empty list of distinct names from ${ALL_SHAPE_NAMES.join(', ')}`, shapes,
  );
}

/** Fill one HWC RGB image with a dark, slightly tinted uniform colour of brightness up to `max`. */
export function paintBackground(images: Float32Array, offset: number, pixels: number, rng: Rng, max: number): void {
  const b = rng.range(0, max);
  const r = b * rng.range(0.8, 1.2), g = b * rng.range(0.8, 1.2), bl = b * rng.range(0.8, 1.2);
  for (let p = 0; p < pixels; p++) {
    const o = offset + 3 * p;
    images[o] = r;
    images[o + 1] = g;
    images[o + 2] = bl;
  }
}

/** Add N(0, std) noise to `count` values from `offset`, clamped to [0, 1]. */
export function addNoise(images: Float32Array, offset: number, count: number, rng: Rng, std: number): void {
  if (std <= 0) return;
  for (let i = offset; i < offset + count; i++) images[i] = Math.min(1, Math.max(0, images[i]! + rng.normal(0, std)));
}

/**
 * `n` RGB images of one shape each. Labels are shape indices; `factors` holds, per image: `shape` (index),
 * `hue` [0, 1), `scale` (circumradius / half the side), `x` and `y` (centre / side, y down), `rotation`
 * (radians; only meaningful modulo the shape's symmetry: 90° square/cross, 120° triangle, any for circle).
 */
export function syntheticShapes(options: ShapesOptions): ImageSet {
  const where = 'syntheticShapes';
  const {
    n, size = 32, seed = 0, shapes = [...SHAPE_NAMES], hue = [0, 1], scale = [0.3, 0.6], rotation = [0, 2 * Math.PI],
    position = [0, 1], saturation = 0.85, background = 0.2, noise = 0, antialias = true,
  } = options;
  check(Number.isInteger(n) && n > 0, where, 'n', 'a positive integer', n);
  check(Number.isInteger(size) && size >= 8, where, 'size', 'an integer >= 8', size);
  checkShapes(where, shapes);
  checkRange(where, 'hue', hue, 0, 1);
  checkRange(where, 'scale', scale, 0.05, 1);
  checkRange(where, 'rotation', rotation, -1e6, 1e6);
  checkRange(where, 'position', position, 0, 1);
  check(saturation >= 0 && saturation <= 1, where, 'saturation', 'in [0, 1]', saturation);
  check(background >= 0 && background <= 1, where, 'background', 'in [0, 1]', background);
  check(noise >= 0, where, 'noise', '>= 0', noise);
  const rng = new Rng(seed);
  const pixels = size * size;
  const images = new Float32Array(n * pixels * 3);
  const labels = new Int32Array(n);
  const f = {
    shape: new Float32Array(n), hue: new Float32Array(n), scale: new Float32Array(n),
    x: new Float32Array(n), y: new Float32Array(n), rotation: new Float32Array(n),
  };
  const half = size / 2;
  for (let i = 0; i < n; i++) {
    const k = rng.int(shapes.length);
    const h = rng.range(hue[0], hue[1]);
    const s = rng.range(scale[0], scale[1]);
    const rot = rng.range(rotation[0], rotation[1]);
    const r = s * half;
    const room = Math.max(0, size - 2 * r - 1);
    const cx = r + 0.5 + rng.range(position[0], position[1]) * room;
    const cy = r + 0.5 + rng.range(position[0], position[1]) * room;
    const offset = i * pixels * 3;
    paintBackground(images, offset, pixels, rng, background);
    paintShape(images, offset, size, { shape: shapes[k]!, cx, cy, r, rotation: rot, color: hsvToRgb(h, saturation, 1) }, antialias);
    addNoise(images, offset, pixels * 3, rng, noise);
    labels[i] = k;
    f.shape[i] = k;
    f.hue[i] = h;
    f.scale[i] = s;
    f.x[i] = cx / size;
    f.y[i] = cy / size;
    f.rotation[i] = rot;
  }
  return {
    name: 'synthetic-shapes', images, labels, n, height: size, width: size, channels: 3,
    numClasses: shapes.length, classNames: [...shapes], factors: f,
  };
}
