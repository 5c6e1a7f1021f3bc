/**
 * k-means clustering (deck 002, "K-means clustering"): represent the data by k centres c(1..k),
 *
 *   min_{c, i} Σ_x ‖x − c(i(x))‖²
 *
 * by alternating (Lloyd's algorithm) the assignment  i(x) = argmin_j ‖x − c(j)‖²  (centres fixed) and the update
 * c(j) = mean{x : i(x) = j}  (assignments fixed), until no centre moves by more than `tolerance` (squared).
 * Seeding: k-means++ ({@link kMeansPlusPlus}); `restarts` runs with different seeds keep the lowest loss.
 * K-means is an autoencoder: encoder E(x) = one-hot(i(x)), decoder D(h) = Σ_j h_j c(j) (deck 002).
 *
 * Two engines compute the same iterations from the same seeds:
 * - 'ml-kmeans': the ml-kmeans package (JS, float64) — fine for small N·D;
 * - 'tensor': assignments by tiled matMul/argMin and centre sums by a one-hot matMul on the active backend
 *   (float32), for large N such as 60k×784.
 * Both keep an empty cluster's centre during a run; when a run ends with empty clusters, each is re-seeded at
 * the point farthest from its centre and the run continues (at most `reseedRounds` times).
 */
import * as tf from '@tensorflow/tfjs-core';
import { kmeans as mlKmeans } from 'ml-kmeans';
import { checkFeatures, type Features, featuresToTensor } from '../linalg/features.js';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { kMeansPlusPlus } from './kmeans-init.js';

export type KMeansEngine = 'auto' | 'tensor' | 'ml-kmeans';

export interface KMeansOptions {
  /** Number of clusters. */
  k: number;
  /** Independent k-means++ starts; the run with the lowest loss wins (default 1). */
  restarts?: number;
  /** Lloyd iterations per run (default 100). */
  maxIterations?: number;
  /** Stop when every centre moves less than this (squared distance; default 1e-6, as ml-kmeans). */
  tolerance?: number;
  seed?: number;
  /** 'auto' (default): ml-kmeans when N·D ≤ 200,000, else the tensor engine. */
  engine?: KMeansEngine;
  /** Start from these k×D centres instead of k-means++ (restarts then must be 1). */
  initialCenters?: Features;
  /** Rows per tile of the tensor engine (default 8192). */
  tileRows?: number;
  /** How many times empty clusters may be re-seeded (default 10). */
  reseedRounds?: number;
}

export interface KMeansResult {
  /** k×D centres. */
  centers: Features;
  /** Cluster of each row. */
  assignments: Int32Array;
  /** The loss Σ_x ‖x − c(i(x))‖² of the returned clustering. */
  inertia: number;
  /** Lloyd iterations of the winning run (summed over its re-seeding rounds). */
  iterations: number;
  /** Loss of every restart. */
  inertias: number[];
  /** Empty clusters re-seeded in the winning run. */
  reseeded: number;
  engine: 'tensor' | 'ml-kmeans';
}

interface LloydResult {
  centers: Float64Array;
  assignments: Int32Array;
  iterations: number;
}

/** Squared distance between row i of `f` and centre j of `centers` (float64). */
function sqDist(f: Features, i: number, centers: Float64Array, j: number): number {
  let s = 0;
  const o = i * f.dim, co = j * f.dim;
  for (let t = 0; t < f.dim; t++) {
    const v = f.data[o + t]! - centers[co + t]!;
    s += v * v;
  }
  return s;
}

function moved(a: Float64Array, b: Float64Array, k: number, dim: number, tolerance: number): boolean {
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let t = 0; t < dim; t++) s += (a[j * dim + t]! - b[j * dim + t]!) ** 2;
    if (!(s <= tolerance)) return true; // converged when every move is <= tolerance (as ml-kmeans)
  }
  return false;
}

/** Lloyd's iterations through ml-kmeans (float64, JS). */
function lloydMl(rows: number[][], centers: Float64Array, k: number, dim: number, maxIterations: number, tolerance: number): LloydResult {
  const init: number[][] = [];
  for (let j = 0; j < k; j++) init.push(Array.from(centers.subarray(j * dim, (j + 1) * dim)));
  const r = mlKmeans(rows, k, { initialization: init, maxIterations, tolerance });
  const out = new Float64Array(k * dim);
  r.centroids.forEach((c, j) => out.set(c, j * dim));
  return { centers: out, assignments: Int32Array.from(r.clusters), iterations: r.iterations };
}

