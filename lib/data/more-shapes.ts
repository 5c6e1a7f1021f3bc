/**
 * Eleven more shapes for the rasteriser (lib/data/raster.ts), so that a shapes task can have more than four
 * classes (Homework 2's many-class task: ten classes, plus disjoint ones for pre-training). Each is distinct from
 * the others under any rotation and fits in the circle of circumradius r, like the four originals. Signed distances
 * (negative inside, in the units of r) are exact for the polygons (Inigo Quilez's sdPolygon) and for the ring;
 * the half disk and the crescent combine two exact distances with max (a bound with the right sign and the right
 * value near the edge, which is all the anti-aliasing needs).
 */

export const EXTRA_SHAPE_NAMES = ['pentagon', 'hexagon', 'star', 'ring', 'halfdisk', 'bar', 'ell', 'tee', 'arrow', 'diamond', 'crescent'] as const;
export type ExtraShapeName = (typeof EXTRA_SHAPE_NAMES)[number];

type Poly = readonly (readonly [number, number])[];

const regular = (k: number, radius = 1, phase = Math.PI / 2): Poly =>
  Array.from({ length: k }, (_, i) => [radius * Math.cos(phase + (2 * Math.PI * i) / k), radius * Math.sin(phase + (2 * Math.PI * i) / k)] as const);

/** Vertices for circumradius 1 (y up). */
const POLYGONS: Partial<Record<ExtraShapeName, Poly>> = {
  pentagon: regular(5),
  hexagon: regular(6),
  star: Array.from({ length: 10 }, (_, i) => {
    const rad = i % 2 === 0 ? 1 : 0.45, a = Math.PI / 2 + (Math.PI * i) / 5;
    return [rad * Math.cos(a), rad * Math.sin(a)] as const;
  }),
  ell: [[-0.6, -0.75], [0.6, -0.75], [0.6, -0.33], [-0.18, -0.33], [-0.18, 0.75], [-0.6, 0.75]],
  tee: [[-0.7, 0.7], [0.7, 0.7], [0.7, 0.3], [0.2, 0.3], [0.2, -0.9], [-0.2, -0.9], [-0.2, 0.3], [-0.7, 0.3]],
  arrow: [[-0.92, -0.2], [0.15, -0.2], [0.15, -0.62], [0.95, 0], [0.15, 0.62], [0.15, 0.2], [-0.92, 0.2]],
  diamond: [[0, 1], [0.55, 0], [0, -1], [-0.55, 0]],
  bar: [[-0.92, -0.25], [0.92, -0.25], [0.92, 0.25], [-0.92, 0.25]],
};

/** Exact signed distance from (x, y) to a simple polygon (negative inside); Inigo Quilez's sdPolygon. */
export function polygonSdf(v: Poly, x: number, y: number): number {
  let d = (x - v[0]![0]) ** 2 + (y - v[0]![1]) ** 2;
  let s = 1;
  for (let i = 0, j = v.length - 1; i < v.length; j = i, i++) {
    const [vix, viy] = v[i]!, [vjx, vjy] = v[j]!;
    const ex = vjx - vix, ey = vjy - viy, wx = x - vix, wy = y - viy;
    const t = Math.min(Math.max((wx * ex + wy * ey) / (ex * ex + ey * ey), 0), 1);
    const bx = wx - ex * t, by = wy - ey * t;
    d = Math.min(d, bx * bx + by * by);
    const c1 = y >= viy, c2 = y < vjy, c3 = ex * wy > ey * wx;
    if ((c1 && c2 && c3) || (!c1 && !c2 && !c3)) s = -s;
  }
  return s * Math.sqrt(d);
}

/** Signed distance to an extra shape of circumradius r at (x, y) in the shape's frame (y up). */
export function extraShapeSdf(shape: ExtraShapeName, x: number, y: number, r: number): number {
  const poly = POLYGONS[shape];
  if (poly) return r * polygonSdf(poly, x / r, y / r);
  switch (shape) {
    case 'ring': // annulus, radii 0.38r and 0.86r
      return Math.abs(Math.hypot(x, y) - 0.62 * r) - 0.24 * r;
    case 'halfdisk': // disk of radius 0.95r centred 0.3r below the origin, upper half
      return Math.max(Math.hypot(x, y + 0.3 * r) - 0.95 * r, -(y + 0.3 * r));
    case 'crescent': // disk of radius 0.85r minus a disk of radius 0.7r shifted by 0.45r
      return Math.max(Math.hypot(x, y) - 0.85 * r, 0.7 * r - Math.hypot(x - 0.45 * r, y));
    default:
      throw new Error(`extraShapeSdf: unknown shape '${String(shape)}'`);
  }
}
