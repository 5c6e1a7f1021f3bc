/** Validation of ImageSets and index lists, and a checked constructor. */
import { check } from '../util/errors.js';
import type { ImageSet } from './types.js';

/**
 * Check that `set` is a consistent ImageSet: sizes positive integers, images.length = n*H*W*C, labels.length
 * = n with values in [0, numClasses), classNames.length = numClasses, every factor of length n.
 */
export function checkImageSet(set: ImageSet, where: string, argument = 'set'): void {
  check(set !== null && typeof set === 'object', where, argument, 'an ImageSet', set);
  const { n, height: h, width: w, channels: c } = set;
  check(Number.isInteger(n) && n >= 0, where, `${argument}.n`, 'a non-negative integer', n);
  for (const [k, v] of [['height', h], ['width', w], ['channels', c]] as const) {
    check(Number.isInteger(v) && v > 0, where, `${argument}.${k}`, 'a positive integer', v);
  }
  check(set.images instanceof Float32Array, where, `${argument}.images`, 'a Float32Array', set.images);
  check(set.labels instanceof Int32Array, where, `${argument}.labels`, 'an Int32Array', set.labels);
  check(set.images.length === n * h * w * c, where, `${argument}.images`, `of length n*H*W*C = ${n}*${h}*${w}*${c} = ${n * h * w * c}`, set.images.length,
    'images and labels disagree in count, or the shape fields are wrong');
  check(set.labels.length === n, where, `${argument}.labels`, `of length n = ${n} (one label per image)`, set.labels.length,
    'images and labels disagree in count');
  check(Number.isInteger(set.numClasses) && set.numClasses > 0, where, `${argument}.numClasses`, 'a positive integer', set.numClasses);
  check(Array.isArray(set.classNames) && set.classNames.length === set.numClasses, where, `${argument}.classNames`, `an array of numClasses = ${set.numClasses} names`, set.classNames);
  for (let i = 0; i < n; i++) {
    const y = set.labels[i]!;
    if (!(y >= 0 && y < set.numClasses)) check(false, where, `${argument}.labels`, `values in [0, numClasses = ${set.numClasses})`, `${y} at index ${i}`);
  }
  for (const [k, v] of Object.entries(set.factors ?? {})) {
    check(v.length === n, where, `${argument}.factors.${k}`, `of length n = ${n}`, v.length);
  }
}

/** Check every index is an integer in [0, n). */
export function checkIndices(indices: ArrayLike<number>, n: number, where: string, argument = 'indices'): void {
  check(indices !== null && typeof indices === 'object' && typeof indices.length === 'number', where, argument, 'an array of indices', indices);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j]!;
    if (!(Number.isInteger(i) && i >= 0 && i < n)) {
      check(false, where, argument, `integers in [0, ${n}) (the set has ${n} images)`, `${i} at position ${j}`);
    }
  }
}

export interface ImageSetInit {
  name?: string;
  images: Float32Array;
  labels: Int32Array;
  height: number;
  width: number;
  channels: number;
  /** Default: 1 + the largest label. */
  numClasses?: number;
  /** Default: '0', '1', ... */
  classNames?: string[];
  factors?: Record<string, Float32Array>;
}

/** Build an ImageSet from arrays (n from labels.length), checking it is consistent. */
export function makeImageSet(init: ImageSetInit): ImageSet {
  let max = -1;
  for (const y of init.labels) if (y > max) max = y;
  const numClasses = init.numClasses ?? init.classNames?.length ?? max + 1;
  const set: ImageSet = {
    name: init.name ?? 'images',
    images: init.images,
    labels: init.labels,
    n: init.labels?.length,
    height: init.height,
    width: init.width,
    channels: init.channels,
    numClasses,
    classNames: init.classNames ?? Array.from({ length: numClasses }, (_, i) => String(i)),
    ...(init.factors ? { factors: init.factors } : {}),
  };
  checkImageSet(set, 'makeImageSet', 'init');
  return set;
}

/** Count of images per class: an Int32Array of length numClasses. */
export function classCounts(set: Pick<ImageSet, 'labels' | 'numClasses'>): Int32Array {
  const counts = new Int32Array(set.numClasses);
  for (const y of set.labels) counts[y]!++;
  return counts;
}
