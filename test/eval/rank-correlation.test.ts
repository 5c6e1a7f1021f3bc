import { describe, expect, it } from 'vitest';
import { fractionalRanks, spearman } from '../../lib/eval/rank-correlation.js';

describe('spearman', () => {
  it('matches values worked out by hand, with and without ties', () => {
    // no ties: d = (0, −1, 1, 0), ρ = 1 − 6·2/(4·15) = 0.8
    expect(spearman([1, 2, 3, 4], [1, 3, 2, 4])).toBeCloseTo(0.8, 12);
    // ties: ranks of y = (1, 2, 3.5, 5, 3.5); Σ(r−3)(s−3) = 8, Σ(r−3)² = 10, Σ(s−3)² = 9.5 → ρ = 8/√95
    expect(Array.from(fractionalRanks([5, 6, 7, 8, 7]))).toEqual([1, 2, 3.5, 5, 3.5]);
    expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(8 / Math.sqrt(95), 12);
    // ties in both, against scipy.stats.spearmanr (1.17.1): 0.8165481258020508
    expect(spearman([0.3, 0.1, 0.1, 0.9, 0.5, 0.5, 0.2], [2, 1, 3, 7, 5, 4, 4])).toBeCloseTo(0.8165481258020508, 12);
  });

  it('is ±1 for any monotone relation, symmetric, and invariant to monotone maps', () => {
    const x = [0.2, 5, -1, 3, 8, 2.5];
    expect(spearman(x, x.map((v) => Math.exp(v)))).toBeCloseTo(1, 12);
    expect(spearman(x, x.map((v) => -(v ** 3)))).toBeCloseTo(-1, 12);
    const y = [3, 1, 4, 1, 5, 9];
    expect(spearman(x, y)).toBeCloseTo(spearman(y, x), 12);
    expect(spearman(x.map((v) => 10 * v + 3), y.map(Math.log))).toBeCloseTo(spearman(x, y), 12);
    // no-ties formula 1 − 6Σd²/(n(n²−1)) on a permutation
    const a = [1, 2, 3, 4, 5, 6, 7], b = [3, 1, 2, 7, 5, 4, 6];
    const d2 = a.reduce((s, v, i) => s + (v - b[i]!) ** 2, 0);
    expect(spearman(a, b)).toBeCloseTo(1 - (6 * d2) / (7 * 48), 12);
  });

  it('rejects bad input with the argument named', () => {
    expect(() => spearman([1, 2, 3], [1, 2])).toThrow(/'y'/);
    expect(() => spearman([1, 2], [1, 2])).toThrow(/at least 3/);
    expect(() => spearman([1, Number.NaN, 3], [1, 2, 3])).toThrow(/'x'.*finite/);
    expect(() => spearman([2, 2, 2], [1, 2, 3])).toThrow(/not all equal/);
    expect(() => spearman([1, 2, 3], [4, 4, 4])).toThrow(/'y'/);
    expect(() => spearman(null as never, [1, 2, 3])).toThrow(/'x'/);
  });
});
