/**
 * Multi-class segmentation metrics from per-pixel class ids (deck 004's exercise, "Segmentation"): with the
 * confusion counts over all pixels of all images, for each class c
 *
 *   IoU_c = TP_c / (TP_c + FP_c + FN_c) = |pred = c ∧ truth = c| / |pred = c ∨ truth = c|
 *
 * mean IoU = the mean of IoU_c over the classes that occur (a non-empty union: in the truth or the prediction;
 * a class absent from both has no IoU, NaN, and is left out), and pixel accuracy = Σ_c TP_c / pixels.
 * `foregroundMeanIoU` is the mean over the classes other than the background (class 0).
 */
import { check } from '../util/errors.js';

export interface SegmentationScores {
  /** IoU per class, NaN for a class absent from truth and prediction. */
  perClass: number[];
  meanIoU: number;
  /** Mean IoU over classes 1..K-1 (class 0 = background). */
  foregroundMeanIoU: number;
  pixelAccuracy: number;
  /** confusion[t * K + p]: pixels of true class t predicted as p. */
  confusion: Float64Array;
}

const meanOfFinite = (v: number[]) => {
  const f = v.filter(Number.isFinite);
  return f.length === 0 ? NaN : f.reduce((s, x) => s + x, 0) / f.length;
};

/** Per-class IoU, mean IoU and pixel accuracy of predicted class ids against the true ones (same length). */
export function segmentationScores(pred: ArrayLike<number>, truth: ArrayLike<number>, numClasses: number): SegmentationScores {
  const where = 'segmentationScores';
  check(Number.isInteger(numClasses) && numClasses >= 2, where, 'numClasses', 'an integer >= 2 (background and at least one class)', numClasses);
  check(truth !== null && typeof truth === 'object' && typeof truth.length === 'number' && truth.length > 0, where, 'truth', 'a non-empty array of class ids', truth);
  check(pred !== null && typeof pred === 'object' && pred.length === truth.length, where, 'pred', `an array of class ids as long as truth (${truth.length})`, pred);
  const K = numClasses;
  const confusion = new Float64Array(K * K);
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!, p = pred[i]!;
    check(Number.isInteger(t) && t >= 0 && t < K, where, 'truth', `class ids in [0, ${K})`, `${t} at index ${i}`);
    check(Number.isInteger(p) && p >= 0 && p < K, where, 'pred', `class ids in [0, ${K})`, `${p} at index ${i}`, 'pass the argmax over the class channels');
    confusion[t * K + p]!++;
  }
  const perClass: number[] = [];
  let correct = 0;
  for (let c = 0; c < K; c++) {
    let row = 0, col = 0;
    for (let j = 0; j < K; j++) {
      row += confusion[c * K + j]!;
      col += confusion[j * K + c]!;
    }
    const tp = confusion[c * K + c]!;
    correct += tp;
    const union = row + col - tp;
    perClass.push(union > 0 ? tp / union : NaN);
  }
  return { perClass, meanIoU: meanOfFinite(perClass), foregroundMeanIoU: meanOfFinite(perClass.slice(1)), pixelAccuracy: correct / truth.length, confusion };
}
