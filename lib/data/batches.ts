/** Index batches for an epoch: shuffled (seeded) or in order. */
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import type { ImageSet } from './types.js';

export interface BatchesOptions {
  batchSize: number;
  /** Shuffle the order (default true). */
  shuffle?: boolean;
  /** Seed for the shuffle (default 0); pass e.g. `seed + epoch` for a new order each epoch. */
  seed?: number;
  /** Drop the last batch when it is smaller than batchSize (default false). */
  dropLast?: boolean;
}

/**
 * Split 0..n-1 (n = set.n, or the number given) into batches of indices: an array of Int32Arrays covering
 * every index once (but the dropped remainder with dropLast). Use with `toTensor(set, batch)`.
 */
export function batches(setOrN: ImageSet | number, options: BatchesOptions): Int32Array[] {
  const where = 'batches';
  const n = typeof setOrN === 'number' ? setOrN : setOrN?.n;
  check(Number.isInteger(n) && n >= 0, where, 'setOrN', 'an ImageSet or a non-negative integer count', setOrN);
  const { batchSize, shuffle = true, seed = 0, dropLast = false } = options ?? ({} as BatchesOptions);
  check(Number.isInteger(batchSize) && batchSize > 0, where, 'batchSize', 'a positive integer', batchSize);
  let order: Int32Array;
  if (shuffle) order = new Rng(seed).permutation(n);
  else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  const out: Int32Array[] = [];
  for (let s = 0; s < n; s += batchSize) {
    const e = Math.min(n, s + batchSize);
    if (dropLast && e - s < batchSize) break;
    out.push(order.slice(s, e));
  }
  return out;
}
