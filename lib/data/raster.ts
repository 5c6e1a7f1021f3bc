/**
 * Pure-JS rasterisation of simple shapes with signed distance functions (SDFs): a pixel's coverage is
 * clamp(0.5 - d, 0, 1) for its centre's signed distance d (in pixels) to the shape's edge, which anti-aliases
 * edges at the cost of one SDF evaluation per pixel.
 */

import { EXTRA_SHAPE_NAMES, extraShapeSdf, type ExtraShapeName } from './more-shapes.js';

export type ShapeName = 'circle' | 'square' | 'triangle' | 'cross' | ExtraShapeName;
/** The four default shapes (the default `shapes` of the synthetic sets). */
export const SHAPE_NAMES: readonly ShapeName[] = ['circle', 'square', 'triangle', 'cross'];
/** Every shape the rasteriser draws: the four defaults, then the eleven of lib/data/more-shapes.ts. */
export const ALL_SHAPE_NAMES: readonly ShapeName[] = [...SHAPE_NAMES, ...EXTRA_SHAPE_NAMES];

/** One shape to draw: centre (pixels), circumradius r (pixels; the shape fits in the circle of radius r). */
export interface ShapeInstance {
  shape: ShapeName;
  cx: number;
  cy: number;
  r: number;
  /** Radians, counter-clockwise as seen on screen. */
  rotation: number;
  color: readonly [number, number, number];
}

const SQRT3 = Math.sqrt(3);

function boxSdf(x: number, y: number, hx: number, hy: number): number {
  const qx = Math.abs(x) - hx;
  const qy = Math.abs(y) - hy;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0);
}

/**
 * Signed distance (negative inside) from the point (x, y) in the shape's own frame (y up) to a shape of
 * circumradius r. Sizes: circle radius 0.8r, square half-side r/sqrt(2), equilateral triangle with its
 * vertices on the circle (pointing up), cross of arms 0.92r long and 0.3r half-thick (similar areas).
 */
export function shapeSdf(shape: ShapeName, x: number, y: number, r: number): number {
  switch (shape) {
    case 'circle':
      return Math.hypot(x, y) - 0.8 * r;
    case 'square':
      return boxSdf(x, y, r * Math.SQRT1_2, r * Math.SQRT1_2);
    case 'cross':
      return Math.min(boxSdf(x, y, 0.92 * r, 0.3 * r), boxSdf(x, y, 0.3 * r, 0.92 * r));
    case 'triangle': {
      // Inigo Quilez's equilateral triangle (half side h = r*sqrt(3)/2, centroid at the origin).
      const h = (r * SQRT3) / 2;
      let px = Math.abs(x) - h;
      let py = y + h / SQRT3;
      if (px + SQRT3 * py > 0) {
        const nx = (px - SQRT3 * py) / 2;
        py = (-SQRT3 * px - py) / 2;
        px = nx;
      }
      px -= Math.min(Math.max(px, -2 * h), 0);
      return -Math.hypot(px, py) * Math.sign(py);
    }
    default:
      return extraShapeSdf(shape, x, y, r);
  }
}

/** HSV (each in [0, 1]) to RGB in [0, 1]. */
export function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const i = Math.floor(h * 6);
  const f = h * 6 - i;
  const p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
  switch (((i % 6) + 6) % 6) {
    case 0: return [v, t, p];
    case 1: return [q, v, p];
    case 2: return [p, v, t];
    case 3: return [p, q, v];
    case 4: return [t, p, v];
    default: return [v, p, q];
  }
}

/**
 * Draw `inst` over an RGB image of size x size at `images[offset...]` (HWC), blending by coverage. When `mask`
 * is given, pixels covered by at least half are set to `maskValue` at `mask[maskOffset + y*size + x]`.
 */
export function paintShape(
  images: Float32Array,
  offset: number,
  size: number,
  inst: ShapeInstance,
  antialias = true,
  mask?: Int32Array,
  maskOffset = 0,
  maskValue = 1,
): void {
  const { shape, cx, cy, r, rotation, color } = inst;
  const cos = Math.cos(rotation), sin = Math.sin(rotation);
  const x0 = Math.max(0, Math.floor(cx - r - 1)), x1 = Math.min(size - 1, Math.ceil(cx + r + 1));
  const y0 = Math.max(0, Math.floor(cy - r - 1)), y1 = Math.min(size - 1, Math.ceil(cy + r + 1));
  const [cr, cg, cb] = color;
  for (let py = y0; py <= y1; py++) {
    const dy = cy - (py + 0.5); // y up
    for (let px = x0; px <= x1; px++) {
      const dx = px + 0.5 - cx;
      // into the shape's frame: rotate by -rotation
      const lx = cos * dx + sin * dy;
      const ly = -sin * dx + cos * dy;
      const d = shapeSdf(shape, lx, ly, r);
      const a = antialias ? Math.min(Math.max(0.5 - d, 0), 1) : d <= 0 ? 1 : 0;
      if (a <= 0) continue;
      const o = offset + (py * size + px) * 3;
      images[o] = images[o]! * (1 - a) + cr * a;
      images[o + 1] = images[o + 1]! * (1 - a) + cg * a;
      images[o + 2] = images[o + 2]! * (1 - a) + cb * a;
      if (mask && a >= 0.5) mask[maskOffset + py * size + px] = maskValue;
    }
  }
}
