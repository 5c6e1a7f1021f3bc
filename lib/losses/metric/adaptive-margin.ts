/**
 * Adaptive per-class margins — Ha et al. 2020 (deck 000, "Further improvements (2/2)"): for an imbalanced data
 * set, rarer classes get larger margins,
 *
 *   m_c = a · N_c^(−λ) + b        (N_c = number of training samples of class c)
 *
 * and the fixed AdaCos scale — Zhang et al. 2019 (deck 000, "Scaling"): s ≈ √2 · log(C − 1), C classes.
 * Pass the margins to `cosFaceLoss` / `arcFaceLoss` as `margin` (one per class).
 *
 *   const margins = adaptiveMargins(classCounts); // one margin per class, larger for rare classes
 *   const loss = cosFaceLoss(cosines, labels, { margin: margins, scale: adaCosScale(margins.length) });
 */
import { check } from '../../util/errors.js';

export interface AdaptiveMarginOptions {
  /** a (default 0.5). */
  a?: number;
  /** λ, the exponent (default 0.25). */
  lambda?: number;
  /** b, the floor (default 0.05). */
  b?: number;
}

/** m_c = a·N_c^(−λ) + b for every class c, from the class counts N_c (each >= 1). */
export function adaptiveMargins(classCounts: ArrayLike<number>, options: AdaptiveMarginOptions = {}): Float32Array {
  const where = 'adaptiveMargins';
  const { a = 0.5, lambda = 0.25, b = 0.05 } = options;
  check(classCounts !== null && typeof classCounts === 'object' && classCounts.length >= 1, where, 'classCounts', 'a non-empty array of per-class sample counts', classCounts,
    'count the labels, e.g. classCounts(set) from lib/data');
  for (const [arg, v] of [['a', a], ['lambda', lambda], ['b', b]] as const)
    check(typeof v === 'number' && Number.isFinite(v) && v >= 0, where, arg, 'a finite number >= 0', v);
  const out = new Float32Array(classCounts.length);
  for (let c = 0; c < classCounts.length; c++) {
    const nc = classCounts[c]!;
    check(Number.isFinite(nc) && nc >= 1, where, 'classCounts', 'counts >= 1 (every class needs samples)', `${nc} for class ${c}`);
    out[c] = a * Math.pow(nc, -lambda) + b;
  }
  return out;
}

/** The fixed AdaCos scale s = √2 · log(C − 1) for C classes (C >= 3; it is 0 for C = 2). */
export function adaCosScale(numClasses: number): number {
  check(Number.isInteger(numClasses) && numClasses >= 3, 'adaCosScale', 'numClasses', 'an integer >= 3 (log(C − 1) is 0 for C = 2)', numClasses,
    'for two classes pick the scale by hand, e.g. 16');
  return Math.SQRT2 * Math.log(numClasses - 1);
}
