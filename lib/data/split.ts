/** Seeded splits: train/test, and stratified label fractions for semi-supervised evaluation. */
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { checkImageSet } from './imageset.js';
import { subset } from './subset.js';
import type { ImageSet } from './types.js';

/** Indices per class (ascending class order), each list in a seeded random order. */
function shuffledByClass(labels: ArrayLike<number>, rng: Rng): number[][] {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    let list = byClass.get(y);
    if (!list) byClass.set(y, (list = []));
    list.push(i);
  }
  return [...byClass.keys()].sort((a, b) => a - b).map((c) => rng.shuffle(byClass.get(c)!) as number[]);
}

const ascending = (xs: number[]) => Int32Array.from(xs).sort();

export interface TrainTestSplitOptions {
  /** Fraction of images in the test part, in (0, 1) (default 0.2). */
  testFraction?: number;
  seed?: number;
  /** Keep class proportions in both parts (default true). */
  stratify?: boolean;
}

export interface TrainTestSplit<T extends ImageSet> {
  train: T;
  test: T;
  /** Indices into the original set (ascending). */
  trainIndices: Int32Array;
  testIndices: Int32Array;
}

/**
 * Split a set in two, at random (seeded). Stratified: round(testFraction * count) images of each class go to
 * the test part; otherwise round(testFraction * n) images overall.
 */
export function trainTestSplit<T extends ImageSet>(set: T, options: TrainTestSplitOptions = {}): TrainTestSplit<T> {
  const where = 'trainTestSplit';
  checkImageSet(set, where);
  const { testFraction = 0.2, seed = 0, stratify = true } = options;
  check(typeof testFraction === 'number' && testFraction > 0 && testFraction < 1, where, 'testFraction', 'a number in (0, 1)', testFraction);
  check(set.n >= 2, where, 'set', 'a set of at least 2 images', `${set.n} images`);
  const rng = new Rng(seed);
  const test: number[] = [];
  const train: number[] = [];
  const groups = stratify ? shuffledByClass(set.labels, rng) : [Array.from(rng.permutation(set.n))];
  for (const g of groups) {
    const k = Math.round(g.length * testFraction);
    test.push(...g.slice(0, k));
    train.push(...g.slice(k));
  }
  check(test.length > 0 && train.length > 0, where, 'testFraction', `a fraction leaving images in both parts of ${set.n}`, testFraction);
  const trainIndices = ascending(train), testIndices = ascending(test);
  return { train: subset(set, trainIndices), test: subset(set, testIndices), trainIndices, testIndices };
}

/**
 * Indices (ascending) of a stratified `fraction` of the images: max(1, round(fraction * count)) of each class
 * present. Nested: with one seed, the 1% indices are a subset of the 10% ones.
 */
export function labelFractionIndices(labels: ArrayLike<number>, fraction: number, options: { seed?: number } = {}): Int32Array {
  const where = 'labelFraction';
  check(typeof fraction === 'number' && fraction > 0 && fraction <= 1, where, 'fraction', 'a number in (0, 1]', fraction, 'e.g. 0.01 for 1% of the labels');
  const rng = new Rng(options.seed ?? 0);
  const keep: number[] = [];
  for (const g of shuffledByClass(labels, rng)) keep.push(...g.slice(0, Math.max(1, Math.round(g.length * fraction))));
  return ascending(keep);
}

/** A stratified `fraction` of the set (at least one image per class), e.g. 0.01, 0.1, 1 for 1%/10%/100%. */
export function labelFraction<T extends ImageSet>(set: T, fraction: number, options: { seed?: number } = {}): T {
  checkImageSet(set, 'labelFraction');
  return subset(set, labelFractionIndices(set.labels, fraction, options));
}
