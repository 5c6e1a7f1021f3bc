// Executes every course notebook (notebooks/*.ipynb, not homework/) in smoke mode on the default CPU engine (wasm) through
// the notebook runner (scripts/notebooks.mjs: tslab kernel + nbclient), and checks that a failing notebook is
// reported with the notebook and the cell. Notebooks import the built package: `npm test` builds first.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notebookJson, sourceToNotebook } from '../scripts/nb.mjs';
import { checkBuilt, describeFailure, ensureKernel, EXECUTED_DIR, executeNotebook, listNotebooks } from '../scripts/notebooks.mjs';

const notebooks = listNotebooks();
const TIMEOUT_S = 120;

beforeAll(() => {
  const warning = checkBuilt();
  if (warning) console.warn(`notebooks.test: ${warning}`);
  ensureKernel();
});

describe('course notebooks (smoke mode, wasm)', () => {
  if (notebooks.length === 0) it.skip('no notebooks in notebooks/ yet', () => {});
  it.each(notebooks.map((p) => [basename(p), p]))(
    '%s executes',
    async (_name, path) => {
      const r = await executeNotebook(path, { mode: 'smoke', backend: 'wasm', timeout: TIMEOUT_S, outPath: join(EXECUTED_DIR, 'test', basename(path)) });
      if (!r.ok) expect.fail(describeFailure(r));
      expect(r.ok).toBe(true);
    },
    (TIMEOUT_S + 60) * 1000,
  );
});

describe('the runner reports failures with notebook and cell', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'reprlab-nb-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, source: string) => {
    const path = join(dir, name);
    writeFileSync(path, notebookJson(sourceToNotebook(source)));
    return path;
  };

  it('a runtime error: names the cell, its first line and the error; keeps the executed part', async () => {
    const path = write('runtime.ipynb', "# broken\n\n```ts\nconsole.log('before');\n```\n\n```ts\nconst items: number[] = [];\nif (items.length === 0) throw new Error('no items to plot');\n```\n\n```ts\nconsole.log('never');\n```\n");
    const out = join(dir, 'out', 'runtime.ipynb');
    const r = await executeNotebook(path, { mode: 'smoke', backend: 'cpu', outPath: out, timeout: 60 });
    expect(r).toMatchObject({ ok: false, notebook: path, cell: 2, source: 'const items: number[] = [];' });
    expect(r.error).toContain('Error: no items to plot');
    expect(r.error).not.toContain('tslab/dist');
    expect(describeFailure(r)).toMatch(/runtime\.ipynb, cell 2 \(`const items: number\[\] = \[\];`\):\n {4}/);
    const executed = JSON.parse(readFileSync(out, 'utf8'));
    expect(executed.cells[1].outputs[0].text.join('')).toBe('before\n');
    expect(executed.cells[3].outputs).toEqual([]);
  }, 90_000);

  it('a TypeScript type error fails the notebook with the compiler message', async () => {
    const path = write('types.ipynb', "```ts\nconst n: number = 'seven';\n```\n");
    const r = await executeNotebook(path, { mode: 'smoke', backend: 'cpu', outPath: join(dir, 'out', 'types.ipynb'), timeout: 60 });
    expect(r).toMatchObject({ ok: false, cell: 0, source: "const n: number = 'seven';" });
    expect(r.error).toMatch(/Type 'string' is not assignable to type 'number'/);
  }, 90_000);
});
