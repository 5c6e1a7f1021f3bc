/**
 * Eigen-decomposition of a real symmetric matrix A = V Λ Vᵀ in JS (float64): Householder reduction to
 * tridiagonal form, then the implicit QL algorithm (tred2 + tql2 of EISPACK, as in JAMA / ml-matrix), on flat
 * Float64Arrays, stored transposed (the work matrix's columns are contiguous, so the O(d³) loops stream through
 * memory). O(d³); used by PCA (on the D×D covariance), the effective rank and principal angles.
 */
import { check } from '../util/errors.js';

export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Unit eigenvectors as the columns of a row-major d×d matrix: vectors[i * d + k] = component i of vector k. */
  vectors: Float64Array;
}

/** Eigenvalues (descending) and eigenvectors of the symmetric d×d matrix `a` (row-major; symmetrised first). */
export function symmetricEigen(a: ArrayLike<number>, d: number): SymmetricEigen {
  check(Number.isInteger(d) && d > 0, 'symmetricEigen', 'd', 'a positive integer', d);
  check(a !== null && typeof a === 'object' && a.length === d * d, 'symmetricEigen', 'a', `a row-major ${d}×${d} matrix (${d * d} values)`, a?.length);
  const n = d;
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const v = (a[i * n + j]! + a[j * n + i]!) / 2;
    if (!Number.isFinite(v)) check(false, 'symmetricEigen', 'a', 'finite values', `${v} at (${i}, ${j})`);
    V[i * n + j] = v;
  }
  const e = new Float64Array(n);
  const dd = new Float64Array(n);
  tred2(n, V, dd, e);
  tql2(n, V, dd, e);
  // tql2 sorts ascending: reverse to descending.
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    values[k] = dd[n - 1 - k]!;
    for (let i = 0; i < n; i++) vectors[i * n + k] = V[(n - 1 - k) * n + i]!;
  }
  return { values, vectors };
}

/** Eigenvalues only (descending). */
export function symmetricEigenvalues(a: ArrayLike<number>, d: number): Float64Array {
  return symmetricEigen(a, d).values;
}

/** Householder tridiagonalisation (EISPACK tred2): on exit V holds the transformation, d the diagonal, e the off-diagonal. */
function tred2(n: number, V: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let j = 0; j < n; j++) d[j] = V[j * n + (n - 1)]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = V[j * n + (i - 1)]!;
        V[j * n + i] = 0;
        V[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k]! /= scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        V[i * n + j] = f;
        g = e[j]! + V[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += V[j * n + k]! * d[k]!;
          e[k]! += V[j * n + k]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j]! /= h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j]! -= hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) V[j * n + k]! -= f * e[k]! + g * d[k]!;
        d[j] = V[j * n + (i - 1)]!;
        V[j * n + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    V[i * n + (n - 1)] = V[i * n + i]!;
    V[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = V[(i + 1) * n + k]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += V[(i + 1) * n + k]! * V[j * n + k]!;
        for (let k = 0; k <= i; k++) V[j * n + k]! -= g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) V[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[j * n + (n - 1)]!;
    V[j * n + (n - 1)] = 0;
  }
  V[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;
}

/** Implicit QL on the tridiagonal (d, e), accumulating into V (EISPACK tql2); sorts eigenvalues ascending. */
function tql2(n: number, V: Float64Array, d: Float64Array, e: Float64Array): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]!) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iter = 0;
      do {
        iter++;
        if (iter > 100) throw new Error('symmetricEigen: the QL iteration did not converge (a matrix with NaN/Inf or extreme values?)');
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        p = d[m]!;
        let c = 1, c2 = c, c3 = c;
        const el1 = e[l + 1]!;
        let s = 0, s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          for (let k = 0; k < n; k++) {
            h = V[(i + 1) * n + k]!;
            V[(i + 1) * n + k] = s * V[i * n + k]! + c * h;
            V[i * n + k] = c * V[i * n + k]! - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > eps * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = d[i]!;
    for (let j = i + 1; j < n; j++) if (d[j]! < p) {
      k = j;
      p = d[j]!;
    }
    if (k !== i) {
      d[k] = d[i]!;
      d[i] = p;
      for (let j = 0; j < n; j++) {
        const t = V[i * n + j]!;
        V[i * n + j] = V[k * n + j]!;
        V[k * n + j] = t;
      }
    }
  }
}
