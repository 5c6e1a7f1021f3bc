/**
 * Exact t-SNE (van der Maaten & Hinton 2008), O(N²) per iteration: for up to a few thousand points.
 *
 *   p_{j|i} = exp(−β_i ‖x_i − x_j‖²) / Σ_{k≠i} exp(−β_i ‖x_i − x_k‖²), β_i set so that 2^{H(P_i)} = perplexity,
 *   p_ij = (p_{j|i} + p_{i|j}) / 2N,     q_ij = (1 + ‖y_i − y_j‖²)^{-1} / Σ_{k≠l} (1 + ‖y_k − y_l‖²)^{-1},
 *   minimise KL(P ‖ Q):  ∂C/∂y_i = 4 Σ_j (p_ij − q_ij)(y_i − y_j)(1 + ‖y_i − y_j‖²)^{-1}
 *
 * by gradient descent with momentum (0.5, then 0.8), per-parameter gains, early exaggeration (P × 12 for the
 * first quarter of the iterations) and learning rate max(N / 48, 50) (scikit-learn's 'auto'). Start: N(0, 10⁻⁴ I),
 * seeded. Runs in JS (float64).
 */
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { checkFeatures, type Features } from './features.js';

export interface TsneOptions {
  /** Effective number of neighbours (default 30; must be < N). */
  perplexity?: number;
  /** Gradient steps (default 750). */
  iterations?: number;
  /** Default max(N / 48, 50). */
  learningRate?: number;
  /** Early exaggeration factor (default 12). */
  exaggeration?: number;
  seed?: number;
  /** Output dimensions (default 2). */
  dims?: number;
}

/** Squared Euclidean distances between all rows (float64, N×N). */
function squaredDistances(f: Features): Float64Array {
  const { n, dim, data } = f;
  const d = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    let s = 0;
    for (let t = 0; t < dim; t++) {
      const v = data[i * dim + t]! - data[j * dim + t]!;
      s += v * v;
    }
    d[i * n + j] = s;
    d[j * n + i] = s;
  }
  return d;
}

/** Joint probabilities P (symmetrised conditionals, perplexity-calibrated by bisection on β_i). */
export function tsneAffinities(f: Features, perplexity: number): Float64Array {
  return drain(affinitySteps(f, perplexity));
}

/** {@link tsneAffinities} as steps: yields after every row's bisection (so an async driver can let the event loop run). */
function* affinitySteps(f: Features, perplexity: number): Generator<void, Float64Array> {
  const n = f.n;
  const D = squaredDistances(f);
  const P = new Float64Array(n * n);
  const target = Math.log(perplexity);
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let beta = 1, lo = -Infinity, hi = Infinity;
    // Scale β's starting point by the typical distance, so bisection starts near the answer.
    let mean = 0;
    for (let j = 0; j < n; j++) mean += D[i * n + j]!;
    mean /= n - 1;
    if (mean > 0) beta = 1 / mean;
    for (let iter = 0; iter < 100; iter++) {
      let sum = 0, dsum = 0;
      for (let j = 0; j < n; j++) {
        const v = j === i ? 0 : Math.exp(-D[i * n + j]! * beta);
        row[j] = v;
        sum += v;
        dsum += v * D[i * n + j]!;
      }
      const H = sum > 0 ? Math.log(sum) + (beta * dsum) / sum : 0;
      if (Math.abs(H - target) < 1e-5) break;
      if (H > target) {
        lo = beta;
        beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
      } else {
        hi = beta;
        beta = lo === -Infinity ? beta / 2 : (beta + lo) / 2;
      }
    }
    let sum = 0;
    for (let j = 0; j < n; j++) sum += row[j]!;
    for (let j = 0; j < n; j++) P[i * n + j] = sum > 0 ? row[j]! / sum : j === i ? 0 : 1 / (n - 1);
    yield;
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
    const v = Math.max((P[i * n + j]! + P[j * n + i]!) / (2 * n), 1e-12);
    P[i * n + j] = v;
    P[j * n + i] = v;
  }
  for (let i = 0; i < n; i++) P[i * n + i] = 0;
  return P;
}

/** t-SNE embedding of the rows of `f` into `dims` dimensions (N × dims Features). Blocks until done: see {@link tsneAsync}. */
export function tsne(f: Features, options: TsneOptions = {}): Features {
  return drain(tsneSteps(f, options, 'tsne'));
}

