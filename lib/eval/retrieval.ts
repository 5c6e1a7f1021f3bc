/**
 * Retrieval metrics of deep metric learning, as defined by "A Metric Learning Reality Check" (Musgrave, Belongie &
 * Lim 2020; deck 003) and computed by pytorch-metric-learning's AccuracyCalculator. Each query's references are
 * ranked by similarity (nearest first; ties by smaller index). When the references are the queries themselves
 * (no `reference` given), a query is excluded from its own neighbours. For query q, R = the number of references of
 * its class (itself excluded), rel(i) = 1 if the i-th neighbour has q's class:
 *
 *   precision@1   rel(1)
 *   R-precision   (1/R) Σ_{i=1}^{R} rel(i)
 *   MAP@R         (1/R) Σ_{i=1}^{R} P(i)·rel(i),   P(i) = (1/i) Σ_{j=1}^{i} rel(j)
 *   recall@k      1 if some rel(i) = 1 for i ≤ k (the "Recall@K" of the DML literature)
 *
 * each averaged over the queries. Queries whose class has no reference (R = 0) are skipped and counted.
 * MAP@R rewards a well-ordered neighbourhood, not just the nearest neighbour: the Reality Check's main metric.
 */
import { check } from '../util/errors.js';
import { checkFeatures, checkLabels, type Features } from './features.js';
import { referenceSimilarity } from './similarity.js';

export interface RetrievalOptions {
  /** The database searched (default: the queries themselves, each excluded from its own neighbours). */
  reference?: Features;
  referenceLabels?: ArrayLike<number>;
  /** Similarity used for ranking: 'cosine' (default, as in the Reality Check) or 'euclidean'. */
  distance?: 'cosine' | 'euclidean';
  /** k values of recall@k (default [1, 2, 4, 8]). */
  recallAt?: number[];
  /** Query rows per similarity tile (default: about 8M similarities per tile). */
  tileRows?: number;
}

export interface RetrievalResult {
  precisionAt1: number;
  rPrecision: number;
  mapAtR: number;
  /** recall@k for every k asked for. */
  recallAt: Record<number, number>;
  /** Queries averaged over (those with R >= 1). */
  queries: number;
  /** Queries skipped because their class has no reference. */
  skipped: number;
}

/** Precision@1, R-precision, MAP@R and recall@k of `query` against `reference` (or against itself). */
export async function retrievalMetrics(query: Features, queryLabels: ArrayLike<number>, options: RetrievalOptions = {}): Promise<RetrievalResult> {
  const where = 'retrievalMetrics';
  checkFeatures(query, where, 'query');
  checkLabels(queryLabels, query.n, where, 'queryLabels', 'query');
  const self = options.reference === undefined;
  check(self === (options.referenceLabels === undefined), where, 'referenceLabels', 'given exactly when reference is given', options.referenceLabels === undefined ? 'missing' : 'given without reference');
  const ref = options.reference ?? query;
  const refLabels = options.referenceLabels ?? queryLabels;
  if (!self) {
    checkFeatures(ref, where, 'reference');
    checkLabels(refLabels, ref.n, where, 'referenceLabels', 'reference');
    check(ref.dim === query.dim, where, 'reference', `features of dimension ${query.dim} (as the queries)`, `dim ${ref.dim}`, 'embed both with the same encoder');
  }
  const { distance = 'cosine', recallAt = [1, 2, 4, 8] } = options;
  check(distance === 'cosine' || distance === 'euclidean', where, 'distance', "'cosine' or 'euclidean'", distance);
  check(Array.isArray(recallAt) && recallAt.every((k) => Number.isInteger(k) && k >= 1), where, 'recallAt', 'a list of positive integers', recallAt);
  const tileRows = options.tileRows ?? Math.max(1, Math.min(query.n, Math.floor(8_000_000 / ref.n)));
  check(Number.isInteger(tileRows) && tileRows > 0, where, 'tileRows', 'a positive integer', tileRows);

  // R per class: references of each class.
  const refCount = new Map<number, number>();
  for (let j = 0; j < ref.n; j++) refCount.set(refLabels[j]!, (refCount.get(refLabels[j]!) ?? 0) + 1);

  const similarity = referenceSimilarity(ref, distance);
  let p1 = 0, rp = 0, map = 0, counted = 0, skipped = 0;
  const recallHits = recallAt.map(() => 0);
  const m = ref.n;
  const order = new Int32Array(m);
  try {
    for (let s = 0; s < query.n; s += tileRows) {
      const e = Math.min(query.n, s + tileRows);
      // Similarity, larger = nearer: cosine, or a·b − ‖b‖²/2 (= −‖a − b‖²/2 up to a per-row constant).
      const simT = similarity.tile(query, s, e);
      let sims: Float32Array;
      try {
        sims = (await simT.data()) as Float32Array;
      } finally {
        simT.dispose();
      }
      for (let r = 0; r < e - s; r++) {
        const i = s + r;
        const yi = queryLabels[i]!;
        const R = (refCount.get(yi) ?? 0) - (self ? 1 : 0);
        if (R <= 0) {
          skipped++;
          continue;
        }
        const row = sims.subarray(r * m, (r + 1) * m);
        let len = 0;
        for (let j = 0; j < m; j++) if (!(self && j === i)) order[len++] = j;
        const ranked = order.subarray(0, len).sort((a, b) => row[b]! - row[a]! || a - b);
        let hits = 0;
        let ap = 0;
        let firstHit = -1;
        const depth = Math.max(R, ...recallAt);
        for (let t = 0; t < Math.min(depth, len); t++) {
          if (refLabels[ranked[t]!] !== yi) continue;
          if (firstHit < 0) firstHit = t;
          if (t < R) {
            hits++;
            ap += hits / (t + 1);
          }
        }
        if (firstHit === 0) p1++;
        rp += hits / R;
        map += ap / R;
        recallAt.forEach((k, c) => {
          if (firstHit >= 0 && firstHit < k) recallHits[c]!++;
        });
        counted++;
      }
    }
  } finally {
    similarity.dispose();
  }
  check(counted > 0, where, 'queryLabels', 'at least one query whose class has a reference', `${skipped} queries, none with a same-class reference`,
    'use a reference set that contains the query classes (or at least two examples per class)');
  const recall: Record<number, number> = {};
  recallAt.forEach((k, c) => (recall[k] = recallHits[c]! / counted));
  return { precisionAt1: p1 / counted, rPrecision: rp / counted, mapAtR: map / counted, recallAt: recall, queries: counted, skipped };
}
