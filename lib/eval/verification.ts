/**
 * Verification, face-recognition style (deck 000, "Applications": "decide if two images are of the same person"):
 * score a pair by the similarity of its embeddings and call it "same" when the score exceeds a threshold t.
 * Sweeping t traces the ROC curve,
 *
 *   TPR(t) = #{same pairs with score ≥ t} / #same,      FPR(t) = #{different pairs with score ≥ t} / #different
 *
 * and the area under it, AUC = P(score of a random same pair > score of a random different pair) (+ ½ P(tie)),
 * summarises it independently of t.
 */
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { checkFeatures, checkLabels, type Features } from './features.js';

export interface RocCurve {
  /** False-positive rates, from 0 to 1 (non-decreasing). */
  fpr: number[];
  /** True-positive rates, from 0 to 1. */
  tpr: number[];
  /** Threshold of each point: pairs with score >= threshold are called "same" (the first is +Infinity). */
  thresholds: number[];
}

function checkScores(where: string, scores: ArrayLike<number>, same: ArrayLike<number | boolean>): { pos: number; neg: number } {
  check(scores !== null && typeof scores === 'object' && typeof scores.length === 'number' && scores.length > 0, where, 'scores', 'a non-empty array of pair scores (higher = more alike)', scores);
  check(same !== null && typeof same === 'object' && same.length === scores.length, where, 'same', `one same/different flag per score (${scores.length})`, same);
  let pos = 0;
  for (let i = 0; i < scores.length; i++) {
    check(Number.isFinite(scores[i]!), where, 'scores', 'finite numbers', `${scores[i]} at index ${i}`);
    const v = same[i];
    check(v === true || v === false || v === 0 || v === 1, where, 'same', 'booleans or 0/1', `${String(v)} at index ${i}`);
    if (v === true || v === 1) pos++;
  }
  const neg = scores.length - pos;
  check(pos > 0 && neg > 0, where, 'same', 'both same (1) and different (0) pairs', `${pos} same, ${neg} different`, 'sample pairs of both kinds, e.g. samplePairs(labels, { numPairs })');
  return { pos, neg };
}

/** ROC curve of pair scores (higher = "same") against the truth `same`; tied scores form one point. */
export function rocCurve(scores: ArrayLike<number>, same: ArrayLike<number | boolean>): RocCurve {
  const { pos, neg } = checkScores('rocCurve', scores, same);
  const idx = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  const fpr = [0], tpr = [0], thresholds = [Infinity];
  let tp = 0, fp = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    if (same[i] === true || same[i] === 1) tp++;
    else fp++;
    if (k === idx.length - 1 || scores[idx[k + 1]!] !== scores[i]) {
      fpr.push(fp / neg);
      tpr.push(tp / pos);
      thresholds.push(scores[i]!);
    }
  }
  return { fpr, tpr, thresholds };
}

/** Area under a curve by the trapezoid rule (ROC: `auc(rocCurve(scores, same))`). */
export function auc(curve: { fpr: ArrayLike<number>; tpr: ArrayLike<number> }): number {
  const { fpr, tpr } = curve;
  check(fpr.length === tpr.length && fpr.length >= 2, 'auc', 'curve', 'fpr and tpr of equal length >= 2', `${fpr.length} and ${tpr.length}`);
  let area = 0;
  for (let i = 1; i < fpr.length; i++) area += ((fpr[i]! - fpr[i - 1]!) * (tpr[i]! + tpr[i - 1]!)) / 2;
  return area;
}

/** The threshold of highest accuracy on these pairs ("same" when score >= threshold), and that accuracy. */
export function bestThreshold(scores: ArrayLike<number>, same: ArrayLike<number | boolean>): { threshold: number; accuracy: number } {
  const { pos, neg } = checkScores('bestThreshold', scores, same);
  const roc = rocCurve(scores, same);
  let best = -1, threshold = Infinity;
  for (let i = 0; i < roc.fpr.length; i++) {
    const acc = (roc.tpr[i]! * pos + (1 - roc.fpr[i]!) * neg) / (pos + neg);
    if (acc > best) (best = acc), (threshold = roc.thresholds[i]!);
  }
  return { threshold, accuracy: best };
}

export interface VerificationPairs {
  i: Int32Array;
  j: Int32Array;
  /** 1 = same class, 0 = different. */
  same: Uint8Array;
}

/** `numPairs` random pairs i ≠ j, half (rounded down) of the same class and the rest of different classes (seeded). */
export function samplePairs(labels: ArrayLike<number>, { numPairs, seed = 0 }: { numPairs: number; seed?: number }): VerificationPairs {
  const where = 'samplePairs';
  check(Number.isInteger(numPairs) && numPairs >= 2, where, 'numPairs', 'an integer >= 2', numPairs);
  checkLabels(labels, labels?.length ?? 0, where, 'labels');
  const byClass = new Map<number, number[]>();
  for (let k = 0; k < labels.length; k++) {
    const list = byClass.get(labels[k]!) ?? [];
    list.push(k);
    byClass.set(labels[k]!, list);
  }
  const multi = [...byClass.values()].filter((l) => l.length >= 2);
  check(byClass.size >= 2 && multi.length >= 1, where, 'labels', 'two classes or more, one with at least two examples', `${byClass.size} classes`);
  const rng = new Rng(seed);
  const n = labels.length;
  const out = { i: new Int32Array(numPairs), j: new Int32Array(numPairs), same: new Uint8Array(numPairs) };
  const numSame = Math.floor(numPairs / 2);
  for (let p = 0; p < numPairs; p++) {
    let a: number, b: number;
    if (p < numSame) {
      const list = multi[rng.int(multi.length)]!;
      a = list[rng.int(list.length)]!;
      do b = list[rng.int(list.length)]!;
      while (b === a);
    } else {
      do (a = rng.int(n)), (b = rng.int(n));
      while (labels[a] === labels[b]);
    }
    out.i[p] = a;
    out.j[p] = b;
    out.same[p] = labels[a] === labels[b] ? 1 : 0;
  }
  return out;
}

/** Score of each pair: cosine similarity (default) or minus the Euclidean distance of rows i and j of `f`. */
export function pairScores(f: Features, pairs: { i: ArrayLike<number>; j: ArrayLike<number> }, { distance = 'cosine' }: { distance?: 'cosine' | 'euclidean' } = {}): Float32Array {
  const where = 'pairScores';
  checkFeatures(f, where, 'features');
  check(pairs !== null && typeof pairs === 'object' && pairs.i?.length === pairs.j?.length, where, 'pairs', '{ i, j } index arrays of equal length', pairs);
  check(distance === 'cosine' || distance === 'euclidean', where, 'distance', "'cosine' or 'euclidean'", distance);
  const d = f.dim;
  const out = new Float32Array(pairs.i.length);
  for (let p = 0; p < pairs.i.length; p++) {
    const a = pairs.i[p]!, b = pairs.j[p]!;
    check(Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= 0 && a < f.n && b < f.n, where, 'pairs', `indices in [0, ${f.n})`, `(${a}, ${b}) at ${p}`);
    let dot = 0, na = 0, nb = 0, sq = 0;
    for (let k = 0; k < d; k++) {
      const x = f.data[a * d + k]!, y = f.data[b * d + k]!;
      dot += x * y;
      na += x * x;
      nb += y * y;
      sq += (x - y) ** 2;
    }
    out[p] = distance === 'cosine' ? dot / Math.max(Math.sqrt(na * nb), 1e-12) : -Math.sqrt(sq);
  }
  return out;
}
