/**
 * k-nearest-neighbour classification on frozen features (deck 001, "KNN evaluation": classify each test item by
 * the labels of its k nearest training items in representation space).
 *
 * - plain (`weighted: false`): majority vote of the k neighbours; a tie goes to the tied class holding the
 *   nearest neighbour.
 * - weighted (`weighted: true`, InstDisc — Wu et al. 2018 — and DINO's kNN protocol): neighbour j votes for its
 *   class with weight exp(s_j / τ), s_j its similarity: cosine similarity for `metric: 'cosine'`, and
 *   −‖a − b‖²/2 for `'euclidean'` (for unit-norm features both give the same votes). τ = 0.07 by default.
 *
 * The N_test × N_train similarities are computed in tiles of test rows on the active backend (matMul), so 10k ×
 * 60k fits in memory; only the k best per row come back to the CPU.
 */
import { check } from '../util/errors.js';
import { checkFeatures, checkLabels, type Features } from './features.js';
import { accuracy } from './metrics.js';
import { referenceSimilarity } from './similarity.js';
import { rowTopK } from './topk-rows.js';

export type KnnMetric = 'cosine' | 'euclidean';

export interface KnnOptions {
  /** Number of neighbours (default 20). */
  k?: number;
  /** Similarity (default 'cosine'). */
  metric?: KnnMetric;
  /** Temperature-weighted votes (default false: majority vote). */
  weighted?: boolean;
  /** τ of the weighted vote (default 0.07). */
  temperature?: number;
  /** Number of classes (default 1 + the largest training label). */
  numClasses?: number;
  /** Test rows per tile (default: about 16M similarities per tile). */
  tileRows?: number;
  /** Exclude the item itself (use when test === train, leave-one-out): neighbour i of row i is skipped. */
  excludeSelf?: boolean;
}

export interface KnnResult {
  /** Predicted class per test row. */
  predictions: Int32Array;
  /**
   * Votes per class, row-major [N_test × numClasses]: counts, or summed weights exp((s_j − s_1)/τ) (scaled so the
   * nearest neighbour weighs 1; the scale is per row and does not change the ranking). Use with topKAccuracy.
   */
  votes: Float32Array;
  /** Indices of the k nearest training rows per test row, nearest first, row-major [N_test × k]. */
  neighbors: Int32Array;
  numClasses: number;
}

/** Classify every row of `test` by its k nearest rows of `train`. */
export async function knnClassify(train: Features, trainLabels: ArrayLike<number>, test: Features, options: KnnOptions = {}): Promise<KnnResult> {
  const where = 'knnClassify';
  checkFeatures(train, where, 'train');
  checkFeatures(test, where, 'test');
  const maxLabel = checkLabels(trainLabels, train.n, where, 'trainLabels', 'train');
  const { k = 20, metric = 'cosine', weighted = false, temperature = 0.07, excludeSelf = false } = options;
  const numClasses = options.numClasses ?? maxLabel;
  check(test.dim === train.dim, where, 'test', `features of the same dimension as train (${train.dim})`, `dim ${test.dim}`, 'embed both sets with the same encoder');
  const avail = train.n - (excludeSelf ? 1 : 0);
  check(Number.isInteger(k) && k >= 1 && k <= avail, where, 'k', `an integer in [1, ${avail}] (the number of training rows${excludeSelf ? ' minus one' : ''})`, k, 'choose k <= the number of training rows');
  check(metric === 'cosine' || metric === 'euclidean', where, 'metric', "'cosine' or 'euclidean'", metric);
  check(temperature > 0 && Number.isFinite(temperature), where, 'temperature', 'a positive number', temperature);
  check(Number.isInteger(numClasses) && numClasses >= maxLabel, where, 'numClasses', `an integer >= 1 + the largest label (${maxLabel})`, numClasses);
  check(!excludeSelf || test.n === train.n, where, 'excludeSelf', 'used only with test = train (same rows)', excludeSelf);
  const kk = k + (excludeSelf ? 1 : 0);
  const tileRows = options.tileRows ?? Math.max(1, Math.min(test.n, Math.floor(16_000_000 / train.n)));
  check(Number.isInteger(tileRows) && tileRows > 0, where, 'tileRows', 'a positive integer', tileRows);

  const predictions = new Int32Array(test.n);
  const votes = new Float32Array(test.n * numClasses);
  const neighbors = new Int32Array(test.n * k);
  // The training matrix goes on the backend once; similarities come in tiles of test rows.
  const similarity = referenceSimilarity(train, metric);
  try {
    for (let s = 0; s < test.n; s += tileRows) {
      const e = Math.min(test.n, s + tileRows);
      // euclidean: a·b − ‖b‖²/2, −‖a−b‖²/2 up to the per-row constant −‖a‖²/2 (added back below)
      const sims = similarity.tile(test, s, e);
      let top;
      try {
        top = await rowTopK(sims, kk);
      } finally {
        sims.dispose();
      }
      for (let r = 0; r < e - s; r++) {
        const i = s + r;
        let aa = 0;
        if (metric === 'euclidean') for (let j = 0; j < test.dim; j++) aa += test.data[i * test.dim + j]! ** 2;
        const v = votes.subarray(i * numClasses, (i + 1) * numClasses);
        let taken = 0;
        let top1 = NaN; // similarity of the nearest neighbour: weights are exp((s − s_1)/τ), which keeps them finite
        for (let m = 0; m < kk && taken < k; m++) {
          const idx = top.indices[r * kk + m]!;
          if (excludeSelf && idx === i) continue;
          const sim = metric === 'cosine' ? top.values[r * kk + m]! : top.values[r * kk + m]! - aa / 2;
          const y = trainLabels[idx]!;
          if (taken === 0) top1 = sim;
          v[y]! += weighted ? Math.exp((sim - top1) / temperature) : 1;
          neighbors[i * k + taken] = idx;
          taken++;
        }
        let best = -Infinity;
        for (let c = 0; c < numClasses; c++) if (v[c]! > best) best = v[c]!;
        // Tie: the tied class that holds the nearest neighbour.
        let pred = -1;
        for (let m = 0; m < k && pred < 0; m++) {
          const y = trainLabels[neighbors[i * k + m]!]!;
          if (v[y] === best) pred = y;
        }
        predictions[i] = pred;
      }
    }
  } finally {
    similarity.dispose();
  }
  return { predictions, votes, neighbors, numClasses };
}

/** kNN accuracy of `test` against `train` (knnClassify + accuracy); returns the accuracy and the result. */
export async function knnAccuracy(
  train: Features, trainLabels: ArrayLike<number>, test: Features, testLabels: ArrayLike<number>, options: KnnOptions = {},
): Promise<{ accuracy: number } & KnnResult> {
  checkLabels(testLabels, test.n, 'knnAccuracy', 'testLabels', 'test');
  const r = await knnClassify(train, trainLabels, test, options);
  return { accuracy: accuracy(r.predictions, testLabels), ...r };
}
