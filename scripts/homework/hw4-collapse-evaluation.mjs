// Writes notebooks/homework/hw4-collapse-evaluation.ipynb (section 09, collapse and evaluation; deck 003's
// "Evaluation protocols" and RankMe, Garrido et al. 2023). Run: node scripts/homework/hw4-collapse-evaluation.mjs.
// Hand-worked values are derived in the test cells' comments; hidden tests compare against plain-JS loops.
import { answer, free, md, readOnly, tests, writeHomework, written } from './cells.mjs';

const cells = [
  md('intro', String.raw`
# Homework 4 — Collapse and evaluation without labels

*Lecture: Self-supervised learning → evaluation protocols and RankMe (deck 003), notebook 09.*

A self-supervised representation is judged downstream (kNN, a linear probe, fine-tuning), which needs labels. Two
label-free diagnostics tell you earlier that something went wrong: **dead dimensions** (dimensional collapse) and
**RankMe**, the smooth rank of the embedding matrix, which Garrido et al. (2023) show tracks linear-probe accuracy
across hyper-parameters. You will implement, in plain TypeScript (no tensors needed):

| part | what | points |
|---|---|---|
| 1 | \`rankMe\` from singular values | 4 |
| 2 | \`deadDimensions\` (dimensional collapse) | 2 |
| 3 | \`spearman\`: rank correlation, with ties | 4 |
| 4 | written: evaluation protocols and when RankMe misleads (graded by hand) | 3 |

**How this notebook is graded.** Write your code where it says \`// YOUR CODE HERE\` and delete the
\`throw new Error('not implemented: ...')\` line. Keep every function's name and signature. Each test cell is worth
its points when it runs without an error; the grader also runs **hidden tests** in those cells, so make your
functions correct in general. Locked cells are restored from the original when grading. *Kernel → Restart & Run
All* must run top to bottom. The grader runs this notebook in smoke mode; every mode runs the same sizes here
(seconds).
`),
  readOnly('setup', String.raw`
import { rng, mode, singularValues, features } from 'reprlab';
console.log(\`run mode: \${mode()} (every mode runs the same sizes in this homework)\`);

/** Test helper used by the test cells. */
function assertClose(actual: number | number[], expected: number | number[], what: string, tol = 1e-4): void {
  const a = Array.isArray(actual) ? actual : [actual];
  const e = Array.isArray(expected) ? expected : [expected];
  if (a.length !== e.length) throw new Error(\`\${what}: expected \${e.length} values, got \${a.length}\`);
  a.forEach((v, i) => {
    if (!(Math.abs(v - e[i]) <= tol * Math.max(1, Math.abs(e[i])))) {
      throw new Error(\`\${what}: expected \${JSON.stringify(e)}, got \${JSON.stringify(a.map((x) => Number(x.toFixed(5))))}\`);
    }
  });
}
`),
  md('part1', String.raw`
## Part 1 — RankMe (4 points)

For the singular values $\sigma_1, \dots, \sigma_m$ of an embedding matrix $Z \in \mathbb{R}^{N \times D}$
($m = \min(N, D)$), with $\varepsilon = 10^{-7}$:

$$p_k = \frac{\sigma_k}{\lVert \sigma \rVert_1} + \varepsilon, \qquad \mathrm{RankMe}(Z) = \exp\Big(-\sum_{k=1}^{m} p_k \log p_k\Big)$$

— the exponential of the entropy of the **singular values** (not their squares, the eigenvalues of $Z^\top Z$)
normalised to sum to 1. It lies in $[1, m]$: 1 for a complete collapse (one direction), $m$ for a flat spectrum.
All singular values 0 (every embedding the zero vector): return 1.
`),
  answer('rankme', String.raw`
/** RankMe from singular values (any order): exp(entropy of sigma / ||sigma||_1 + eps); 1 when all are 0. */
function rankMe(sigma: number[], eps = 1e-7): number {
  // BEGIN SOLUTION
  const total = sigma.reduce((s, v) => s + v, 0);
  if (total === 0) return 1;
  let h = 0;
  for (const v of sigma) {
    const p = v / total + eps;
    h -= p * Math.log(p);
  }
  return Math.exp(h);
  // END SOLUTION
}
`),
  tests('test_rankme', String.raw`
{
  // [1, 1] → p = [0.5, 0.5] → entropy ln 2 → RankMe 2
  // [3, 1] → p = [0.75, 0.25] → entropy 0.562335 → RankMe 1.754765 (with the squares [9, 1] it would be 1.384)
  // [0, 0, 5] → p ≈ [1e-7, 1e-7, 1] → RankMe 1.000003
  assertClose(rankMe([1, 1]), 2, 'rankMe([1, 1])');
  assertClose(rankMe([3, 1]), 1.754765, 'rankMe([3, 1])');
  assertClose(rankMe([0, 0, 5]), 1.000003, 'rankMe([0, 0, 5])');
  // BEGIN HIDDEN TESTS
  const r = rng(31);
  const s = Array.from({ length: 12 }, () => Math.abs(r.normal(0, 3)));
  const total = s.reduce((a, b) => a + b, 0);
  const ref = Math.exp(-s.reduce((h, v) => h + (v / total + 1e-7) * Math.log(v / total + 1e-7), 0));
  assertClose(rankMe(s), ref, 'rankMe of 12 random singular values');
  assertClose(rankMe([2, 2, 2, 2, 2]), 5, 'rankMe of a flat spectrum of 5');
  assertClose(rankMe([0, 0, 0]), 1, 'rankMe when every singular value is 0');
  // END HIDDEN TESTS
  console.log('✓ rankMe');
}
`, 4),
  md('part2', String.raw`
## Part 2 — Dead dimensions (2 points)

Dimensional collapse: the embeddings vary along fewer directions than they have. A simple symptom: a dimension
whose standard deviation over the $N$ embeddings (with $1/N$) is below \`rel\` times **the largest dimension's**
standard deviation is *dead* (a relative threshold: the scale of embeddings is arbitrary).
`),
  answer('dead', String.raw`
/** The number of dimensions of z (rows = embeddings) whose std (1/N) is below rel × the largest std. */
function deadDimensions(z: number[][], rel = 1e-2): number {
  // BEGIN SOLUTION
  const n = z.length;
  const d = z[0].length;
  const stds = Array.from({ length: d }, (_, j) => {
    const mu = z.reduce((s, row) => s + row[j], 0) / n;
    return Math.sqrt(z.reduce((s, row) => s + (row[j] - mu) ** 2, 0) / n);
  });
  const top = Math.max(...stds);
  return stds.filter((s) => s < rel * top).length;
  // END SOLUTION
}
`),
  tests('test_dead', String.raw`
{
  // stds: column 0 of 10, 20, 30 → 8.165; column 1 of 0, 0.05, 0.1 → 0.0408; column 2 constant → 0.
  // threshold 0.01 × 8.165 = 0.0816: columns 1 and 2 are dead → 2 (an absolute threshold 0.01 would give 1)
  const z = [[10, 0, 5], [20, 0.05, 5], [30, 0.1, 5]];
  assertClose(deadDimensions(z), 2, 'deadDimensions with rel = 1e-2');
  assertClose(deadDimensions(z, 1e-3), 1, 'deadDimensions with rel = 1e-3');
  // BEGIN HIDDEN TESTS
  const r = rng(32);
  const scales = [1, 3, 1e-4, 0.5, 1e-5, 2, 1e-6, 1];
  const m = Array.from({ length: 50 }, () => scales.map((s) => s * r.normal()));
  assertClose(deadDimensions(m), 3, 'deadDimensions of 50 random embeddings with 3 shrunken dimensions');
  assertClose(deadDimensions(m.map((row) => row.map((v) => 1000 * v))), 3, 'deadDimensions does not depend on the scale');
  // END HIDDEN TESTS
  console.log('✓ deadDimensions');
}
`, 2),
  md('part3', String.raw`
## Part 3 — Spearman's rank correlation (4 points)

RankMe is meant to *order* hyper-parameter settings the way probe accuracy does: compare orders with Spearman's
$\rho$, the Pearson correlation of the **ranks**. Rank 1 is the smallest value; tied values share the **average**
of the ranks they span (e.g. $[5, 7, 7, 9] \to [1, 2.5, 2.5, 4]$). (The shortcut $1 - 6\sum d_i^2 / (n(n^2-1))$ is
exact only without ties.)
`),
  answer('spearman', String.raw`
/** Spearman's rho of two equally long lists: Pearson correlation of their average ranks. */
function spearman(a: number[], b: number[]): number {
  // BEGIN SOLUTION
  const ranks = (v: number[]) => {
    const order = v.map((x, i) => [x, i] as [number, number]).sort((p, q) => p[0] - q[0]);
    const out = new Array<number>(v.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
      for (let k = i; k <= j; k++) out[order[k][1]] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return out;
  };
  const ra = ranks(a), rb = ranks(b);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = mean(ra), mb = mean(rb);
  let cov = 0, va = 0, vb = 0;
  for (let i = 0; i < ra.length; i++) {
    cov += (ra[i] - ma) * (rb[i] - mb);
    va += (ra[i] - ma) ** 2;
    vb += (rb[i] - mb) ** 2;
  }
  return cov / Math.sqrt(va * vb);
  // END SOLUTION
}
`),
  tests('test_spearman', String.raw`
{
  // no ties: ranks of [10, 30, 20, 40] are [1, 3, 2, 4]; Σd² = 2; ρ = 1 - 6·2/(4·15) = 0.8
  assertClose(spearman([1, 2, 3, 4], [10, 30, 20, 40]), 0.8, 'spearman without ties');
  // ties: [1, 2, 2, 3] → ranks [1, 2.5, 2.5, 4]; against [1, 2, 3, 4]: cov 4.5, variances 4.5 and 5 → 0.948683
  // (ranking the tie 2, 3 in order would give 1)
  assertClose(spearman([1, 2, 2, 3], [1, 2, 3, 4]), 0.948683, 'spearman with a tie');
  // BEGIN HIDDEN TESTS
  assertClose(spearman([3, 1, 2], [30, 10, 20]), 1, 'spearman of two lists in the same order');
  assertClose(spearman([1, 2, 3, 4, 5], [50, 40, 30, 20, 10]), -1, 'spearman of reversed lists');
  const a = [0.3, 0.1, 0.3, 0.7, 0.7, 0.7, 0.2];
  const b = [5, 1, 2, 9, 8, 7, 3];
  // average ranks by hand: a → [3.5, 1, 3.5, 6, 6, 6, 2], b → [4, 1, 2, 7, 6, 5, 3]
  const ra = [3.5, 1, 3.5, 6, 6, 6, 2], rb = [4, 1, 2, 7, 6, 5, 3];
  const m = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const ma = m(ra), mb = m(rb);
  const ref = ra.reduce((s, x, i) => s + (x - ma) * (rb[i] - mb), 0) / Math.sqrt(ra.reduce((s, x) => s + (x - ma) ** 2, 0) * rb.reduce((s, x) => s + (x - mb) ** 2, 0));
  assertClose(spearman(a, b), ref, 'spearman with a triple tie');
  // END HIDDEN TESTS
  console.log('✓ spearman');
}
`, 4),
  md('part3b', String.raw`
### Use them (not graded)

Embeddings of known rank: $Z = G W$ with $G \in \mathbb{R}^{200 \times r}$ Gaussian and $W \in \mathbb{R}^{r \times 16}$
random, plus a little noise. RankMe should grow with $r$ and the dead dimensions vanish; Spearman's $\rho$ of
RankMe against $r$ should be 1.
`),
  readOnly('use_them', String.raw`
/** 200 embeddings in 16 dimensions that vary along r random directions (plus noise of std 1e-4). */
function embeddingsOfRank(r: number, seed: number): number[][] {
  const g = rng(seed);
  const w = Array.from({ length: r }, () => Array.from({ length: 16 }, () => g.normal()));
  return Array.from({ length: 200 }, () => {
    const coef = Array.from({ length: r }, () => g.normal());
    return Array.from({ length: 16 }, (_, j) => coef.reduce((s, c, k) => s + c * w[k][j], 0) + g.normal(0, 1e-4));
  });
}
const ranks = [1, 2, 4, 8, 16];
const table = ranks.map((r) => {
  const z = embeddingsOfRank(r, r);
  return { r, RankMe: rankMe(Array.from(singularValues(features(z)))), 'dead dimensions': deadDimensions(z) };
});
console.table(table);
console.log('Spearman(r, RankMe) =', spearman(ranks, table.map((t) => t.RankMe)));
`),
  free(String.raw`
// Your experiments (not graded): e.g. axis-aligned dimensional collapse (zero out columns) and deadDimensions.
`),
  written('protocols', String.raw`
**Question (3 points, graded by hand; deck 003, "Evaluation protocols").** (1) Compare kNN on embeddings, a linear
probe (head fine-tuning) and full fine-tuning: what does each measure, what does it cost, and why is full
fine-tuning "often not possible anymore"? (2) Why can RankMe choose hyper-parameters without labels, and give one
situation in which a high RankMe does **not** mean good downstream accuracy. (3) A representation has 3 of 16
dimensions dead and a RankMe of 12: is it collapsed? 6–10 sentences.

<!-- BEGIN SOLUTION -->
(1) kNN needs no training and measures the neighbourhood structure of the embedding; a linear probe measures linear
separability of the frozen features at the cost of training one layer; full fine-tuning measures how good an
initialisation the network is, costs a full training run per task and per hyper-parameter setting, and for today's
large models (billions of parameters) is too expensive to run for every candidate, hence frozen-feature protocols.
(2) RankMe needs only embeddings of unlabelled data: Garrido et al. show that, within one method, settings with a
higher effective rank tend to have better probe accuracy, because collapse (complete or dimensional) loses
information. It misleads when the rank comes from information irrelevant to the task (e.g. noise or nuisance
factors spread over many dimensions), across methods or architectures with different output dimensions, or when
the embedding is high-rank but not linearly separable for the labels. (3) Not completely: RankMe 12 of at most 16
says the embeddings spread over about 12 directions; 3 dead dimensions show partial (dimensional) collapse of
those axes, which the rank reflects.
<!-- END SOLUTION -->
`, 3),
];

writeHomework(new URL('../../notebooks/homework/hw4-collapse-evaluation.ipynb', import.meta.url).pathname, 'Homework 4: collapse and evaluation without labels (RankMe, dead dimensions, rank correlation)', cells);
