/**
 * Online triplet mining over a K×M batch — Hermans, Beyer & Leibe 2017, "In Defense of the Triplet Loss"
 * (deck 000, "Triplet mining (1/2), (2/2)"). With d_ap, d_an the anchor-positive and anchor-negative distances
 * (the quantities in place of d² in the triplet loss) and m the margin, a valid triplet (y_a = y_p, a ≠ p,
 * y_n ≠ y_a) is
 *
 *   easy       d_an ≥ d_ap + m         (loss 0: contributes nothing)
 *   semi-hard  d_ap < d_an < d_ap + m  (0 < loss < m)
 *   hard       d_an ≤ d_ap             (loss ≥ m)
 *
 * Strategies: 'all' (every valid triplet), 'easy', 'semihard', 'hard', 'nonEasy' (hard + semi-hard, the deck's
 * "all valid triplets except the easy ones") and 'batchHard' (for each anchor: the positive at maximal distance
 * and the negative at minimal distance, one triplet per anchor; ties go to the smaller index).
 *
 * `mineTriplets` reads the distances back (async) and returns index triplets for `tripletLossFromIndices`;
 * `onlineTripletLoss` (online-triplet.ts) computes the same selection with masks inside the graph.
 *
 *   const triplets = await mineTriplets(embeddings, labels, { strategy: 'semihard', margin: 0.2 });
 *   const loss = tripletLossFromIndices(embeddings, triplets, { margin: 0.2 });
 */
import * as tf from '@tensorflow/tfjs-core';
import { pairwiseDistance } from '../../ops/distances.js';
import { check } from '../../util/errors.js';
import { checkPairsPossible, isTensor, labelValues, type Labels } from './common.js';
import { resolveTripletOptions, type TripletLossOptions, type Triplets } from './triplet.js';
import { checkEmbeddings } from '../../util/checks.js';

export type TripletKind = 'easy' | 'semihard' | 'hard';
export type TripletStrategy = 'all' | TripletKind | 'nonEasy' | 'batchHard';
export const TRIPLET_STRATEGIES: readonly TripletStrategy[] = ['all', 'easy', 'semihard', 'hard', 'nonEasy', 'batchHard'];

export interface MineOptions extends TripletLossOptions {
  /** Which triplets to return (default 'batchHard'). */
  strategy?: TripletStrategy;
}

/** Kind of a valid triplet from its distances (see the table above). */
export function tripletKind(dap: number, dan: number, margin: number): TripletKind {
  if (dan >= dap + margin) return 'easy';
  if (dan > dap) return 'semihard';
  return 'hard';
}

export function checkStrategy(where: string, strategy: unknown, allowed: readonly string[] = TRIPLET_STRATEGIES): asserts strategy is TripletStrategy {
  check(typeof strategy === 'string' && allowed.includes(strategy), where, 'strategy', `one of ${allowed.map((s) => `'${s}'`).join(', ')}`, strategy);
}

async function readBatch(where: string, embeddings: tf.Tensor2D, labels: Labels, options: TripletLossOptions) {
  checkEmbeddings(where, 'embeddings', embeddings, 2, { float32: true });
  const n = embeddings.shape[0];
  const { margin, distance } = resolveTripletOptions(where, options);
  let raw: ArrayLike<number> = labels as ArrayLike<number>;
  if (isTensor(labels)) {
    check(labels.rank === 1 && labels.shape[0] === n, where, 'labels', `a tensor [${n}] (one label per row)`, labels);
    raw = await labels.data();
  }
  const y = labelValues(where, raw, n);
  checkPairsPossible(where, y);
  const dt = pairwiseDistance(embeddings, embeddings, distance);
  const d = (await dt.data()) as Float32Array;
  dt.dispose();
  return { n, y, d, margin };
}

/**
 * Mine index triplets from a labelled batch (async: reads the distance matrix). Errors when the batch has no
 * positive pair or a single class (JS or tensor labels: they are read here).
 */
export async function mineTriplets(embeddings: tf.Tensor2D, labels: Labels, options: MineOptions = {}): Promise<Triplets> {
  const where = 'mineTriplets';
  const { strategy = 'batchHard' } = options;
  checkStrategy(where, strategy);
  const { n, y, d, margin } = await readBatch(where, embeddings, labels, options);
  const A: number[] = [];
  const P: number[] = [];
  const N: number[] = [];
  for (let a = 0; a < n; a++) {
    if (strategy === 'batchHard') {
      let p = -1;
      let q = -1;
      for (let j = 0; j < n; j++) {
        if (j === a) continue;
        const v = d[a * n + j]!;
        if (y[j] === y[a]) {
          if (p < 0 || v > d[a * n + p]!) p = j;
        } else if (q < 0 || v < d[a * n + q]!) q = j;
      }
      if (p >= 0 && q >= 0) {
        A.push(a);
        P.push(p);
        N.push(q);
      }
      continue;
    }
    for (let p = 0; p < n; p++) {
      if (p === a || y[p] !== y[a]) continue;
      const dap = d[a * n + p]!;
      for (let q = 0; q < n; q++) {
        if (y[q] === y[a]) continue;
        const kind = tripletKind(dap, d[a * n + q]!, margin);
        const keep = strategy === 'all' || strategy === kind || (strategy === 'nonEasy' && kind !== 'easy');
        if (keep) {
          A.push(a);
          P.push(p);
          N.push(q);
        }
      }
    }
  }
  return { anchor: Int32Array.from(A), positive: Int32Array.from(P), negative: Int32Array.from(N) };
}

/** How many valid triplets of the batch are easy, semi-hard and hard (async). */
export async function countTripletKinds(embeddings: tf.Tensor2D, labels: Labels, options: TripletLossOptions = {}): Promise<Record<TripletKind, number> & { total: number }> {
  const { n, y, d, margin } = await readBatch('countTripletKinds', embeddings, labels, options);
  const out = { easy: 0, semihard: 0, hard: 0, total: 0 };
  for (let a = 0; a < n; a++)
    for (let p = 0; p < n; p++) {
      if (p === a || y[p] !== y[a]) continue;
      for (let q = 0; q < n; q++) {
        if (y[q] === y[a]) continue;
        out[tripletKind(d[a * n + p]!, d[a * n + q]!, margin)]++;
        out.total++;
      }
    }
  return out;
}
