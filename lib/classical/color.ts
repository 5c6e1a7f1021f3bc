/**
 * Hand-made colour representations (deck 000, "Example of representation": images represented by their dominant
 * colour — is this a good representation? — and "Disentanglement": RGB, HSV and LAB spaces).
 *
 * - RGB: red, green, blue intensities (sRGB, in [0, 1]).
 * - HSV: hue h ∈ [0, 1) (the angle on the colour wheel / 360°), saturation s = (max − min)/max, value v = max.
 *   Hue, purity and brightness each get their own axis.
 * - CIE L*a*b* (D65 white): lightness L* ∈ [0, 100] (black–white), a* (green–red), b* (blue–yellow):
 *   linearise sRGB (c ≤ 0.04045 ? c/12.92 : ((c + 0.055)/1.055)^2.4), XYZ = M·rgb_lin, then
 *   L* = 116 f(Y/Yn) − 16, a* = 500 (f(X/Xn) − f(Y/Yn)), b* = 200 (f(Y/Yn) − f(Z/Zn)),
 *   f(t) = t^(1/3) if t > (6/29)³ else t/(3 (6/29)²) + 4/29.
 */
import { hsvToRgb } from '../data/raster.js';
import type { Features, PixelSource } from '../linalg/features.js';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';

export type ColorSpace = 'rgb' | 'hsv' | 'lab';
export const COLOR_SPACES: readonly ColorSpace[] = ['rgb', 'hsv', 'lab'];

/** sRGB in [0, 1] → [h, s, v], h ∈ [0, 1) (0 = red, 1/3 = green, 2/3 = blue); grey has h = s = 0. */
export function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b), min = Math.min(r, g, b);
  const c = max - min;
  let h = 0;
  if (c > 0) {
    if (max === r) h = ((g - b) / c) % 6;
    else if (max === g) h = (b - r) / c + 2;
    else h = (r - g) / c + 4;
    h /= 6;
    if (h < 0) h += 1;
  }
  return [h, max > 0 ? c / max : 0, max];
}

const D65 = [0.95047, 1.0, 1.08883] as const;
const linear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const labF = (t: number) => (t > (6 / 29) ** 3 ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29);

/** sRGB in [0, 1] → CIE L*a*b* (D65): L* ∈ [0, 100], a*, b* roughly in [−128, 127]. */
export function rgbToLab(r: number, g: number, b: number): [number, number, number] {
  const R = linear(r), G = linear(g), B = linear(b);
  const X = 0.4124564 * R + 0.3575761 * G + 0.1804375 * B;
  const Y = 0.2126729 * R + 0.7151522 * G + 0.072175 * B;
  const Z = 0.0193339 * R + 0.119192 * G + 0.9503041 * B;
  const fx = labF(X / D65[0]), fy = labF(Y / D65[1]), fz = labF(Z / D65[2]);
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** Convert interleaved RGB triples (…, r, g, b, …: an NHWC image array or an N×3 feature matrix) to `space`. */
export function convertColors(rgb: Float32Array, space: ColorSpace): Float32Array {
  check(rgb instanceof Float32Array && rgb.length % 3 === 0, 'convertColors', 'rgb', 'a Float32Array of RGB triples (length a multiple of 3)', rgb,
    'pass 3-channel images (set.images of an RGB set) or N×3 colours');
  check(COLOR_SPACES.includes(space), 'convertColors', 'space', "'rgb', 'hsv' or 'lab'", space);
  if (space === 'rgb') return rgb.slice();
  const out = new Float32Array(rgb.length);
  const fn = space === 'hsv' ? rgbToHsv : rgbToLab;
  for (let i = 0; i < rgb.length; i += 3) out.set(fn(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!), i);
  return out;
}

export interface DominantColorOptions {
  /** Quantisation levels per RGB channel (default 8: 512 colour bins). */
  bins?: number;
  /** Colour space of the result (default 'rgb'). */
  space?: ColorSpace;
  /** Ignore pixels whose max channel is below this (e.g. 0.25 skips a dark background; default 0). */
  minBrightness?: number;
}

/**
 * Each image represented by its dominant colour: pixels are binned on a bins³ RGB grid, and the representation is
 * the mean colour of the most populated bin (ties: the lower bin index), converted to `space`. N×3 features.
 * Images with no pixel above `minBrightness` get black (0, 0, 0 in RGB).
 */
export function dominantColor(set: PixelSource, options: DominantColorOptions = {}): Features {
  const where = 'dominantColor';
  check(set !== null && typeof set === 'object' && set.images instanceof Float32Array, where, 'set', 'an ImageSet', set);
  check(set.channels === 3, where, 'set.channels', '3 (RGB images)', set.channels, 'use a colour set such as syntheticShapes (Fashion-MNIST is grey)');
  const { bins = 8, space = 'rgb', minBrightness = 0 } = options;
  check(Number.isInteger(bins) && bins >= 1 && bins <= 64, where, 'bins', 'an integer in [1, 64]', bins);
  check(COLOR_SPACES.includes(space), where, 'space', "'rgb', 'hsv' or 'lab'", space);
  const pixels = set.height * set.width;
  const count = new Int32Array(bins ** 3);
  const sum = new Float64Array(bins ** 3 * 3);
  const out = new Float32Array(set.n * 3);
  const q = (v: number) => Math.min(bins - 1, Math.max(0, Math.floor(v * bins)));
  for (let i = 0; i < set.n; i++) {
    count.fill(0);
    sum.fill(0);
    let best = -1;
    for (let p = 0; p < pixels; p++) {
      const o = (i * pixels + p) * 3;
      const r = set.images[o]!, g = set.images[o + 1]!, b = set.images[o + 2]!;
      if (Math.max(r, g, b) < minBrightness) continue;
      const bin = (q(r) * bins + q(g)) * bins + q(b);
      count[bin]!++;
      sum[bin * 3]! += r;
      sum[bin * 3 + 1]! += g;
      sum[bin * 3 + 2]! += b;
      if (best < 0 || count[bin]! > count[best]! || (count[bin] === count[best] && bin < best)) best = bin;
    }
    if (best >= 0) for (let c = 0; c < 3; c++) out[i * 3 + c] = sum[best * 3 + c]! / count[best]!;
  }
  return { data: convertColors(out, space), n: set.n, dim: 3 };
}

export interface ColorSet {
  /** N×3 sRGB colours in [0, 1]. */
  rgb: Features;
  /** The generative factors of each colour: hue ∈ [0, 1), saturation, value (brightness). */
  factors: { hue: Float32Array; saturation: Float32Array; value: Float32Array };
}

/**
 * The synthetic colour set: n colours with independent uniform factors hue ∈ [0, 1), saturation ∈ [0.2, 1],
 * value ∈ [0.2, 1], rendered to sRGB. Seeded.
 */
export function randomColors({ n, seed = 0 }: { n: number; seed?: number }): ColorSet {
  check(Number.isInteger(n) && n > 0, 'randomColors', 'n', 'a positive integer', n);
  const rng = new Rng(seed);
  const rgb = new Float32Array(n * 3);
  const hue = new Float32Array(n), saturation = new Float32Array(n), value = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    hue[i] = rng.uniform();
    saturation[i] = rng.range(0.2, 1);
    value[i] = rng.range(0.2, 1);
    rgb.set(hsvToRgb(hue[i]!, saturation[i]!, value[i]!), i * 3);
  }
  return { rgb: { data: rgb, n, dim: 3 }, factors: { hue, saturation, value } };
}
