/** The K x M sampler for metric learning: each batch holds M examples of each of K classes. */
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import type { ImageSet } from './types.js';

export interface ClassBalancedOptions {
  /** K: classes per batch. */
  classesPerBatch: number;
  /** M: examples per class in a batch. */
  perClass: number;
  seed?: number;
  /** Number of batches (default: floor(N / (K*M)), about one pass over the data). */
  numBatches?: number;
  /** Allow repeats inside a class's M examples when the class has fewer than M (default false: an error). */
  replace?: boolean;
}

/**
 * Batches of K*M indices: K distinct classes drawn at random per batch, then M distinct examples of each
 * (class blocks in order: indices [0, M) are one class, [M, 2M) the next, ...). Within a class, examples are
 * taken from a shuffled pool that is refilled when it runs low, so passes cover every example evenly.
 */
export function classBalancedBatches(labelsOrSet: Int32Array | ArrayLike<number> | ImageSet, options: ClassBalancedOptions): Int32Array[] {
  const where = 'classBalancedBatches';
  const labels = (labelsOrSet as ImageSet).labels ?? (labelsOrSet as ArrayLike<number>);
  check(labels !== undefined && typeof labels.length === 'number', where, 'labels', 'an Int32Array of labels or an ImageSet', labelsOrSet);
  const { classesPerBatch: k, perClass: m, seed = 0, replace = false } = options ?? ({} as ClassBalancedOptions);
  check(Number.isInteger(k) && k > 0, where, 'classesPerBatch', 'a positive integer', k);
  check(Number.isInteger(m) && m > 0, where, 'perClass', 'a positive integer', m);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    check(Number.isInteger(y) && y >= 0, where, 'labels', 'non-negative integers', `${y} at index ${i}`);
    let list = byClass.get(y);
    if (!list) byClass.set(y, (list = []));
    list.push(i);
  }
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  check(k <= classes.length, where, 'classesPerBatch', `at most the number of classes present (${classes.length})`, k, 'lower classesPerBatch');
  if (!replace) {
    for (const c of classes) {
      const count = byClass.get(c)!.length;
      check(count >= m, where, 'perClass', `at most the size of every class (class ${c} has ${count} examples)`, m,
        'lower perClass, drop small classes (filterClasses), or pass replace: true to repeat examples');
    }
  }
  const numBatches = options.numBatches ?? Math.max(1, Math.floor(labels.length / (k * m)));
  check(Number.isInteger(numBatches) && numBatches > 0, where, 'numBatches', 'a positive integer', numBatches);
  const rng = new Rng(seed);
  const pools = new Map<number, { order: number[]; next: number }>();
  for (const c of classes) pools.set(c, { order: rng.shuffle([...byClass.get(c)!]) as number[], next: 0 });
  const out: Int32Array[] = [];
  for (let b = 0; b < numBatches; b++) {
    const batch = new Int32Array(k * m);
    const chosen = rng.sample(classes.length, k);
    for (let j = 0; j < k; j++) {
      const c = classes[chosen[j]!]!;
      const pool = pools.get(c)!;
      const size = pool.order.length;
      if (size < m) {
        for (let t = 0; t < m; t++) batch[j * m + t] = pool.order[t < size ? t : rng.int(size)]!; // replace: true
        continue;
      }
      if (pool.next + m > size) {
        rng.shuffle(pool.order);
        pool.next = 0;
      }
      for (let t = 0; t < m; t++) batch[j * m + t] = pool.order[pool.next + t]!;
      pool.next += m;
    }
    out.push(batch);
  }
  return out;
}
