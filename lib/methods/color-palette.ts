/**
 * The fixed colour palette and the class rebalancing of colorization as classification (Zhang et al. 2016; deck
 * 000, "Pretext tasks based on images (2/3)": "pixel-wise classification head (with a fixed color palette)",
 * "weighted cross-entropy loss"). The ab plane of CIE Lab is cut into a grid of `binSize` × `binSize` cells; the
 * palette is the cells sRGB can reach (Zhang: 313 cells of size 10, 259 with
 * this grid and rounding; here 20 by default: 74 cells, measured). Each pixel's
 * class is the palette cell nearest to its (a, b). The loss weights the rare (saturated) colours up, from the
 * empirical class distribution p of the training set:
 *
 *   w_q ∝ ((1 − λ) p_q + λ/Q)^(−1),   normalised so that Σ_q p_q w_q = 1      (λ = 0.5)
 *
 *   L = −(1/(N·H·W)) Σ_{n,h,w} w_{q*} log P(q* | L channel)     q* the pixel's palette class
 *
 * (Zhang also smooths p with a Gaussian and soft-encodes the target over the 5 nearest cells; here the target is
 * the single nearest cell.)
 */
import { rgbToLab } from '../classical/color.js';
import { check } from '../util/errors.js';

export interface ColorPalette {
  /** ab centres of the cells, [Q, 2] row-major. */
  ab: Float32Array;
  /** Q. */
  size: number;
  binSize: number;
}

/** The in-gamut ab cells: every cell centre reached by some sRGB colour (sampled on a 32³ grid). */
export function abPalette(binSize = 20): ColorPalette {
  check(typeof binSize === 'number' && Number.isFinite(binSize) && binSize >= 2 && binSize <= 100, 'abPalette', 'binSize', 'a number in [2, 100] (Zhang et al.: 10)', binSize);
  const cells = new Set<string>();
  const steps = 32;
  for (let r = 0; r < steps; r++) for (let g = 0; g < steps; g++) for (let b = 0; b < steps; b++) {
    const [, a, bb] = rgbToLab(r / (steps - 1), g / (steps - 1), b / (steps - 1));
    cells.add(`${Math.round(a / binSize)},${Math.round(bb / binSize)}`);
  }
  const centres = [...cells].map((c) => c.split(',').map(Number) as [number, number]).sort((p, q) => p[0] - q[0] || p[1] - q[1]);
  const ab = new Float32Array(centres.length * 2);
  centres.forEach(([a, b], i) => { ab[2 * i] = a * binSize; ab[2 * i + 1] = b * binSize; });
  return { ab, size: centres.length, binSize };
}

/** The palette class of each pixel of RGB images (NHWC, values in [0, 1]): the nearest cell to its (a, b). */
export function abClasses(rgb: Float32Array, palette: ColorPalette): Int32Array {
  check(rgb instanceof Float32Array && rgb.length % 3 === 0, 'abClasses', 'rgb', 'a Float32Array of RGB triples (NHWC colour images)', rgb);
  const out = new Int32Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) {
    const [, a, b] = rgbToLab(rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!);
    let best = 0, bd = Infinity;
    for (let q = 0; q < palette.size; q++) {
      const d = (a - palette.ab[2 * q]!) ** 2 + (b - palette.ab[2 * q + 1]!) ** 2;
      if (d < bd) (bd = d, best = q);
    }
    out[i] = best;
  }
  return out;
}

/** Empirical class distribution p over the palette of the pixels of RGB images (sums to 1). */
export function abPrior(rgb: Float32Array, palette: ColorPalette): Float32Array {
  const cls = abClasses(rgb, palette);
  check(cls.length > 0, 'abPrior', 'rgb', 'at least one pixel', rgb.length);
  // count in integers, divide once: adding 1/n in float32 n times drifts (1.0024 for 256,000 pixels)
  const counts = new Float64Array(palette.size);
  for (const q of cls) counts[q]! += 1;
  return Float32Array.from(counts, (c) => c / cls.length);
}

/** Zhang's rebalancing weights w_q ∝ ((1 − λ)p_q + λ/Q)^(−1) with Σ_q p_q w_q = 1. */
export function rebalanceWeights(prior: ArrayLike<number>, lambda = 0.5): Float32Array {
  const where = 'rebalanceWeights';
  check(prior !== null && typeof prior === 'object' && prior.length >= 2, where, 'prior', 'a class distribution over the palette (e.g. abPrior(set.images, palette))', prior);
  check(typeof lambda === 'number' && lambda > 0 && lambda <= 1, where, 'lambda', 'a number in (0, 1] (Zhang et al.: 0.5; 1 = no rebalancing)', lambda);
  const q = prior.length;
  let total = 0;
  for (let i = 0; i < q; i++) {
    const v = prior[i]!;
    check(Number.isFinite(v) && v >= 0, where, 'prior', 'probabilities >= 0', `${v} for class ${i}`);
    total += v;
  }
  check(Math.abs(total - 1) < 1e-3, where, 'prior', 'probabilities summing to 1', total);
  const w = Float32Array.from({ length: q }, (_, i) => 1 / ((1 - lambda) * prior[i]! + lambda / q));
  let e = 0;
  for (let i = 0; i < q; i++) e += prior[i]! * w[i]!;
  for (let i = 0; i < q; i++) w[i]! /= e;
  return w;
}
