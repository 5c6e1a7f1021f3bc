/** Selecting images: by index, by class, and flattening to rows. */
import { check } from '../util/errors.js';
import { checkImageSet, checkIndices } from './imageset.js';
import { gatherRows } from './rows.js';
import type { ImageSet, SegmentationSet } from './types.js';

/**
 * A new set holding copies of the images at `indices` (in that order; repeats allowed), with their labels,
 * factors and, for a SegmentationSet, masks.
 */
export function subset<T extends ImageSet>(set: T, indices: ArrayLike<number>): T {
  const where = 'subset';
  checkImageSet(set, where);
  checkIndices(indices, set.n, where);
  const images = gatherRows(set.images, set.height * set.width * set.channels, indices);
  const labels = gatherRows(set.labels, 1, indices);
  const out: ImageSet = { ...set, images, labels, n: indices.length, classNames: [...set.classNames] };
  if (set.factors) {
    out.factors = {};
    for (const [name, v] of Object.entries(set.factors)) out.factors[name] = gatherRows(v, 1, indices);
  }
  const masks = (set as Partial<SegmentationSet>).masks;
  if (masks instanceof Int32Array) (out as SegmentationSet).masks = gatherRows(masks, set.height * set.width, indices);
  return out as T;
}

/**
 * Keep the images whose label is in `classes`. With `relabel` (default true) the labels become positions in
 * `classes` (classes [5, 7] -> labels 0, 1) and classNames follow; without, labels and classNames are kept.
 * Example: `filterClasses(train, [0, 1, 2, 3, 4])` for seen classes, `[5, 6, 7, 8, 9]` held out.
 */
export function filterClasses<T extends ImageSet>(set: T, classes: readonly number[], options: { relabel?: boolean } = {}): T {
  const where = 'filterClasses';
  const { relabel = true } = options;
  checkImageSet(set, where);
  check(
    Array.isArray(classes) && classes.length > 0 && new Set(classes).size === classes.length &&
      classes.every((c) => Number.isInteger(c) && c >= 0 && c < set.numClasses),
    where, 'classes', `a non-empty list of distinct class indices in [0, ${set.numClasses})`, classes,
  );
  const map = new Int32Array(set.numClasses).fill(-1);
  classes.forEach((c, i) => (map[c] = i));
  const keep: number[] = [];
  for (let i = 0; i < set.n; i++) if (map[set.labels[i]!]! >= 0) keep.push(i);
  const out = subset(set, keep);
  if (relabel) {
    for (let j = 0; j < out.n; j++) out.labels[j] = map[out.labels[j]!]!;
    out.numClasses = classes.length;
    out.classNames = classes.map((c) => set.classNames[c]!);
  }
  return out;
}

/**
 * The images as an N x D row-major Float32Array (D = H*W*C, pixels in NHWC order): a copy, of the rows at
 * `indices` when given. For PCA, k-means and other row-based methods.
 */
export function flattenImages(set: ImageSet, indices?: ArrayLike<number>): Float32Array {
  const where = 'flattenImages';
  checkImageSet(set, where);
  if (indices === undefined) return set.images.slice();
  checkIndices(indices, set.n, where);
  return gatherRows(set.images, set.height * set.width * set.channels, indices);
}
