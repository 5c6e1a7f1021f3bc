/**
 * sampleTriples: random (anchor, positive, negative) index triples from labels, for the pair (contrastive) and
 * triplet losses of deck 004 ("for anchor x_i^a use positive and negative samples"): the positive is ANOTHER
 * example of the anchor's class (never the anchor itself: d(a, a) = 0 would be a free, gradient-less positive),
 * the negative an example of another class.
 */
import { check } from '../util/errors.js';
import type { Rng } from '../util/rng.js';

export interface TripleIndices {
  anchor: Int32Array;
  positive: Int32Array;
  negative: Int32Array;
}

/**
 * `count` triples (a, p, n) with labels[p] = labels[a], p ≠ a, labels[n] ≠ labels[a]. Anchors are uniform over
 * the examples whose class has at least two members; positive and negative uniform among the allowed ones.
 */
export function sampleTriples(labels: ArrayLike<number>, count: number, rng: Rng): TripleIndices {
  const where = 'sampleTriples';
  check(labels !== null && typeof labels === 'object' && typeof labels.length === 'number', where, 'labels', 'an array of integer labels', labels);
  check(Number.isInteger(count) && count > 0, where, 'count', 'a positive integer', count);
  check(rng !== null && typeof rng === 'object' && typeof (rng as Rng).int === 'function', where, 'rng', 'an Rng (rng(seed) from reprlab)', rng);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i]!;
    check(Number.isInteger(y), where, 'labels', 'integers', `${y} at index ${i}`);
    let list = byClass.get(y);
    if (!list) byClass.set(y, (list = []));
    list.push(i);
  }
  check(byClass.size >= 2, where, 'labels', 'at least two classes (a negative needs another class)', `${byClass.size} class(es)`);
  const anchors: number[] = [];
  for (const members of byClass.values()) if (members.length >= 2) anchors.push(...members);
  check(anchors.length > 0, where, 'labels', 'a class with at least two examples (an anchor needs another example of its class)', 'every class a singleton');
  anchors.sort((a, b) => a - b);
  const n = labels.length;
  const anchor = new Int32Array(count), positive = new Int32Array(count), negative = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const a = anchors[rng.int(anchors.length)]!;
    const own = byClass.get(labels[a]!)!;
    // a uniform member of the class other than a: draw from the m - 1 others, skipping a's slot
    const slot = own.indexOf(a);
    const q = rng.int(own.length - 1);
    anchor[k] = a;
    positive[k] = own[q >= slot ? q + 1 : q]!;
    let j = rng.int(n);
    while (labels[j] === labels[a]) j = rng.int(n);
    negative[k] = j;
  }
  return { anchor, positive, negative };
}
