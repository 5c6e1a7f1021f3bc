import { describe, expect, it } from 'vitest';
import { sampleTriples } from '../../lib/data/triples.js';
import { rng } from '../../lib/util/rng.js';

describe('sampleTriples', () => {
  it('never picks the anchor as its own positive (a class of two: the old sampler did, half the time)', () => {
    // class 0 has two members, so a positive drawn from the whole class is the anchor itself with probability 1/2
    const labels = [0, 0, 1, 1, 1, 2, 2, 2, 2];
    const { anchor, positive, negative } = sampleTriples(labels, 2000, rng(3));
    for (let k = 0; k < anchor.length; k++) {
      expect(positive[k]).not.toBe(anchor[k]);
      expect(labels[positive[k]!]).toBe(labels[anchor[k]!]);
      expect(labels[negative[k]!]).not.toBe(labels[anchor[k]!]);
    }
  });

  it('draws uniformly: every example is an anchor about equally often, each allowed positive too', () => {
    const labels = [0, 0, 0, 1, 1, 1];
    const { anchor, positive } = sampleTriples(labels, 6000, rng(1));
    const asAnchor = new Array(6).fill(0);
    const pairs = new Map<string, number>();
    for (let k = 0; k < anchor.length; k++) {
      asAnchor[anchor[k]!]++;
      const key = `${anchor[k]},${positive[k]}`;
      pairs.set(key, (pairs.get(key) ?? 0) + 1);
    }
    for (const c of asAnchor) expect(Math.abs(c - 1000)).toBeLessThan(150); // binomial sd ≈ 29
    expect(pairs.size).toBe(12); // 6 anchors × 2 other members of their class
    for (const c of pairs.values()) expect(Math.abs(c - 500)).toBeLessThan(110); // sd ≈ 21
  });

  it('skips singleton classes as anchors (no other member to pair with) but uses them as negatives', () => {
    const labels = [0, 1, 1, 2, 2];
    const { anchor, negative } = sampleTriples(labels, 500, rng(2));
    expect(Array.from(anchor)).not.toContain(0);
    expect(Array.from(negative)).toContain(0);
  });

  it('is deterministic for a seed', () => {
    const labels = [0, 1, 0, 1, 2, 2];
    expect(sampleTriples(labels, 50, rng(7))).toEqual(sampleTriples(labels, 50, rng(7)));
  });

  it('rejects bad input with a message naming the argument', () => {
    expect(() => sampleTriples([0, 0, 0], 4, rng(1))).toThrow("argument 'labels'");
    expect(() => sampleTriples([0, 1, 2], 4, rng(1))).toThrow("argument 'labels'"); // no class with two members
    expect(() => sampleTriples([0, 1], 0, rng(1))).toThrow("argument 'count'");
    expect(() => sampleTriples([0, 0.5], 2, rng(1))).toThrow("argument 'labels'");
  });
});
