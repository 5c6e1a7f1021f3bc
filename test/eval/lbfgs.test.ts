import { describe, expect, it } from 'vitest';
import { lbfgs } from '../../lib/eval/lbfgs.js';

describe('lbfgs', () => {
  it('finds the minimum (1, 1) of the Rosenbrock function from (−1.2, 1)', async () => {
    // f = (1 − x)² + 100 (y − x²)²: the textbook test of a quasi-Newton method (Nocedal & Wright §9)
    const r = await lbfgs(async (p) => {
      const [x, y] = [p[0]!, p[1]!];
      return { f: (1 - x) ** 2 + 100 * (y - x * x) ** 2, g: Float64Array.from([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]) };
    }, Float64Array.from([-1.2, 1]), { maxIterations: 500, tolerance: 0, gradientTolerance: 1e-8 });
    expect(r.stop).toBe('gradient');
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
    expect(r.iterations).toBeLessThan(100);
    for (let i = 1; i < r.history.length; i++) expect(r.history[i]!).toBeLessThanOrEqual(r.history[i - 1]!); // monotone (Armijo)
  });

  it('solves a quadratic ½xᵀAx − bᵀx exactly (x = A⁻¹b), honours the iteration floor and cap', async () => {
    const A = [[4, 1, 0], [1, 3, 1], [0, 1, 2]], b = [1, 2, 3];
    const fg = async (x: Float64Array) => {
      const Ax = A.map((row) => row.reduce((s, a, j) => s + a * x[j]!, 0));
      return { f: 0.5 * Ax.reduce((s, v, i) => s + v * x[i]!, 0) - b.reduce((s, v, i) => s + v * x[i]!, 0), g: Float64Array.from(Ax.map((v, i) => v - b[i]!)) };
    };
    const r = await lbfgs(fg, new Float64Array(3), { gradientTolerance: 1e-10, tolerance: 0 });
    // the minimiser solves A x = b
    const Ax = A.map((row) => row.reduce((s, a, j) => s + a * r.x[j]!, 0));
    Ax.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 8));
    const capped = await lbfgs(fg, new Float64Array(3), { maxIterations: 1, tolerance: 0, gradientTolerance: 0 });
    expect(capped.iterations).toBe(1);
    expect(capped.stop).toBe('max-iterations');
    const floored = await lbfgs(fg, new Float64Array(3), { minIterations: 5, tolerance: 1, gradientTolerance: 0 });
    expect(floored.iterations).toBe(5); // tolerance 1 would stop after one iteration, the floor keeps it going
  });
});
