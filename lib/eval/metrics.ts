/**
 * Classification metrics (deck 001, "Linear probing (evaluation)"): top-1 accuracy, top-k accuracy ("the correct
 * label is in the k highest-scoring predictions"), and the confusion matrix.
 */
import { check } from '../util/errors.js';

function checkSameLength(where: string, a: ArrayLike<number>, b: ArrayLike<number>, aName: string, bName: string): void {
  check(a !== null && typeof a === 'object' && typeof a.length === 'number', where, aName, 'an array of integers', a);
  check(b !== null && typeof b === 'object' && typeof b.length === 'number', where, bName, 'an array of integers', b);
  check(a.length === b.length, where, bName, `one entry per entry of ${aName} (${a.length})`, `${b.length} entries`, 'predictions and labels must describe the same items, in the same order');
}

/** Fraction of i with predictions[i] = labels[i]. */
export function accuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  checkSameLength('accuracy', predictions, labels, 'predictions', 'labels');
  check(labels.length > 0, 'accuracy', 'labels', 'a non-empty array', labels);
  let hit = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) hit++;
  return hit / labels.length;
}

/**
 * Top-k accuracy: the fraction of rows whose true label is among the k largest scores of that row.
 * `scores` is row-major N×C (logits, probabilities or votes); ties are counted in the label's favour only if
 * fewer than k classes score strictly higher. top-1 with distinct scores = accuracy of argmax.
 */
export function topKAccuracy(scores: Float32Array | ArrayLike<number>, labels: ArrayLike<number>, k = 1, numClasses?: number): number {
  const where = 'topKAccuracy';
  const n = labels.length;
  check(n > 0, where, 'labels', 'a non-empty array', labels);
  const c = numClasses ?? scores.length / n;
  check(Number.isInteger(c) && c > 0 && scores.length === n * c, where, 'scores', `a row-major N×C array with N = ${n} rows (one per label)`, `${scores.length} values`);
  check(Number.isInteger(k) && k >= 1 && k <= c, where, 'k', `an integer in [1, C = ${c}]`, k);
  let hit = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    check(Number.isInteger(y) && y >= 0 && y < c, where, 'labels', `integers in [0, C = ${c})`, `${y} at index ${i}`);
    const s = scores[i * c + y]!;
    let higher = 0;
    for (let j = 0; j < c; j++) if (scores[i * c + j]! > s) higher++;
    if (higher < k) hit++;
  }
  return hit / n;
}

/**
 * Confusion matrix M (numClasses × numClasses, as rows of numbers): M[t][p] = number of items of true class t
 * predicted as p. Rows sum to the class counts; the diagonal holds the hits.
 */
export function confusionMatrix(predictions: ArrayLike<number>, labels: ArrayLike<number>, numClasses?: number): number[][] {
  const where = 'confusionMatrix';
  checkSameLength(where, labels, predictions, 'labels', 'predictions');
  let max = -1;
  for (let i = 0; i < labels.length; i++) max = Math.max(max, labels[i]!, predictions[i]!);
  const c = numClasses ?? max + 1;
  check(Number.isInteger(c) && c > max, where, 'numClasses', `an integer > the largest label or prediction (${max})`, numClasses);
  const m = Array.from({ length: c }, () => new Array<number>(c).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i]!, p = predictions[i]!;
    check(Number.isInteger(t) && t >= 0 && Number.isInteger(p) && p >= 0, where, 'labels', 'non-negative integer labels and predictions', `${t}/${p} at index ${i}`);
    m[t]![p]!++;
  }
  return m;
}
