import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ArgumentError, check, Rng, writeFileAtomic, writeJsonAtomic } from '../../lib/util/index.js';

describe('Rng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new Rng(7), b = new Rng(7), c = new Rng(8);
    const sa = Array.from({ length: 5 }, () => a.uniform());
    expect(Array.from({ length: 5 }, () => b.uniform())).toEqual(sa);
    expect(Array.from({ length: 5 }, () => c.uniform())).not.toEqual(sa);
  });
  it('uniform has mean 1/2 and normal has mean 0, std 1 over many draws', () => {
    const r = new Rng(1);
    let s = 0, s2 = 0, m = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      m += r.uniform();
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(m / n).toBeCloseTo(0.5, 1);
    expect(s / n).toBeCloseTo(0, 1);
    expect(Math.sqrt(s2 / n)).toBeCloseTo(1, 1);
  });
  it('permutation holds every index once', () => {
    const p = new Rng(3).permutation(100);
    expect([...p].sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
  });
});

describe('errors', () => {
  it('names the argument, the expectation, the value and the fix', () => {
    expect(() => check(false, 'kMeans', 'k', 'an integer in [1, 10]', 50, 'choose k <= N.')).toThrow(
      "kMeans: argument 'k' must be an integer in [1, 10] (got 50). Fix: choose k <= N.",
    );
    expect(new ArgumentError('f', 'x', 'rank 4', { shape: [2, 3], dtype: 'float32' }).message).toContain('shape [2, 3]');
  });
});

describe('writeFileAtomic', () => {
  it('writes whole files and leaves no temp files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-'));
    writeFileAtomic(join(dir, 'a', 'x.txt'), 'hello');
    writeJsonAtomic(join(dir, 'a', 'y.json'), { a: 1 });
    expect(readFileSync(join(dir, 'a', 'x.txt'), 'utf8')).toBe('hello');
    expect(JSON.parse(readFileSync(join(dir, 'a', 'y.json'), 'utf8'))).toEqual({ a: 1 });
    expect(readdirSync(join(dir, 'a')).sort()).toEqual(['x.txt', 'y.json']);
  });
});
