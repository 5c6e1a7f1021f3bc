// Writes notebooks/homework/hw3-non-contrastive.ipynb (section 07, non-contrastive SSL; deck 003's formulas and
// review questions, deck 001's DINO). Run: node scripts/homework/hw3-non-contrastive.mjs. Hand-worked values are
// derived in the test cells' comments; the hidden tests compare against plain-JS loops held only there.
import { answer, free, md, readOnly, tests, writeHomework, written } from './cells.mjs';

const cells = [
  md('intro', String.raw`
# Homework 3 — Non-contrastive self-supervised learning

*Lecture: Self-supervised learning → non-contrastive methods (deck 003: BYOL, SimSiam, Barlow Twins, VICReg; deck 001:
DINO), notebook 07.*

No negatives: these methods learn by making two views of an image agree, and each has its own device against the
trivial solution (every image mapped to the same vector, *collapse*). You will implement, in TypeScript with tfjs:

| part | what | points |
|---|---|---|
| 1 | \`barlowTwinsLoss\` (cross-correlation → identity) | 2 |
| 2 | VICReg's three terms: \`vicregInvariance\`, \`vicregVariance\`, \`vicregCovariance\` | 1 + 1 + 1 |
| 3 | \`simsiamLoss\` with the stop-gradient | 2 |
| 4 | \`emaUpdate\` (BYOL's and DINO's teacher) | 1 |
| 5 | DINO: \`dinoLoss\` with centring and sharpening, \`updateCenter\` | 2 + 1 |
| 6 | \`embeddingStd\`, the collapse indicator | 1 |
| 7 | experiment: SimSiam without the stop-gradient collapses | 2 |
| 8 | written: what keeps each method from collapsing (graded by hand) | 2 |
| 9 | written: deck 003's review questions (graded by hand) | 3 |

**How this notebook is graded.** Write your code where it says \`// YOUR CODE HERE\` and delete the
\`throw new Error('not implemented: ...')\` line. Keep every function's name and signature. Each test cell is worth
its points when it runs without an error; the grader also runs **hidden tests** in those cells (other inputs,
gradients), so make your functions correct in general, not just for the visible examples. Locked cells (tests,
set-up, text) are restored from the original when grading, so editing them does not help. You may add your own
cells. Before you hand in: *Kernel → Restart & Run All* must run top to bottom. The grader runs this notebook in
smoke mode (\`REPRLAB_MODE=smoke\`) with a time limit; every mode runs the same sizes here (about a minute on a
laptop CPU).

Rules for tensors: wrap tensor code in \`tf.tidy(() => ...)\`; read values with \`await t.data()\`.
`),
  readOnly('setup', String.raw`
import { tf, initBackend, rng, mode, mlpEncoder, stopGradient, rankMe, features } from 'reprlab';
await initBackend();
console.log(\`run mode: \${mode()} (every mode runs the same sizes in this homework)\`);

/** Test helpers used by the test cells. */
async function valuesOf(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}
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
function assertShape(t: tf.Tensor, shape: number[], what: string): void {
  if (t.shape.join(',') !== shape.join(',')) throw new Error(\`\${what}: expected shape [\${shape}], got [\${t.shape}]\`);
}
`),
  md('part1', String.raw`
## Part 1 — Barlow Twins (2 points)

Two batches of embeddings $Z, Z' \in \mathbb{R}^{N \times D}$ of the same $N$ images under two augmentations.
**Standardise each dimension over the batch** (subtract its mean, divide by $\sqrt{\mathrm{Var} + 10^{-5}}$ with the
variance taken with $1/N$, as batch normalisation does), form the cross-correlation matrix
$C = \frac{1}{N} \hat Z^\top \hat Z' \in \mathbb{R}^{D \times D}$ and

$$\mathcal{L}_{BT} = \underbrace{\sum_i (1 - C_{ii})^2}_{\text{invariance}} + \lambda \underbrace{\sum_i \sum_{j \neq i} C_{ij}^2}_{\text{redundancy reduction}}$$
`),
  answer('barlow', String.raw`
/** Barlow Twins loss of two batches [N, D] (standardised per dimension with 1/N and eps 1e-5; C = ẐᵀẐ' / N). */
function barlowTwinsLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, lambda = 5e-3): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const n = z1.shape[0];
    const d = z1.shape[1];
    const standardise = (z: tf.Tensor2D) => {
      const { mean, variance } = tf.moments(z, 0);
      return tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, 1e-5)));
    };
    const c = tf.div(tf.matMul(standardise(z1), standardise(z2), true, false), n);
    const eye = tf.eye(d);
    const onDiagonal = tf.sum(tf.square(tf.sub(1, tf.sum(tf.mul(c, eye), 1))));
    const offDiagonal = tf.sum(tf.square(tf.mul(c, tf.sub(1, eye))));
    return tf.add(onDiagonal, tf.mul(lambda, offDiagonal)) as tf.Scalar;
  });
  // END SOLUTION
}
`),
  tests('test_barlow', String.raw`
{
  // z1's columns standardise to a = [1, 1, -1, -1] and b = [1, -1, 1, -1]; z2's to a and (a + b)/√2 ([5, 3, 3, 1]:
  // mean 3, variance 2). C = [[1, 1/√2], [0, 1/√2]]: invariance (1 - 1)² + (1 - 1/√2)² = 0.085786,
  // redundancy (1/√2)² + 0² = 0.5. λ = 0.1: 0.135786; λ = 5e-3: 0.088286 (eps 1e-5 adds ~1e-5).
  const z1 = tf.tensor2d([[5, -0.5], [5, -1.5], [-1, -0.5], [-1, -1.5]]);
  const z2 = tf.tensor2d([[11, 5], [11, 3], [9, 3], [9, 1]]);
  const l = barlowTwinsLoss(z1, z2, 0.1);
  assertShape(l, [], 'barlowTwinsLoss (a scalar)');
  assertClose(await valuesOf(l), [0.135795], 'barlowTwinsLoss with λ = 0.1');
  assertClose(await valuesOf(barlowTwinsLoss(z1, z2)), [0.088296], 'barlowTwinsLoss with the default λ = 5e-3');
  tf.dispose([z1, z2, l]);
  // BEGIN HIDDEN TESTS
  const r = rng(21);
  const N = 10, D = 3;
  const a = Array.from({ length: N }, () => Array.from({ length: D }, () => r.normal(1, 2)));
  const b = a.map((row) => row.map((v) => 0.5 * v + r.normal(0, 1)));
  const std = (m: number[][]) => {
    const mu = Array.from({ length: D }, (_, j) => m.reduce((s, row) => s + row[j], 0) / N);
    const sd = Array.from({ length: D }, (_, j) => Math.sqrt(m.reduce((s, row) => s + (row[j] - mu[j]) ** 2, 0) / N + 1e-5));
    return m.map((row) => row.map((v, j) => (v - mu[j]) / sd[j]));
  };
  const sa = std(a), sb = std(b);
  let ref = 0;
  for (let i = 0; i < D; i++)
    for (let j = 0; j < D; j++) {
      const c = sa.reduce((s, row, k) => s + row[i] * sb[k][j], 0) / N;
      ref += i === j ? (1 - c) ** 2 : 0.02 * c * c;
    }
  const ta = tf.tensor2d(a), tb = tf.tensor2d(b);
  assertClose(await valuesOf(barlowTwinsLoss(ta, tb, 0.02)), [ref], 'barlowTwinsLoss on random embeddings', 1e-3);
  tf.dispose([ta, tb]);
  // END HIDDEN TESTS
  console.log('✓ barlowTwinsLoss');
}
`, 2),
  md('part2', String.raw`
## Part 2 — VICReg's three terms (3 points)

For batches $Z, Z' \in \mathbb{R}^{n \times d}$ (Bardes et al. 2022; deck 003):

* **invariance** $s(Z, Z') = \frac{1}{n} \sum_i \lVert z_i - z'_i \rVert_2^2$ (the mean over the batch of the
  squared distance — not the mean over all $n \cdot d$ entries);
* **variance** $v(Z) = \frac{1}{d} \sum_{j=1}^{d} \max\big(0, \gamma - \sqrt{\mathrm{Var}(z^j) + \varepsilon}\big)$ with
  the **unbiased** variance ($\frac{1}{n-1}$) of dimension $j$ over the batch, $\gamma = 1$, $\varepsilon = 10^{-4}$;
* **covariance** $c(Z) = \frac{1}{d} \sum_{i \neq j} [C(Z)]_{ij}^2$ with
  $C(Z) = \frac{1}{n-1} \sum_k (z_k - \bar z)(z_k - \bar z)^\top$ (off-diagonal entries only).

The loss is $\lambda s(Z, Z') + \mu [v(Z) + v(Z')] + \nu [c(Z) + c(Z')]$ (25, 25, 1 in the paper).
`),
  answer('vicreg_invariance', String.raw`
/** VICReg invariance: (1/n) Σ_i ||z1_i - z2_i||². */
function vicregInvariance(z1: tf.Tensor2D, z2: tf.Tensor2D): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => tf.mean(tf.sum(tf.square(tf.sub(z1, z2)), 1)) as tf.Scalar);
  // END SOLUTION
}
`),
  tests('test_vicreg_invariance', String.raw`
{
  // ||(0,0) - (3,4)||² = 25, ||(1,1) - (1,2)||² = 1: mean over the batch 13 (the mean over all entries would be 6.5)
  const z1 = tf.tensor2d([[0, 0], [1, 1]]);
  const z2 = tf.tensor2d([[3, 4], [1, 2]]);
  const s = vicregInvariance(z1, z2);
  assertShape(s, [], 'vicregInvariance (a scalar)');
  assertClose(await valuesOf(s), [13], 'vicregInvariance');
  tf.dispose([z1, z2, s]);
  // BEGIN HIDDEN TESTS
  const r = rng(22);
  const a = Array.from({ length: 7 }, () => Array.from({ length: 5 }, () => r.normal()));
  const b = Array.from({ length: 7 }, () => Array.from({ length: 5 }, () => r.normal()));
  const ref = a.reduce((t, row, i) => t + row.reduce((u, v, j) => u + (v - b[i][j]) ** 2, 0), 0) / 7;
  const ta = tf.tensor2d(a), tb = tf.tensor2d(b);
  assertClose(await valuesOf(vicregInvariance(ta, tb)), [ref], 'vicregInvariance on random embeddings', 1e-3);
  tf.dispose([ta, tb]);
  // END HIDDEN TESTS
  console.log('✓ vicregInvariance');
}
`, 1),
  answer('vicreg_variance', String.raw`
/** VICReg variance: (1/d) Σ_j max(0, gamma - sqrt(Var_j + eps)), unbiased variance over the batch. */
function vicregVariance(z: tf.Tensor2D, gamma = 1, eps = 1e-4): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const n = z.shape[0];
    const unbiased = tf.mul(tf.moments(z, 0).variance, n / (n - 1));
    return tf.mean(tf.relu(tf.sub(gamma, tf.sqrt(tf.add(unbiased, eps))))) as tf.Scalar;
  });
  // END SOLUTION
}
`),
  tests('test_vicreg_variance', String.raw`
{
  // column 0: 0, 2, 4 → unbiased variance (4 + 0 + 4)/2 = 4, std 2 → max(0, 1 - 2) = 0
  // column 1: 0, 0.5, 1 → variance 0.25, std √0.2501 = 0.50010 → 0.49990.   v = (0 + 0.49990)/2 = 0.24995
  const z = tf.tensor2d([[0, 0], [2, 0.5], [4, 1]]);
  const v = vicregVariance(z);
  assertShape(v, [], 'vicregVariance (a scalar)');
  assertClose(await valuesOf(v), [0.24995], 'vicregVariance with γ = 1');
  tf.dispose([z, v]);
  // BEGIN HIDDEN TESTS
  const r = rng(23);
  const n = 6, d = 4;
  const m = Array.from({ length: n }, () => Array.from({ length: d }, (_, j) => r.normal(0, 0.5 + j)));
  let ref = 0;
  for (let j = 0; j < d; j++) {
    const mu = m.reduce((s, row) => s + row[j], 0) / n;
    const variance = m.reduce((s, row) => s + (row[j] - mu) ** 2, 0) / (n - 1);
    ref += Math.max(0, 2 - Math.sqrt(variance + 1e-4)) / d;
  }
  const t = tf.tensor2d(m);
  assertClose(await valuesOf(vicregVariance(t, 2)), [ref], 'vicregVariance on random embeddings with γ = 2', 1e-3);
  tf.dispose([t]);
  // END HIDDEN TESTS
  console.log('✓ vicregVariance');
}
`, 1),
  answer('vicreg_covariance', String.raw`
/** VICReg covariance: (1/d) Σ_{i≠j} C_ij², C the unbiased covariance matrix of z over the batch. */
function vicregCovariance(z: tf.Tensor2D): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const [n, d] = z.shape;
    const centred = tf.sub(z, tf.mean(z, 0));
    const c = tf.div(tf.matMul(centred, centred, true, false), n - 1);
    return tf.div(tf.sum(tf.square(tf.mul(c, tf.sub(1, tf.eye(d))))), d) as tf.Scalar;
  });
  // END SOLUTION
}
`),
  tests('test_vicreg_covariance', String.raw`
{
  // deviations from the means (2, 2): column 0 → -2, 0, 2; column 1 → -2, -1, 3.
  // C_01 = (4 + 0 + 6)/2 = 5; c = (5² + 5²)/2 = 25 (with the diagonal it would be 57.5)
  const z = tf.tensor2d([[0, 0], [2, 1], [4, 5]]);
  const c = vicregCovariance(z);
  assertShape(c, [], 'vicregCovariance (a scalar)');
  assertClose(await valuesOf(c), [25], 'vicregCovariance');
  tf.dispose([z, c]);
  // BEGIN HIDDEN TESTS
  const r = rng(24);
  const n = 8, d = 3;
  const m = Array.from({ length: n }, () => Array.from({ length: d }, () => r.normal()));
  const mu = Array.from({ length: d }, (_, j) => m.reduce((s, row) => s + row[j], 0) / n);
  let ref = 0;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      if (i === j) continue;
      const cij = m.reduce((s, row) => s + (row[i] - mu[i]) * (row[j] - mu[j]), 0) / (n - 1);
      ref += (cij * cij) / d;
    }
  const t = tf.tensor2d(m);
  assertClose(await valuesOf(vicregCovariance(t)), [ref], 'vicregCovariance on random embeddings', 1e-3);
  tf.dispose([t]);
  // END HIDDEN TESTS
  console.log('✓ vicregCovariance');
}
`, 1),
  md('part3', String.raw`
## Part 3 — SimSiam and the stop-gradient (2 points)

With the encoder $f$ (backbone + projector) and the predictor $h$: $z_k = f(x_k)$, $p_k = h(z_k)$ and

$$\mathcal{L} = \tfrac{1}{2}\mathcal{D}(p_1, \mathrm{stopgrad}(z_2)) + \tfrac{1}{2}\mathcal{D}(p_2, \mathrm{stopgrad}(z_1)), \qquad \mathcal{D}(p, z) = -\frac{p}{\lVert p\rVert_2} \cdot \frac{z}{\lVert z\rVert_2}$$

each $\mathcal{D}$ averaged over the batch. tfjs has no \`stopGradient\`: the set-up imports the course library's
(\`stopGradient(x)\`: the identity forward, a zero gradient backward). Guard the norms: divide by
$\sqrt{\max(\lVert x\rVert^2, 10^{-12})}$ (\`tf.rsqrt\`, \`tf.maximum\`), or a collapsed (zero) embedding gives \`NaN\`.
The test checks the value and that **no gradient reaches $z_1$ and $z_2$**.
`),
  answer('simsiam', String.raw`
/** SimSiam: ½ D(p1, sg(z2)) + ½ D(p2, sg(z1)), D = -mean cosine similarity (norms guarded). All [B, d]. */
function simsiamLoss(p1: tf.Tensor2D, z2: tf.Tensor2D, p2: tf.Tensor2D, z1: tf.Tensor2D): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const normalise = (x: tf.Tensor2D) => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-12)));
    const d = (p: tf.Tensor2D, z: tf.Tensor2D) => tf.neg(tf.mean(tf.sum(tf.mul(normalise(p), normalise(z)), 1)));
    return tf.add(tf.mul(0.5, d(p1, stopGradient(z2))), tf.mul(0.5, d(p2, stopGradient(z1)))) as tf.Scalar;
  });
  // END SOLUTION
}
`),
  tests('test_simsiam', String.raw`
{
  // cos(p1, z2) = cos 45° = 0.707107, cos(p2, z1) = cos 180° = -1: ½(-0.707107) + ½(1) = 0.146447
  const p1 = tf.tensor2d([[1, 0]]), z2 = tf.tensor2d([[1, 1]]), p2 = tf.tensor2d([[0, 2]]), z1 = tf.tensor2d([[0, -3]]);
  const l = simsiamLoss(p1, z2, p2, z1);
  assertShape(l, [], 'simsiamLoss (a scalar)');
  assertClose(await valuesOf(l), [0.146447], 'simsiamLoss');
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => simsiamLoss(a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor2D))([p1, z2, p2, z1]);
  const gradOf = async (k: number) => (g[k] ? await valuesOf(g[k]) : [0, 0]);
  assertClose(await gradOf(1), [0, 0], 'gradient of simsiamLoss with respect to z2 (the stop-gradient)');
  assertClose(await gradOf(3), [0, 0], 'gradient of simsiamLoss with respect to z1 (the stop-gradient)');
  // BEGIN HIDDEN TESTS
  // d/dp1 of -½ cos(p1, z2) at p1 = (1, 0), z2 = (1, 1): -½ (z2/(|p1||z2|) - cos · p1/|p1|²) = (0, -0.353553)
  assertClose(await gradOf(0), [0, -0.353553], 'gradient of simsiamLoss with respect to p1');
  const r = rng(25);
  const B = 5, d = 4;
  const rows = () => Array.from({ length: B }, () => Array.from({ length: d }, () => r.normal()));
  const [a1, b2, a2, b1] = [rows(), rows(), rows(), rows()];
  const cos = (u: number[], v: number[]) => u.reduce((s, x, i) => s + x * v[i], 0) / Math.sqrt(u.reduce((s, x) => s + x * x, 0) * v.reduce((s, x) => s + x * x, 0));
  const ref = a1.reduce((s, _, i) => s - 0.5 * cos(a1[i], b2[i]) - 0.5 * cos(a2[i], b1[i]), 0) / B;
  const ts = [a1, b2, a2, b1].map((m) => tf.tensor2d(m));
  assertClose(await valuesOf(simsiamLoss(ts[0], ts[1], ts[2], ts[3])), [ref], 'simsiamLoss on a random batch', 1e-3);
  tf.dispose(ts);
  // END HIDDEN TESTS
  tf.dispose([p1, z2, p2, z1, l, ...g]);
  console.log('✓ simsiamLoss');
}
`, 2),
  md('part4', String.raw`
## Part 4 — The EMA teacher (1 point)

BYOL's target network and DINO's teacher are not trained by gradients: after each step their parameters follow the
student's (online network's) as an exponential moving average, $\theta_t \leftarrow m\,\theta_t + (1 - m)\,\theta_s$
with momentum $m$ close to 1 (0.996 in BYOL). Update the teacher's variables **in place** (\`variable.assign\`); leave
the student's as they are.
`),
  answer('ema', String.raw`
/** θ_t ← m θ_t + (1 - m) θ_s for each pair of teacher variable and student tensor (same shapes), in place. */
function emaUpdate(teacher: tf.Variable[], student: tf.Tensor[], momentum: number): void {
  // BEGIN SOLUTION
  tf.tidy(() => {
    teacher.forEach((t, i) => t.assign(tf.add(tf.mul(t, momentum), tf.mul(student[i], 1 - momentum))));
  });
  // END SOLUTION
}
`),
  tests('test_ema', String.raw`
{
  // 0.9 · [1, 2] + 0.1 · [3, 6] = [1.2, 2.4]
  const t = tf.variable(tf.tensor1d([1, 2]));
  const s = tf.tensor1d([3, 6]);
  emaUpdate([t], [s], 0.9);
  assertClose(await valuesOf(t), [1.2, 2.4], 'teacher after emaUpdate with m = 0.9');
  assertClose(await valuesOf(s), [3, 6], 'the student is left as it was');
  // BEGIN HIDDEN TESTS
  const t2 = tf.variable(tf.tensor2d([[0, 10], [-4, 2]]));
  const s2 = tf.tensor2d([[1, 0], [4, 2]]);
  emaUpdate([t, t2], [s, s2], 0.75); // t: 0.75·[1.2, 2.4] + 0.25·[3, 6] = [1.65, 3.3]
  assertClose(await valuesOf(t), [1.65, 3.3], 'first teacher variable after a second update (m = 0.75)');
  assertClose(await valuesOf(t2), [0.25, 7.5, -2, 2], 'second teacher variable (m = 0.75)');
  emaUpdate([t2], [s2], 1);
  assertClose(await valuesOf(t2), [0.25, 7.5, -2, 2], 'm = 1 leaves the teacher as it is');
  emaUpdate([t2], [s2], 0);
  assertClose(await valuesOf(t2), [1, 0, 4, 2], 'm = 0 copies the student');
  tf.dispose([t2, s2]);
  // END HIDDEN TESTS
  tf.dispose([t, s]);
  console.log('✓ emaUpdate');
}
`, 1),
  md('part5', String.raw`
## Part 5 — DINO: centring, sharpening and the centre's EMA (2 + 1 points)

DINO (Caron et al. 2021; deck 001, Algorithm 1) turns the teacher's and the student's outputs $g \in \mathbb{R}^{B
\times K}$ into distributions over $K$ "prototypes". The teacher's are **centred** (minus a running mean $c$ of its
outputs) and **sharpened** (a low temperature $\tau_t$); the student's use $\tau_s$:

$$P_t = \mathrm{softmax}\big((g_t - c)/\tau_t\big), \quad P_s = \mathrm{softmax}(g_s/\tau_s), \quad H(P_t, P_s) = -\sum_k P_t^{(k)} \log P_s^{(k)}$$

averaged over the batch; no gradient flows into the teacher (stop-gradient on $P_t$). After each step the centre
follows the teacher's batch mean: $c \leftarrow m\,c + (1 - m)\,\frac{1}{B}\sum_b g_t^{(b)}$. Use
\`tf.logSoftmax\` for $\log P_s$ (stable).
`),
  answer('dino', String.raw`
/** DINO's H(P_t, P_s), mean over the batch; teacher centred by c, temperatures tauT (teacher), tauS (student). */
function dinoLoss(teacher: tf.Tensor2D, student: tf.Tensor2D, center: tf.Tensor1D, tauS = 0.1, tauT = 0.04): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const pt = stopGradient(tf.softmax(tf.div(tf.sub(teacher, center), tauT)));
    const logPs = tf.logSoftmax(tf.div(student, tauS));
    return tf.neg(tf.mean(tf.sum(tf.mul(pt, logPs), 1))) as tf.Scalar;
  });
  // END SOLUTION
}
`),
  tests('test_dino', String.raw`
{
  // teacher [0.04, 0] / 0.04 → logits [1, 0] → P_t = [e, 1]/(e + 1) = [0.731059, 0.268941];
  // student [0, 0.1] / 0.1 → logits [0, 1] → log P_s = [-1.313262, -0.313262]; H = 1.044320
  // centred by c = [0.04, 0]: logits [0, 0] → P_t = [0.5, 0.5]; H = 0.813262
  const gt = tf.tensor2d([[0.04, 0]]), gs = tf.tensor2d([[0, 0.1]]);
  const c0 = tf.tensor1d([0, 0]), c1 = tf.tensor1d([0.04, 0]);
  const h = dinoLoss(gt, gs, c0);
  assertShape(h, [], 'dinoLoss (a scalar)');
  assertClose(await valuesOf(h), [1.04432], 'dinoLoss with centre [0, 0]');
  assertClose(await valuesOf(dinoLoss(gt, gs, c1)), [0.813262], 'dinoLoss with centre [0.04, 0] (centring)');
  // BEGIN HIDDEN TESTS
  // gradient: none into the teacher; into the student logits (P_s - P_t)/τ_s / B
  const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => dinoLoss(a as tf.Tensor2D, b as tf.Tensor2D, c1))([gt, gs]);
  assertClose(g[0] ? await valuesOf(g[0]) : [0, 0], [0, 0], 'gradient of dinoLoss with respect to the teacher (stop-gradient)');
  const ps = [1 / (1 + Math.E), Math.E / (1 + Math.E)];
  assertClose(await valuesOf(g[1]), [(ps[0] - 0.5) / 0.1, (ps[1] - 0.5) / 0.1], 'gradient of dinoLoss with respect to the student');
  const r = rng(26);
  const B = 4, K = 5;
  const T = Array.from({ length: B }, () => Array.from({ length: K }, () => r.normal(0, 0.1)));
  const S = Array.from({ length: B }, () => Array.from({ length: K }, () => r.normal(0, 0.1)));
  const C = Array.from({ length: K }, () => r.normal(0, 0.05));
  const softmax = (v: number[]) => {
    const mx = Math.max(...v);
    const e = v.map((x) => Math.exp(x - mx));
    const z = e.reduce((s, x) => s + x, 0);
    return e.map((x) => x / z);
  };
  let ref = 0;
  for (let b = 0; b < B; b++) {
    const pt = softmax(T[b].map((x, k) => (x - C[k]) / 0.07));
    const psb = softmax(S[b].map((x) => x / 0.2));
    ref -= pt.reduce((s, p, k) => s + p * Math.log(psb[k]), 0) / B;
  }
  const tT = tf.tensor2d(T), tS = tf.tensor2d(S), tC = tf.tensor1d(C);
  assertClose(await valuesOf(dinoLoss(tT, tS, tC, 0.2, 0.07)), [ref], 'dinoLoss on a random batch (τ_s = 0.2, τ_t = 0.07)', 1e-3);
  tf.dispose([tT, tS, tC, ...g]);
  // END HIDDEN TESTS
  tf.dispose([gt, gs, c0, c1, h]);
  console.log('✓ dinoLoss');
}
`, 2),
  answer('center', String.raw`
/** DINO's centre update: m c + (1 - m) · (mean of the teacher's outputs over the batch). Returns the new centre [K]. */
function updateCenter(center: tf.Tensor1D, teacher: tf.Tensor2D, momentum = 0.9): tf.Tensor1D {
  // BEGIN SOLUTION
  return tf.tidy(() => tf.add(tf.mul(center, momentum), tf.mul(tf.mean(teacher, 0), 1 - momentum)) as tf.Tensor1D);
  // END SOLUTION
}
`),
  tests('test_center', String.raw`
{
  // batch mean of [[1, 2], [3, 4]] = [2, 3]; 0.9 · [0, 1] + 0.1 · [2, 3] = [0.2, 1.2]
  const c = tf.tensor1d([0, 1]);
  const t = tf.tensor2d([[1, 2], [3, 4]]);
  const next = updateCenter(c, t);
  assertShape(next, [2], 'updateCenter (a [K] vector)');
  assertClose(await valuesOf(next), [0.2, 1.2], 'updateCenter with m = 0.9');
  // BEGIN HIDDEN TESTS
  const t3 = tf.tensor2d([[2, -1, 0], [4, 1, 0], [0, 3, 3]]); // mean [2, 1, 1]
  const c3 = tf.tensor1d([1, 1, -1]);
  assertClose(await valuesOf(updateCenter(c3, t3, 0.5)), [1.5, 1, 0], 'updateCenter with m = 0.5');
  tf.dispose([t3, c3]);
  // END HIDDEN TESTS
  tf.dispose([c, t, next]);
  console.log('✓ updateCenter');
}
`, 1),
  md('part6', String.raw`
## Part 6 — Measuring collapse (1 point)

SimSiam's collapse indicator (Chen & He 2021, §4.1): **$\ell_2$-normalise each embedding**, take the standard
deviation (with $1/N$) of each dimension over the $N$ embeddings, and average over the $d$ dimensions. It is 0 when
every embedding is the same vector and about $1/\sqrt{d}$ when they are spread evenly over the sphere.
`),
  answer('embedding_std', String.raw`
/** Mean over dimensions of the per-dimension std (1/N) of the l2-normalised rows of z [N, d]. */
function embeddingStd(z: tf.Tensor2D): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const unit = tf.mul(z, tf.rsqrt(tf.maximum(tf.sum(tf.square(z), 1, true), 1e-12)));
    return tf.mean(tf.sqrt(tf.moments(unit, 0).variance)) as tf.Scalar;
  });
  // END SOLUTION
}
`),
  tests('test_embedding_std', String.raw`
{
  // rows [3, 4], [4, 3], [0, 5] → unit rows [0.6, 0.8], [0.8, 0.6], [0, 1];
  // std of [0.6, 0.8, 0] = 0.339935, of [0.8, 0.6, 1] = 0.163299; mean 0.251617
  const z = tf.tensor2d([[3, 4], [4, 3], [0, 5]]);
  const s = embeddingStd(z);
  assertShape(s, [], 'embeddingStd (a scalar)');
  assertClose(await valuesOf(s), [0.251617], 'embeddingStd');
  // BEGIN HIDDEN TESTS
  const same = tf.tensor2d([[1, 2, 2], [2, 4, 4], [0.5, 1, 1]]); // one direction: collapsed
  assertClose(await valuesOf(embeddingStd(same)), [0], 'embeddingStd of embeddings along one direction', 1e-3);
  tf.dispose([same]);
  // END HIDDEN TESTS
  tf.dispose([z, s]);
  console.log('✓ embeddingStd');
}
`, 1),
  md('part7', String.raw`
## Part 7 — Experiment: SimSiam without the stop-gradient (2 points)

Deck 003's ablation table: SimSiam with the predictor and the stop-gradient reaches 67.9 % (ImageNet linear
probe); without the stop-gradient it **collapses**. Below, \`trainSiamese\` trains a small SimSiam (an MLP encoder
8 → 32 → 16 and a predictor 16 → 8 → 16, Adam, 150 steps of 32 pairs of views of toy data: 4 clusters in 8
dimensions) with the loss you give it, and returns the projections of 128 held-out points. Write
\`simsiamLossNoStopGradient\`: your \`simsiamLoss\` with the stop-gradient removed (nothing else changed). The cell
after it trains both and reports \`embeddingStd\` and RankMe (the smooth rank of the embeddings; notebook 09).
The test trains with your loss without the stop-gradient and checks that it collapses: std of the normalised
projections below 0.06 and RankMe below 4 (of at most 16). With the stop-gradient the same run keeps a std above
0.08 (graded at seed 0: 0.127 with, 0.022 without the stop-gradient; RankMe 4.06 and 1.96).
`),
  readOnly('siamese', String.raw`
/** n points of 4 clusters in 8 dimensions (centres fixed by the seed 77, points by \`seed\`). */
function toyData(n: number, seed: number): number[][] {
  const rc = rng(77);
  const centres = Array.from({ length: 4 }, () => Array.from({ length: 8 }, () => rc.normal(0, 2)));
  const r = rng(seed);
  return Array.from({ length: n }, (_, i) => centres[i % 4].map((c) => c + r.normal(0, 1)));
}

/** A random view: each coordinate scaled by U(0.8, 1.2) and shifted by N(0, 0.3²). */
function toyView(x: number[][], r: ReturnType<typeof rng>): number[][] {
  return x.map((row) => row.map((v) => v * (0.8 + 0.4 * r.uniform()) + r.normal(0, 0.3)));
}

type SiameseLoss = (p1: tf.Tensor2D, z2: tf.Tensor2D, p2: tf.Tensor2D, z1: tf.Tensor2D) => tf.Scalar;

/** Train encoder + predictor with \`loss\` (Adam 0.03, 150 steps of 32); the projections of 128 held-out points. */
async function trainSiamese(loss: SiameseLoss, seed = 0): Promise<tf.Tensor2D> {
  const encoder = mlpEncoder({ inputShape: [8], hidden: [32], outputDim: 16, seed });
  const predictor = mlpEncoder({ inputShape: [16], hidden: [8], outputDim: 16, seed: seed + 7 });
  const optimizer = tf.train.adam(0.03);
  const x = toyData(128, seed);
  const r = rng(seed + 1);
  const vars = [...encoder.trainableWeights, ...predictor.trainableWeights].map((w) => w.read() as tf.Variable);
  for (let step = 0; step < 150; step++) {
    const batch = Array.from(r.sample(128, 32)).map((i) => x[i]);
    const x1 = tf.tensor2d(toyView(batch, r)), x2 = tf.tensor2d(toyView(batch, r));
    const cost = optimizer.minimize(() => {
      const z1 = encoder.apply(x1) as tf.Tensor2D, z2 = encoder.apply(x2) as tf.Tensor2D;
      return loss(predictor.apply(z1) as tf.Tensor2D, z2, predictor.apply(z2) as tf.Tensor2D, z1);
    }, true, vars);
    tf.dispose([x1, x2]);
    cost?.dispose();
  }
  const held = tf.tensor2d(toyData(128, seed + 100));
  const z = encoder.apply(held) as tf.Tensor2D;
  held.dispose();
  optimizer.dispose();
  return z;
}
`),
  answer('simsiam_no_sg', String.raw`
/** SimSiam's loss without the stop-gradient: the ablation that collapses. */
function simsiamLossNoStopGradient(p1: tf.Tensor2D, z2: tf.Tensor2D, p2: tf.Tensor2D, z1: tf.Tensor2D): tf.Scalar {
  // BEGIN SOLUTION
  return tf.tidy(() => {
    const normalise = (x: tf.Tensor2D) => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-12)));
    const d = (p: tf.Tensor2D, z: tf.Tensor2D) => tf.neg(tf.mean(tf.sum(tf.mul(normalise(p), normalise(z)), 1)));
    return tf.add(tf.mul(0.5, d(p1, z2)), tf.mul(0.5, d(p2, z1))) as tf.Scalar;
  });
  // END SOLUTION
}
`),
  readOnly('run_collapse', String.raw`
const collapseTable: Array<Record<string, string | number>> = [];
for (const [name, loss] of [['with stop-gradient', simsiamLoss], ['without stop-gradient', simsiamLossNoStopGradient]] as Array<[string, SiameseLoss]>) {
  const z = await trainSiamese(loss, 0);
  const std = embeddingStd(z);
  collapseTable.push({ run: name, 'std of normalised z': (await std.data())[0], RankMe: rankMe(features((await z.array()) as number[][])) });
  tf.dispose([z, std]);
}
console.table(collapseTable);
`),
  tests('test_collapse', String.raw`
{
  // the test measures with its own code: per-dimension std of the l2-normalised projections, and RankMe
  const measure = async (z: tf.Tensor2D) => {
    const rows = (await z.array()) as number[][];
    const unit = rows.map((row) => {
      const n = Math.sqrt(Math.max(row.reduce((s, v) => s + v * v, 0), 1e-12));
      return row.map((v) => v / n);
    });
    let std = 0;
    for (let j = 0; j < unit[0].length; j++) {
      const mu = unit.reduce((s, row) => s + row[j], 0) / unit.length;
      std += Math.sqrt(unit.reduce((s, row) => s + (row[j] - mu) ** 2, 0) / unit.length) / unit[0].length;
    }
    if (!Number.isFinite(std)) throw new Error('the projections are NaN: guard the norms in your loss (see Part 3)');
    return { std, rank: rankMe(features(rows)) };
  };
  const noSg = await trainSiamese(simsiamLossNoStopGradient, 0);
  const collapsed = await measure(noSg);
  noSg.dispose();
  if (!(collapsed.std < 0.06)) throw new Error(\`without the stop-gradient the std of the normalised projections should collapse below 0.06, got \${collapsed.std.toFixed(4)}: is the stop-gradient really gone?\`);
  if (!(collapsed.rank < 4)) throw new Error(\`without the stop-gradient RankMe should fall below 4, got \${collapsed.rank.toFixed(2)}\`);
  // BEGIN HIDDEN TESTS
  const referenceLoss = (p1: tf.Tensor2D, z2: tf.Tensor2D, p2: tf.Tensor2D, z1: tf.Tensor2D): tf.Scalar =>
    tf.tidy(() => {
      const u = (x: tf.Tensor2D) => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-12)));
      const d = (p: tf.Tensor2D, z: tf.Tensor2D) => tf.neg(tf.mean(tf.sum(tf.mul(u(p), u(z)), 1)));
      return tf.add(tf.mul(0.5, d(p1, stopGradient(z2))), tf.mul(0.5, d(p2, stopGradient(z1)))) as tf.Scalar;
    });
  const withSg = await trainSiamese(referenceLoss, 0);
  const healthy = await measure(withSg);
  withSg.dispose();
  if (!(healthy.std > 0.08 && healthy.std > 2 * collapsed.std)) throw new Error(\`reference run with the stop-gradient: std \${healthy.std.toFixed(4)} (expected > 0.08 and > 2 × \${collapsed.std.toFixed(4)})\`);
  if (!(healthy.rank > collapsed.rank + 1.5)) throw new Error(\`reference run with the stop-gradient: RankMe \${healthy.rank.toFixed(2)} (expected > \${collapsed.rank.toFixed(2)} + 1.5)\`);
  // END HIDDEN TESTS
  console.log(\`✓ collapse without the stop-gradient: std \${collapsed.std.toFixed(4)}, RankMe \${collapsed.rank.toFixed(2)}\`);
}
`, 2),
  free(String.raw`
// Your experiments (not graded): other seeds, BYOL's EMA target with your emaUpdate, VICReg or Barlow Twins as the
// loss of trainSiamese (wrap them: (p1, z2, p2, z1) => vicregInvariance(z1, z2) + ...), more steps.
`),
  written('collapse_why', String.raw`
**Question (2 points, graded by hand).** Quote your table. For each of SimSiam's predictor + stop-gradient,
BYOL's/DINO's EMA teacher, DINO's centring (and sharpening), and VICReg's variance term: what trivial solution would
the method fall into without it, and how does that device prevent it? 4–8 sentences.

<!-- BEGIN SOLUTION -->
Without the stop-gradient the two branches can agree trivially by mapping every input to the same vector, which the
table shows: std of the normalised projections near 0 and RankMe near 1–3 instead of ~0.12 and ~6. The stop-gradient
turns the loss into an alternating optimisation (the target is treated as a constant), and the predictor has to map
one view's projection onto the other's, so the constant solution is not reached by following the gradient. The EMA
teacher is a slowly moving target: the student chases a target that does not move with it, so it cannot drag the
target to a constant in one step. DINO's centring keeps any one prototype from dominating (it alone would make the
teacher's output uniform), sharpening keeps it from becoming uniform; together they balance the two collapses.
VICReg's hinge on each dimension's standard deviation directly forbids the shrinkage of all embeddings to a point.
<!-- END SOLUTION -->
`, 2),
  written('review', String.raw`
**Review questions (3 points, graded by hand; deck 003).** Answer each in 2–4 sentences.

1. What is self-supervised learning, and how does it differ from supervised and from unsupervised learning?
2. What is the role of the projection head (why are the representations taken *before* it)?
3. What are important hyper-parameters for self-supervised learning, and why?

<!-- BEGIN SOLUTION -->
1. SSL learns representations from unlabelled data with a supervised-style objective whose targets come from the
   data itself (another view, a masked part, a rotation). Unlike supervised learning it needs no human labels;
   unlike classical unsupervised learning (clustering, density estimation) it is trained with a pretext objective
   designed so that solving it requires useful features, and it is judged by downstream transfer.
2. The projector maps the representation to the space where the SSL loss is applied; it absorbs the invariances the
   loss enforces (e.g. to colour), so the backbone's output keeps information useful downstream. Taking features
   before it gives better linear probes (SimCLR: +10 points); it also shapes the dimensionality the loss sees.
3. The augmentations (which invariances are learnt), batch size (negatives, batch statistics), temperature,
   learning rate, schedule and weight decay, optimiser (LARS), EMA momentum, projector width/depth and output
   dimension, and training length; deck 003: performance gaps between methods are mostly projector dimension
   and hyper-parameter tuning, especially for ViTs.
<!-- END SOLUTION -->
`, 3),
];

writeHomework(new URL('../../notebooks/homework/hw3-non-contrastive.ipynb', import.meta.url).pathname, 'Homework 3: non-contrastive SSL (Barlow Twins, VICReg, SimSiam, EMA, DINO) and collapse', cells);
