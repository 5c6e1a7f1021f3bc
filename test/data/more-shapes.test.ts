import { describe, expect, it } from 'vitest';
import { ALL_SHAPE_NAMES, EXTRA_SHAPE_NAMES, polygonSdf, syntheticSegmentation, syntheticShapes } from '../../lib/data/index.js';
import { shapeSdf } from '../../lib/data/raster.js';

describe('polygonSdf', () => {
  it('is the exact signed distance to a polygon (values by hand for the square [-1, 1]²)', () => {
    const sq = [[-1, -1], [1, -1], [1, 1], [-1, 1]] as const;
    expect(polygonSdf(sq, 0, 0)).toBeCloseTo(-1, 12);
    expect(polygonSdf(sq, 0.5, 0.25)).toBeCloseTo(-0.5, 12);
    expect(polygonSdf(sq, 3, 0)).toBeCloseTo(2, 12);
    expect(polygonSdf(sq, 2, 2)).toBeCloseTo(Math.SQRT2, 12);
    expect(polygonSdf(sq, 1, 0)).toBeCloseTo(0, 12);
    // non-convex: the L of lib/data/more-shapes.ts has its notch at x > -0.18, y > -0.33
    const ell = [[-0.6, -0.75], [0.6, -0.75], [0.6, -0.33], [-0.18, -0.33], [-0.18, 0.75], [-0.6, 0.75]] as const;
    expect(polygonSdf(ell, 0.3, 0.3)).toBeGreaterThan(0); // in the notch: outside
    expect(polygonSdf(ell, 0.3, 0.3)).toBeCloseTo(0.48, 12); // nearest: the arm's inner side x = -0.18
    expect(polygonSdf(ell, 0.3, 0)).toBeCloseTo(0.33, 12); // nearest: the foot's top side y = -0.33

    expect(polygonSdf(ell, -0.4, 0.5)).toBeCloseTo(-0.2, 12); // inside the upright arm, 0.2 from both its sides
  });
});

describe('the extra shapes', () => {
  it('fit in the circumradius, are filled near their centre or ring, and cover a similar area', () => {
    const r = 10, areas: Record<string, number> = {};
    for (const s of ALL_SHAPE_NAMES) {
      let inside = 0, beyond = 0;
      for (let y = -12; y <= 12; y += 0.2) for (let x = -12; x <= 12; x += 0.2) {
        if (shapeSdf(s, x, y, r) <= 0) {
          inside++;
          if (Math.hypot(x, y) > r + 1e-9) beyond++;
        }
      }
      expect(beyond, `${s}: points inside the shape beyond its circumradius`).toBe(0);
      areas[s] = (inside * 0.04) / (Math.PI * r * r); // fraction of the circumscribed disk
    }
    for (const s of ALL_SHAPE_NAMES) {
      expect(areas[s], s).toBeGreaterThan(0.12);
      expect(areas[s], s).toBeLessThan(0.85); // a regular hexagon: 3√3/(2π) = 0.83
    }
    expect(areas.ring).toBeCloseTo(0.86 ** 2 - 0.38 ** 2, 1);
    expect(shapeSdf('ring', 0, 0, r)).toBeGreaterThan(0); // a hole in the middle
    expect(shapeSdf('crescent', 0, 0, r)).toBeGreaterThan(0);
    expect(shapeSdf('star', 0, 0, r)).toBeLessThan(0);
  });

  it('rasterise to different masks: no two shapes give the same pixels at the same pose', () => {
    const masks = ALL_SHAPE_NAMES.map((s) => {
      const set = syntheticShapes({ n: 1, size: 24, seed: 1, shapes: [s], background: 0, antialias: false, rotation: [0.3, 0.3], position: [0.5, 0.5], scale: [0.8, 0.8] });
      return Array.from({ length: 24 * 24 }, (_, p) => (set.images[3 * p]! + set.images[3 * p + 1]! + set.images[3 * p + 2]! > 0.5 ? 1 : 0));
    });
    for (let a = 0; a < masks.length; a++) for (let b = a + 1; b < masks.length; b++) {
      const diff = masks[a]!.reduce((s: number, v, p) => s + (v !== masks[b]![p] ? 1 : 0), 0);
      expect(diff, `${ALL_SHAPE_NAMES[a]} vs ${ALL_SHAPE_NAMES[b]}`).toBeGreaterThan(10);
    }
  });

  it('are accepted by the synthetic sets; the default stays the four original shapes; unknown names are refused', () => {
    expect(ALL_SHAPE_NAMES).toHaveLength(4 + EXTRA_SHAPE_NAMES.length);
    const seg = syntheticSegmentation({ n: 50, size: 24, seed: 3, shapes: [...EXTRA_SHAPE_NAMES] });
    expect(seg.numClasses).toBe(11);
    expect(seg.maskClassNames).toEqual(['background', ...EXTRA_SHAPE_NAMES]);
    expect(Math.max(...seg.masks)).toBe(11);
    expect(new Set(seg.masks).size).toBe(12); // background and all eleven classes occur
    expect(syntheticShapes({ n: 2 }).classNames).toEqual(['circle', 'square', 'triangle', 'cross']);
    expect(() => syntheticShapes({ n: 2, shapes: ['circle', 'blob' as never] })).toThrow(/argument 'shapes'.*crescent/);
  });
});
