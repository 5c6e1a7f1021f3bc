// The notebook runner's command line and reports: `--seed N` (npm run notebooks and npm run handouts) sets
// REPRLAB_SEED for the kernel (lib/notebook/mode.ts runSeed()); bad values are refused with the option named; the
// handout banner shows a seed other than 0; a kernel that dies is reported with its last words on stderr.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notebookJson, sourceToNotebook } from '../../scripts/nb.mjs';
import { executeNotebook, kernelLastWords, parseSeed } from '../../scripts/notebooks.mjs';
import { runBannerHtml } from '../../scripts/handouts/export.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const node = (script: string, args: string[], env: Record<string, string> = {}) =>
  spawnSync('node', [join('scripts', script), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });

describe("the notebook runner: --seed, and a dying kernel", () => {
  it('parseSeed takes non-negative integers below 2^31 and names the option otherwise', () => {
    expect(parseSeed('0')).toBe(0);
    expect(parseSeed(' 2 ')).toBe(2);
    expect(parseSeed(7)).toBe(7);
    expect(parseSeed('2147483647')).toBe(2147483647);
    for (const bad of ['-1', '1.5', 'x', '', '1e3', '2147483648', undefined]) expect(() => parseSeed(bad), String(bad)).toThrow(/--seed must be a non-negative integer/);
    expect(() => parseSeed('x', 'seed')).toThrow(/^seed must be/);
  });

  it('both commands refuse a bad seed with exit status 2 and the usage', () => {
    for (const [script, extra] of [['run-notebooks.mjs', ['--no-build']], ['handouts.mjs', ['--no-build', '--no-execute']]] as const) {
      for (const bad of ['-3', '0.5', 'one']) {
        const r = node(script, [...extra, '--seed', bad]);
        expect(r.status, `${script} --seed ${bad}`).toBe(2);
        expect(r.stderr).toContain(`--seed must be a non-negative integer (0, 1, 2, ...; got '${bad}')`);
        expect(r.stderr).toMatch(/--seed N +the run's seed/);
      }
    }
    expect(node('run-notebooks.mjs', ['--no-build', '--seed']).stderr).toContain('option --seed needs a value');
  });

  it('the banner shows the seed when it is not 0', () => {
    expect(runBannerHtml({ mode: 'laptop', engine: 'wasm', device: 'XNNPACK', seed: 2 }).run).toBe('<span class="reprlab-run">mode <b>laptop</b> · engine <b>wasm</b> · device XNNPACK · seed <b>2</b></span>');
    expect(runBannerHtml({ mode: 'laptop', engine: 'wasm', device: '', seed: 0 }).run).not.toContain('seed');
    expect(runBannerHtml({ mode: 'laptop', engine: 'wasm', device: '' }).run).not.toContain('seed');
  });

  it('npm run notebooks -- --seed N reaches the kernel as REPRLAB_SEED (and runSeed() reads it)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-seed-'));
    try {
      symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir'); // `import ... from 'reprlab'` from here
      const path = join(dir, 'seed.ipynb');
      writeFileSync(path, notebookJson(sourceToNotebook("```ts\nimport { runSeed } from 'reprlab';\nif (process.env.REPRLAB_SEED !== '7' || runSeed() !== 7) throw new Error(`seed ${process.env.REPRLAB_SEED} / ${runSeed()}`);\nconsole.log('seed ok');\n```\n")));
      const out = join(dir, 'out');
      const r = node('run-notebooks.mjs', ['--no-build', '--backend', 'cpu', '--out', out, '--seed', '7', path], { REPRLAB_SEED: '3' });
      expect(r.status, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/mode smoke, backend cpu, seed 7 ->/);
      expect(readFileSync(join(out, 'seed.ipynb'), 'utf8')).toContain('seed ok');
      // without --seed the kernel inherits REPRLAB_SEED: the same notebook now fails, naming what it saw
      const inherited = node('run-notebooks.mjs', ['--no-build', '--backend', 'cpu', '--out', out, path], { REPRLAB_SEED: '3' });
      expect(inherited.status).toBe(1);
      expect(inherited.stderr).toContain('seed 3 / 3');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 240_000);

  it('a kernel that dies is reported with what it wrote on stderr (e.g. V8 out of memory)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-dies-'));
    try {
      const path = join(dir, 'dies.ipynb');
      // what V8 does when the heap is full: a message on fd 2, then the process ends
      writeFileSync(path, notebookJson(sourceToNotebook("```ts\nconsole.log('alive');\n```\n\n```ts\nimport { writeSync } from 'node:fs';\nwriteSync(2, 'FATAL ERROR: pretend heap out of memory\\n');\nprocess.exit(134);\n```\n")));
      const r = await executeNotebook(path, { mode: 'smoke', backend: 'cpu', outPath: join(dir, 'out.ipynb'), timeout: 60 });
      expect(r).toMatchObject({ ok: false, cell: 1 });
      expect(r.error).toMatch(/the kernel died/);
      expect(r.error).toMatch(/the kernel's last words \(stderr\):\n[\s\S]*FATAL ERROR: pretend heap out of memory/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("kernelLastWords keeps the last lines, without Python's metadata warnings", () => {
    expect(kernelLastWords('a\n/usr/lib/python3/x.py: MissingIDFieldWarning: ...\n  validate(nb)\nb\n\nc\n', 2)).toBe('b\nc');
  });
});
