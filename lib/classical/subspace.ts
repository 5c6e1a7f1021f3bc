/**
 * Principal angles between subspaces (Björck & Golub 1973): for subspaces U, V of R^D spanned by the rows of A
 * (k₁×D) and B (k₂×D), with orthonormal bases Q_A, Q_B, the cosines of the principal angles
 * 0 ≤ θ_1 ≤ … ≤ θ_m (m = min(k₁, k₂)) are the singular values of Q_A Q_Bᵀ.
 * Used to check "PCA is a linear autoencoder" (deck 002): a trained linear autoencoder's decoder spans the same
 * subspace as the top-k principal components (angles ≈ 0), though its basis is neither orthogonal nor ordered.
 */
import { checkFeatures, type Features } from '../linalg/features.js';
import { symmetricEigenvalues } from '../linalg/symmetric-eigen.js';
import { check } from '../util/errors.js';

/** Orthonormal basis (rows) of the row space of `a` by modified Gram–Schmidt, float64; drops dependent rows. */
export function orthonormalRows(a: Features, tol = 1e-10): { data: Float64Array; n: number; dim: number } {
  const { n, dim } = a;
  const q = new Float64Array(n * dim);
  let r = 0;
  let scale = 0;
  for (const v of a.data) scale = Math.max(scale, Math.abs(v));
  for (let i = 0; i < n; i++) {
    const v = Float64Array.from(a.data.subarray(i * dim, (i + 1) * dim));
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < r; j++) {
        let d = 0;
        for (let t = 0; t < dim; t++) d += v[t]! * q[j * dim + t]!;
        for (let t = 0; t < dim; t++) v[t]! -= d * q[j * dim + t]!;
      }
    }
    let norm = 0;
    for (let t = 0; t < dim; t++) norm += v[t]! ** 2;
    norm = Math.sqrt(norm);
    if (norm <= tol * Math.max(scale, 1e-300) * Math.sqrt(dim)) continue;
    for (let t = 0; t < dim; t++) q[r * dim + t] = v[t]! / norm;
    r++;
  }
  return { data: q.slice(0, r * dim), n: r, dim };
}

/** Principal angles (radians, ascending) between the row spaces of `a` and `b`. */
export function subspaceAngles(a: Features, b: Features): Float64Array {
  const where = 'subspaceAngles';
  checkFeatures(a, where, 'a');
  checkFeatures(b, where, 'b');
  check(a.dim === b.dim, where, 'b', `rows of dimension ${a.dim} (as a)`, b.dim, 'both subspaces must live in the same space R^D');
  const qa = orthonormalRows(a), qb = orthonormalRows(b);
  check(qa.n > 0 && qb.n > 0, where, 'a', 'non-zero rows spanning a subspace', 'only zero rows');
  const [s, l] = qa.n <= qb.n ? [qa, qb] : [qb, qa];
  // M = Q_s Q_lᵀ (m × M); its singular values² are the eigenvalues of M Mᵀ (m × m).
  const M = new Float64Array(s.n * l.n);
  for (let i = 0; i < s.n; i++) for (let j = 0; j < l.n; j++) {
    let d = 0;
    for (let t = 0; t < s.dim; t++) d += s.data[i * s.dim + t]! * l.data[j * l.dim + t]!;
    M[i * l.n + j] = d;
  }
  const MMt = new Float64Array(s.n * s.n);
  for (let i = 0; i < s.n; i++) for (let j = 0; j < s.n; j++) {
    let d = 0;
    for (let t = 0; t < l.n; t++) d += M[i * l.n + t]! * M[j * l.n + t]!;
    MMt[i * s.n + j] = d;
  }
  const eig = symmetricEigenvalues(MMt, s.n); // descending cos² θ
  return Float64Array.from(eig, (v) => Math.acos(Math.min(1, Math.sqrt(Math.max(0, v)))));
}

/** Subspace similarity: mean cos² of the principal angles, in [0, 1] (1 = the smaller subspace lies in the other). */
export function subspaceSimilarity(a: Features, b: Features): number {
  const angles = subspaceAngles(a, b);
  let s = 0;
  for (const t of angles) s += Math.cos(t) ** 2;
  return s / angles.length;
}
