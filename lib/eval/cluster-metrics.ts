/**
 * Agreement between a clustering and the true classes (deck 002, k-means "represents data by k centres": how much
 * of the class structure do the clusters recover?). Both work on any integer ids (cluster numbers need not match
 * class numbers) and are symmetric in their two arguments.
 *
 * Contingency table n_ij = #{items in class i and cluster j}, a_i = Σ_j n_ij, b_j = Σ_i n_ij, N items.
 */
import { check } from '../util/errors.js';

/** Contingency counts of two labelings: { table: n_ij (rows = distinct values of a), rowSums a_i, colSums b_j, n }. */
export function contingency(a: ArrayLike<number>, b: ArrayLike<number>, where = 'contingency'): { table: number[][]; rowSums: number[]; colSums: number[]; n: number } {
  check(a !== null && typeof a === 'object' && typeof a.length === 'number' && a.length > 0, where, 'a', 'a non-empty array of integer ids', a);
  check(b !== null && typeof b === 'object' && typeof b.length === 'number', where, 'b', 'an array of integer ids', b);
  check(a.length === b.length, where, 'b', `one id per item of a (${a.length})`, `${b.length} ids`, 'pass the cluster assignments and labels of the same items');
  const ia = new Map<number, number>(), ib = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if (!Number.isInteger(a[i])) check(false, where, 'a', 'integer ids', `${a[i]} at index ${i}`);
    if (!Number.isInteger(b[i])) check(false, where, 'b', 'integer ids', `${b[i]} at index ${i}`);
    if (!ia.has(a[i]!)) ia.set(a[i]!, ia.size);
    if (!ib.has(b[i]!)) ib.set(b[i]!, ib.size);
  }
  const table = Array.from({ length: ia.size }, () => new Array<number>(ib.size).fill(0));
  for (let i = 0; i < a.length; i++) table[ia.get(a[i]!)!]![ib.get(b[i]!)!]!++;
  const rowSums = table.map((r) => r.reduce((s, v) => s + v, 0));
  const colSums = new Array<number>(ib.size).fill(0);
  for (const r of table) r.forEach((v, j) => (colSums[j]! += v));
  return { table, rowSums, colSums, n: a.length };
}

const entropy = (counts: number[], n: number) => counts.reduce((h, c) => (c > 0 ? h - (c / n) * Math.log(c / n) : h), 0);

/**
 * Normalised mutual information, arithmetic normalisation (scikit-learn's default):
 *   I(A;B) = Σ_ij (n_ij/N) log(N n_ij / (a_i b_j)),   H(A) = −Σ_i (a_i/N) log(a_i/N)
 *   NMI = I(A;B) / ((H(A) + H(B)) / 2)   ∈ [0, 1]; 1 when both put every item in one group.
 */
export function nmi(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { table, rowSums, colSums, n } = contingency(a, b, 'nmi');
  const ha = entropy(rowSums, n), hb = entropy(colSums, n);
  if (ha === 0 && hb === 0) return 1;
  let mi = 0;
  table.forEach((row, i) => row.forEach((nij, j) => {
    if (nij > 0) mi += (nij / n) * Math.log((n * nij) / (rowSums[i]! * colSums[j]!));
  }));
  return Math.max(0, Math.min(1, mi / ((ha + hb) / 2)));
}

const pairs = (x: number) => (x * (x - 1)) / 2;

/**
 * Adjusted Rand index (Hubert & Arabie 1985): the Rand index corrected for chance,
 *   index = Σ_ij C(n_ij, 2),  expected = Σ_i C(a_i, 2) Σ_j C(b_j, 2) / C(N, 2),  max = (Σ_i C(a_i, 2) + Σ_j C(b_j, 2)) / 2
 *   ARI = (index − expected) / (max − expected)   (1 = identical partitions, ≈ 0 = random, can be < 0).
 * When max = expected (both trivial partitions) it returns 1.
 */
export function ari(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const { table, rowSums, colSums, n } = contingency(a, b, 'ari');
  let index = 0;
  for (const row of table) for (const v of row) index += pairs(v);
  const sa = rowSums.reduce((s, v) => s + pairs(v), 0);
  const sb = colSums.reduce((s, v) => s + pairs(v), 0);
  const expected = n > 1 ? (sa * sb) / pairs(n) : 0;
  const max = (sa + sb) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
