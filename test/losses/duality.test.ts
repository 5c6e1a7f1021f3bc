import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { contrastiveDuality } from '../../lib/losses/noncontrastive/duality.js';
import { Rng } from '../../lib/util/rng.js';
import { expectNoLeak, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

/** K = Zᵀ: rows are dimensions, columns samples. Plain loops in float64. */
function direct(z: number[][]) {
  const n = z.length, m = z[0]!.length;
  const col = (i: number) => z[i]!; // sample i = column i of K
  const row = (j: number) => z.map((r) => r[j]!); // dimension j = row j of K
  const dot = (a: number[], b: number[]) => a.reduce((s, v, k) => s + v * b[k]!, 0);
  let lc = 0, lnc = 0, s4 = 0, d4 = 0;
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) if (i !== k) lc += dot(col(i), col(k)) ** 2;
  for (let j = 0; j < m; j++) for (let k = 0; k < m; k++) if (j !== k) lnc += dot(row(j), row(k)) ** 2;
  for (let i = 0; i < n; i++) s4 += dot(col(i), col(i)) ** 2;
  for (let j = 0; j < m; j++) d4 += dot(row(j), row(j)) ** 2;
  return { lc, lnc, s4, d4, n2: (v: number[]) => dot(v, v), col, row, n, m };
}
const randomZ = (n: number, m: number, seed: number) => {
  const r = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: m }, () => r.normal() * (0.5 + r.uniform())));
};

describe('contrastive / non-contrastive duality (deck 003)', () => {
  it('L_nc + Σ_j ‖K_j,·‖⁴ = L_c + Σ_i ‖K_·,i‖⁴ on random matrices of several shapes; each term matches the loops', async () => {
    for (const [n, m, seed] of [[8, 3, 1], [5, 12, 2], [16, 16, 3], [2, 7, 4]] as const) {
      const zs = randomZ(n, m, seed);
      const ref = direct(zs);
      const z = tf.tensor2d(zs);
      const t = await expectNoLeak(() => contrastiveDuality(z));
      z.dispose();
      const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(1e-4 * Math.max(1, Math.abs(b)));
      close(t.contrastive, ref.lc);
      close(t.nonContrastive, ref.lnc);
      close(t.sampleNorms4, ref.s4);
      close(t.dimensionNorms4, ref.d4);
      close(t.lhs, t.rhs);
      close(ref.lnc + ref.d4, ref.lc + ref.s4);
      // the identity is not trivial: the two criteria differ, and so do the two norm sums
      expect(Math.abs(t.contrastive - t.nonContrastive)).toBeGreaterThan(1e-2 * Math.max(t.contrastive, t.nonContrastive));
      // a perturbed formula (squared norms instead of fourth powers) fails the same check
      const wrongL = ref.lnc + Array.from({ length: ref.m }, (_, j) => ref.n2(ref.row(j))).reduce((s, v) => s + v, 0);
      const wrongR = ref.lc + Array.from({ length: ref.n }, (_, i) => ref.n2(ref.col(i))).reduce((s, v) => s + v, 0);
      expect(Math.abs(wrongL - wrongR)).toBeGreaterThan(1e-2 * Math.max(wrongL, wrongR));
    }
  });

  it('an orthogonal K (unit, orthogonal rows and columns): both criteria vanish, the norm sums are N = M', async () => {
    // a 4×4 orthogonal matrix (Hadamard / 2): unit rows and columns; L_c = L_nc = 0
    const h = [[1, 1, 1, 1], [1, -1, 1, -1], [1, 1, -1, -1], [1, -1, -1, 1]].map((r) => r.map((v) => v / 2));
    const k = tf.tensor2d(h);
    const t = await contrastiveDuality(k);
    k.dispose();
    expect(t.contrastive).toBeCloseTo(0, 5);
    expect(t.nonContrastive).toBeCloseTo(0, 5);
    expect(t.sampleNorms4).toBeCloseTo(4, 5);
    expect(t.dimensionNorms4).toBeCloseTo(4, 5);
  });

  it('bad input names the argument', async () => {
    await expect(contrastiveDuality(tf.ones([1, 3]) as tf.Tensor2D)).rejects.toThrow(/argument 'z'/);
    await expect(contrastiveDuality(tf.ones([3]) as never)).rejects.toThrow(/argument 'z'/);
  });
});
