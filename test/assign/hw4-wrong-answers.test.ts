// Homework 4 (collapse and evaluation) proven through the real grader (test/assign/homework-proof.ts): full marks
// for the instructor, 0 for the release, and each wrong-but-plausible answer (the eigenvalues σ² instead of the
// singular values, an absolute threshold, ties ranked in order) loses only its own part.
import { proveAssignment, type WrongAnswers } from './homework-proof.js';

const WRONG: WrongAnswers = {
  rankme: [
    `function rankMe(sigma: number[], eps = 1e-7): number {
  const sq = sigma.map((v) => v * v); // the eigenvalues of ZᵀZ, not the singular values
  const total = sq.reduce((s, v) => s + v, 0);
  if (total === 0) return 1;
  return Math.exp(-sq.reduce((h, v) => h + (v / total + eps) * Math.log(v / total + eps), 0));
}`,
    'test_rankme',
    /rankMe\(\[3, 1\]\): expected \[1\.754765\], got \[1\.384/,
  ],
  dead: [
    `function deadDimensions(z: number[][], rel = 1e-2): number {
  const n = z.length;
  return z[0].map((_, j) => {
    const mu = z.reduce((s, row) => s + row[j], 0) / n;
    return Math.sqrt(z.reduce((s, row) => s + (row[j] - mu) ** 2, 0) / n);
  }).filter((s) => s < rel).length; // an absolute threshold
}`,
    'test_dead',
    /deadDimensions with rel = 1e-2: expected \[2\], got \[1\]/,
  ],
  spearman: [
    `function spearman(a: number[], b: number[]): number {
  const ranks = (v: number[]) => {
    const out = new Array<number>(v.length);
    v.map((x, i) => [x, i]).sort((p, q) => p[0] - q[0]).forEach(([, i], r) => (out[i] = r + 1)); // ties in order
    return out;
  };
  const ra = ranks(a), rb = ranks(b);
  const n = ra.length;
  const d2 = ra.reduce((s, r, i) => s + (r - rb[i]) ** 2, 0);
  return 1 - (6 * d2) / (n * (n * n - 1));
}`,
    'test_spearman',
    /spearman with a tie: expected \[0\.948683\], got \[1\]/,
  ],
};

proveAssignment('hw4-collapse-evaluation', WRONG, { auto: 10, manual: 3 });