/**
 * {@link tsne}, the same result to the bit, computed in slices of about `sliceMs` milliseconds (default 50) with the
 * event loop let run between them: exact t-SNE of a few thousand points is a minute of CPU, and a notebook kernel
 * (tslab) that blocks its event loop that long answers no heartbeat, interrupt or output message meanwhile.
 */
export async function tsneAsync(f: Features, options: TsneOptions & { sliceMs?: number } = {}): Promise<Features> {
  const { sliceMs = 50, ...rest } = options;
  check(Number.isFinite(sliceMs) && sliceMs > 0, 'tsneAsync', 'sliceMs', 'a positive number of milliseconds', sliceMs);
  return drainAsync(tsneSteps(f, rest, 'tsneAsync'), sliceMs);
}

/** Run a step generator to its end (synchronously). */
function drain<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Run a step generator to its end, yielding to the event loop (setImmediate) every `sliceMs` milliseconds. */
export async function drainAsync<T>(steps: Generator<void, T>, sliceMs: number): Promise<T> {
  let start = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    if (performance.now() - start >= sliceMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      start = performance.now();
    }
  }
}

/** The t-SNE computation as steps: one yield per affinity row and per gradient iteration. */
function* tsneSteps(f: Features, options: TsneOptions, where: string): Generator<void, Features> {
  checkFeatures(f, where, 'features', { minRows: 3 });
  const n = f.n;
  const { perplexity = Math.min(30, (n - 1) / 3), iterations = 750, exaggeration = 12, seed = 0, dims = 2 } = options;
  const learningRate = options.learningRate ?? Math.max(n / exaggeration / 4, 50);
  check(n <= 5000, where, 'features', 'at most 5000 rows (exact t-SNE is O(N²) in time and memory)', `${n} rows`, 'subsample the rows, or use method umap');
  check(perplexity > 0 && perplexity < n, where, 'perplexity', `a number in (0, N = ${n})`, perplexity, 'use a perplexity well below the number of points (5–50)');
  check(Number.isInteger(iterations) && iterations > 0, where, 'iterations', 'a positive integer', iterations);
  check(learningRate > 0, where, 'learningRate', 'a positive number', learningRate);
  check(Number.isInteger(dims) && dims >= 1, where, 'dims', 'a positive integer', dims);
  const P = yield* affinitySteps(f, perplexity);
  const rng = new Rng(seed);
  const Y = new Float64Array(n * dims);
  for (let i = 0; i < Y.length; i++) Y[i] = rng.normal(0, 1e-4);
  const update = new Float64Array(n * dims);
  const gains = new Float64Array(n * dims).fill(1);
  const grad = new Float64Array(n * dims);
  const num = new Float64Array(n * n);
  const exaggerate = Math.max(1, Math.floor(iterations / 4));
  for (let it = 0; it < iterations; it++) {
    const ex = it < exaggerate ? exaggeration : 1;
    const momentum = it < exaggerate ? 0.5 : 0.8;
    let sumQ = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let t = 0; t < dims; t++) {
        const v = Y[i * dims + t]! - Y[j * dims + t]!;
        s += v * v;
      }
      const q = 1 / (1 + s);
      num[i * n + j] = q;
      num[j * n + i] = q;
      sumQ += 2 * q;
    }
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const q = num[i * n + j]!;
        const m = (ex * P[i * n + j]! - q / sumQ) * q;
        for (let t = 0; t < dims; t++) grad[i * dims + t]! += 4 * m * (Y[i * dims + t]! - Y[j * dims + t]!);
      }
    }
    for (let k = 0; k < Y.length; k++) {
      const g = grad[k]!;
      gains[k] = Math.max(0.01, Math.sign(g) !== Math.sign(update[k]!) ? gains[k]! + 0.2 : gains[k]! * 0.8);
      update[k] = momentum * update[k]! - learningRate * gains[k]! * g;
      Y[k]! += update[k]!;
    }
    for (let t = 0; t < dims; t++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += Y[i * dims + t]!;
      m /= n;
      for (let i = 0; i < n; i++) Y[i * dims + t]! -= m;
    }
    yield;
  }
  return { data: Float32Array.from(Y), n, dim: dims };
}
