// README's "Using the library" example runs as written: the ```ts block is executed by node (it is plain
// JavaScript in an ES module) against the built package, on the cpu backend, and must print its figures.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

/** The first ```ts block under the README heading `heading`. */
export function readmeBlock(readme: string, heading: string): string {
  const at = readme.indexOf(`\n## ${heading}\n`);
  if (at < 0) throw new Error(`README has no '## ${heading}' section`);
  const m = /```ts\n([\s\S]*?)```/.exec(readme.slice(at));
  if (!m) throw new Error(`README's '## ${heading}' section has no \`\`\`ts block`);
  return m[1]!;
}

describe.runIf(existsSync(join(ROOT, 'dist', 'index.js')))('README library example (built dist/)', () => {
  it('computes PCA features and a linear probe and prints both figures', () => {
    const code = readmeBlock(readFileSync(join(ROOT, 'README.md'), 'utf8'), 'Using the library');
    expect(code.split('\n').filter((l) => l.trim()).length).toBeLessThanOrEqual(12);
    const dir = join(ROOT, 'build');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `readme-example-${process.pid}.mjs`); // inside the project: 'reprlab' resolves to it
    writeFileSync(file, code);
    try {
      const r = spawnSync(process.execPath, [file], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, REPRLAB_BACKEND: 'cpu' }, timeout: 180_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^reprlab: backend cpu/m);
      const m = /PCA-50 keeps (\d+\.\d)% of the pixel variance; a linear probe on it: (\d+\.\d)% test accuracy/.exec(r.stdout);
      expect(m, r.stdout).not.toBeNull();
      const [variance, accuracy] = [Number(m![1]), Number(m![2])];
      expect(variance).toBeGreaterThan(50); // 50 of 784 components of Fashion-MNIST keep most of the variance
      expect(variance).toBeLessThan(100);
      expect(accuracy).toBeGreaterThan(50); // ten classes: chance is 10%
    } finally {
      rmSync(file, { force: true });
    }
  });
});