/** Lloyd's iterations on the backend: tiled distances + argMin, centre sums by onehotᵀ·X (float32). */
async function lloydTensor(x: tf.Tensor2D, centers: Float64Array, k: number, maxIterations: number, tolerance: number, tileRows: number): Promise<LloydResult> {
  const [n, dim] = x.shape;
  let c = centers;
  let assignments = new Int32Array(n);
  let iterations = 0;
  for (;;) {
    iterations++;
    const cT = tf.tensor2d(Float32Array.from(c), [k, dim]);
    const sums: tf.Tensor[] = [];
    const counts: tf.Tensor[] = [];
    const parts: tf.Tensor[] = [];
    try {
      const cc = tf.tidy(() => tf.reshape(tf.sum(tf.square(cT), 1), [1, k]));
      for (let s = 0; s < n; s += tileRows) {
        const e = Math.min(n, s + tileRows);
        const [a, sum, count] = tf.tidy(() => {
          const xt = tf.slice(x, [s, 0], [e - s, dim]);
          // argmin_j ‖x − c_j‖² = argmin_j (‖c_j‖² − 2 x·c_j)
          const a = tf.argMin(tf.sub(cc, tf.mul(2, tf.matMul(xt, cT, false, true))), 1) as tf.Tensor1D;
          // Centre sums as onehot(a)ᵀ X (one matMul; the cpu backend's unsortedSegmentSum is far slower).
          const onehot = tf.cast(tf.oneHot(a, k), 'float32');
          return [a, tf.matMul(onehot, xt, true, false), tf.sum(onehot, 0)];
        });
        parts.push(a);
        sums.push(sum);
        counts.push(count);
      }
      cc.dispose();
      const [sumT, countT, allA] = tf.tidy(() => [tf.addN(sums), tf.addN(counts), tf.concat(parts)]);
      const [sv, cv, av] = await Promise.all([sumT.data(), countT.data(), allA.data()]);
      tf.dispose([sumT, countT, allA]);
      assignments = new Int32Array(av as Int32Array);
      const next = new Float64Array(k * dim);
      for (let j = 0; j < k; j++) {
        const cnt = cv[j]!;
        for (let t = 0; t < dim; t++) next[j * dim + t] = cnt > 0 ? sv[j * dim + t]! / cnt : c[j * dim + t]!;
      }
      const go = moved(next, c, k, dim, tolerance);
      c = next;
      if (!go || iterations >= maxIterations) break;
    } finally {
      tf.dispose([cT, ...sums, ...counts, ...parts]);
    }
  }
  return { centers: c, assignments, iterations };
}

/** Cluster the rows of `f` into k groups (see the module comment). */
export async function kMeans(f: Features, options: KMeansOptions): Promise<KMeansResult> {
  const where = 'kMeans';
  checkFeatures(f, where, 'features');
  check(options !== null && typeof options === 'object', where, 'options', 'an object { k, ... }', options);
  const { k, restarts = 1, maxIterations = 100, tolerance = 1e-6, seed = 0, tileRows = 8192, reseedRounds = 10 } = options;
  check(Number.isInteger(k) && k >= 1 && k <= f.n, where, 'k', `an integer in [1, N = ${f.n}]`, k, 'choose k <= the number of rows');
  check(Number.isInteger(restarts) && restarts >= 1, where, 'restarts', 'a positive integer', restarts);
  check(Number.isInteger(maxIterations) && maxIterations >= 1, where, 'maxIterations', 'a positive integer', maxIterations);
  check(tolerance >= 0, where, 'tolerance', 'a number >= 0', tolerance);
  check(Number.isInteger(tileRows) && tileRows > 0, where, 'tileRows', 'a positive integer', tileRows);
  const engine = options.engine === undefined || options.engine === 'auto' ? (f.n * f.dim <= 200_000 ? 'ml-kmeans' : 'tensor') : options.engine;
  check(engine === 'tensor' || engine === 'ml-kmeans', where, 'engine', "'auto', 'tensor' or 'ml-kmeans'", options.engine);
  if (options.initialCenters) {
    checkFeatures(options.initialCenters, where, 'initialCenters');
    check(options.initialCenters.n === k && options.initialCenters.dim === f.dim, where, 'initialCenters', `k×D = ${k}×${f.dim} centres`, `${options.initialCenters.n}×${options.initialCenters.dim}`);
    check(restarts === 1, where, 'restarts', '1 when initialCenters are given', restarts);
  }
  const { n, dim } = f;
  const rows = engine === 'ml-kmeans' ? Array.from({ length: n }, (_, i) => Array.from(f.data.subarray(i * dim, (i + 1) * dim))) : undefined;
  const x = engine === 'tensor' ? featuresToTensor(f) : undefined;
  const rng = new Rng(seed);
  let best: (LloydResult & { inertia: number; reseeded: number }) | undefined;
  const inertias: number[] = [];
  try {
    for (let r = 0; r < restarts; r++) {
      let centers: Float64Array;
      if (options.initialCenters) centers = Float64Array.from(options.initialCenters.data);
      else {
        const seeds = kMeansPlusPlus(f, k, rng);
        centers = new Float64Array(k * dim);
        seeds.forEach((i, j) => centers.set(f.data.subarray(i * dim, (i + 1) * dim), j * dim));
      }
      let iterations = 0, reseeded = 0;
      let run: LloydResult;
      for (let round = 0; ; round++) {
        run = engine === 'tensor' ? await lloydTensor(x!, centers, k, maxIterations, tolerance, tileRows) : lloydMl(rows!, centers, k, dim, maxIterations, tolerance);
        iterations += run.iterations;
        const empty = emptyClusters(run.assignments, k);
        if (empty.length === 0 || round >= reseedRounds) break;
        centers = reseed(f, run, empty);
        reseeded += empty.length;
      }
      const inertia = inertiaOf(f, run.centers, run.assignments);
      inertias.push(inertia);
      if (!best || inertia < best.inertia) best = { ...run, iterations, inertia, reseeded };
    }
  } finally {
    x?.dispose();
  }
  return {
    centers: { data: Float32Array.from(best!.centers), n: k, dim },
    assignments: best!.assignments,
    inertia: best!.inertia,
    iterations: best!.iterations,
    inertias,
    reseeded: best!.reseeded,
    engine,
  };
}

