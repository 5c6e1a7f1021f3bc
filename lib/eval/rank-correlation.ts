/**
 * Spearman's rank correlation (for notebook 09: does RankMe track the linear probe across checkpoints and
 * hyper-parameters? Garrido et al. 2023, deck 003 "Evaluation protocols", report it as a rank correlation):
 *
 *   ρ(x, y) = Pearson correlation of rank(x) and rank(y)
 *           = Σ_i (r_i − r̄)(s_i − s̄) / √(Σ_i (r_i − r̄)² · Σ_i (s_i − s̄)²)
 *
 * with tied values given the mean of the ranks they span (so ρ stays in [−1, 1] with ties; without ties this is
 * 1 − 6 Σ d_i² / (n(n² − 1)), d_i = r_i − s_i). ρ = 1 when y increases with x (any monotone relation), −1 when it
 * decreases.
 */
import { check } from '../util/errors.js';

/** Ranks 1…n of `v`, ties sharing the mean of the ranks they span ("fractional ranking"). */
export function fractionalRanks(v: ArrayLike<number>): Float64Array {
  const n = v.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a]! - v[b]!);
  const r = new Float64Array(n);
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && v[order[j + 1]!] === v[order[i]!]) j++;
    const mean = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]!] = mean;
    i = j + 1;
  }
  return r;
}

/** Spearman's ρ of paired samples x, y (≥ 3 pairs, finite, neither constant). */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const where = 'spearman';
  check(x !== null && typeof x === 'object' && typeof x.length === 'number', where, 'x', 'an array of numbers', x);
  check(y !== null && typeof y === 'object' && typeof y.length === 'number', where, 'y', 'an array of numbers', y);
  check(x.length === y.length, where, 'y', `as many values as x (${x.length})`, `${y.length} values`, 'pass paired samples');
  check(x.length >= 3, where, 'x', 'at least 3 paired values', `${x.length} values`);
  for (const [name, v] of [['x', x], ['y', y]] as const)
    for (let i = 0; i < v.length; i++) check(Number.isFinite(v[i]), where, name, 'finite numbers', `${v[i]} at index ${i}`, 'drop NaN / infinite entries first');
  const r = fractionalRanks(x), s = fractionalRanks(y);
  const n = r.length, m = (n + 1) / 2; // the mean rank is (n + 1)/2 with or without ties
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (r[i]! - m) * (s[i]! - m);
    sxx += (r[i]! - m) ** 2;
    syy += (s[i]! - m) ** 2;
  }
  check(sxx > 0, where, 'x', 'values that are not all equal (ρ is undefined for a constant)', x);
  check(syy > 0, where, 'y', 'values that are not all equal (ρ is undefined for a constant)', y);
  return sxy / Math.sqrt(sxx * syy);
}