function emptyClusters(assignments: Int32Array, k: number): number[] {
  const count = new Int32Array(k);
  for (const a of assignments) count[a]!++;
  const out: number[] = [];
  for (let j = 0; j < k; j++) if (count[j] === 0) out.push(j);
  return out;
}

/** New centres: each empty cluster moves to a distinct point farthest from its assigned centre. */
function reseed(f: Features, run: LloydResult, empty: number[]): Float64Array {
  const d = new Float64Array(f.n);
  for (let i = 0; i < f.n; i++) d[i] = sqDist(f, i, run.centers, run.assignments[i]!);
  const order = Array.from({ length: f.n }, (_, i) => i).sort((a, b) => d[b]! - d[a]! || a - b);
  const centers = Float64Array.from(run.centers);
  empty.forEach((j, m) => centers.set(f.data.subarray(order[m]! * f.dim, (order[m]! + 1) * f.dim), j * f.dim));
  return centers;
}

function inertiaOf(f: Features, centers: Float64Array, assignments: Int32Array): number {
  let s = 0;
  for (let i = 0; i < f.n; i++) s += sqDist(f, i, centers, assignments[i]!);
  return s;
}

/** Encoder of k-means as an autoencoder: the nearest centre of each row of `f` (tiled on the backend). */
export async function kMeansAssign(centers: Features, f: Features, { tileRows = 8192 } = {}): Promise<Int32Array> {
  checkFeatures(centers, 'kMeansAssign', 'centers');
  checkFeatures(f, 'kMeansAssign', 'features');
  check(centers.dim === f.dim, 'kMeansAssign', 'features', `rows of dimension ${centers.dim} (the centres')`, f.dim);
  const cT = featuresToTensor(centers);
  const out = new Int32Array(f.n);
  try {
    const cc = tf.tidy(() => tf.reshape(tf.sum(tf.square(cT), 1), [1, -1]));
    for (let s = 0; s < f.n; s += tileRows) {
      const e = Math.min(f.n, s + tileRows);
      const a = tf.tidy(() => tf.argMin(tf.sub(cc, tf.mul(2, tf.matMul(featuresToTensor(f, s, e), cT, false, true))), 1));
      out.set((await a.data()) as Int32Array, s);
      a.dispose();
    }
    cc.dispose();
  } finally {
    cT.dispose();
  }
  return out;
}

/** Decoder of k-means as an autoencoder: each code (a cluster index, i.e. a one-hot vector) → its centre. */
export function kMeansDecode(centers: Features, assignments: ArrayLike<number>): Features {
  const out = new Float32Array(assignments.length * centers.dim);
  for (let i = 0; i < assignments.length; i++) {
    const j = assignments[i]!;
    check(Number.isInteger(j) && j >= 0 && j < centers.n, 'kMeansDecode', 'assignments', `cluster indices in [0, ${centers.n})`, `${j} at index ${i}`);
    out.set(centers.data.subarray(j * centers.dim, (j + 1) * centers.dim), i * centers.dim);
  }
  return { data: out, n: assignments.length, dim: centers.dim };
}
