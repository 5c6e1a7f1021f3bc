// The classic Jupyter notebook server with the tslab kernel, driven through Chromium like a student would: open a
// notebook, run its first cell with Shift+Enter, add a cell from the keyboard, run it, read the outputs from the
// page. The server always shuts down (REST shutdown, then the process group).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../scripts/handouts/export.mjs';
import { makeStudentVersion, readNotebook, writeNotebook } from '../../grader/index.js';
import { chromiumMissing, jupyterServerMissing, PYTHON } from './env.js';

const ROOT = resolve(import.meta.dirname, '../..');
const missing = chromiumMissing() ?? jupyterServerMissing();
const SHOTS = process.env.REPRLAB_SCREENSHOTS ?? tmpdir();

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

async function waitForServer(url: string, server: ChildProcess, log: () => string, seconds = 90): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (server.exitCode !== null) throw new Error(`the notebook server exited (${server.exitCode}):\n${log()}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the notebook server did not answer at ${url} within ${seconds} s:\n${log()}`);
}

const checkNotebook = JSON.stringify({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
  cells: [
    { cell_type: 'markdown', id: 'm', metadata: {}, source: '# Browser check\nRun the cell below.' },
    { cell_type: 'code', id: 'c', metadata: {}, execution_count: null, outputs: [], source: "import { tf, initBackend } from 'reprlab';\nawait initBackend({ verbose: false });\nconst total = (await tf.sum(tf.tensor1d([1, 2, 3, 4])).data())[0];\nconsole.log(`sum from reprlab: ${total}`);" },
  ],
});

describe.skipIf(!!missing)(`Jupyter notebook server in Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let server: ChildProcess | undefined;
  let browser: Browser | undefined;
  let base = '';
  let token = '';
  let serverLog = '';

  beforeAll(async () => {
    // a temporary copy of the course notebooks (never the originals), plus a small check notebook
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-jupyter-'));
    const nbDir = join(dir, 'notebooks');
    mkdirSync(nbDir);
    for (const f of readdirSync(join(ROOT, 'notebooks'))) if (f.endsWith('.ipynb')) copyFileSync(join(ROOT, 'notebooks', f), join(nbDir, f));
    writeFileSync(join(nbDir, 'browser-check.ipynb'), checkNotebook);
    // the student version of homework 1, as `npm run assignments` releases it
    const hw = join(ROOT, 'notebooks', 'homework', 'hw1-triplet-retrieval.ipynb');
    if (existsSync(hw)) writeNotebook(join(nbDir, 'hw1-student.ipynb'), makeStudentVersion(readNotebook(hw), 'hw1-triplet-retrieval'));
    symlinkSync(join(ROOT, 'node_modules'), join(nbDir, 'node_modules'), 'dir'); // the kernel finds 'reprlab' from here
    const port = await freePort();
    token = randomBytes(16).toString('hex');
    base = `http://127.0.0.1:${port}`;
    server = spawn(
      PYTHON,
      ['-m', 'notebook', '--no-browser', `--port=${port}`, '--ip=127.0.0.1', `--NotebookApp.token=${token}`, `--notebook-dir=${nbDir}`, '--NotebookApp.port_retries=0', ...(process.getuid?.() === 0 ? ['--allow-root'] : [])],
      {
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, REPRLAB_BACKEND: 'cpu', REPRLAB_MODE: 'smoke', PYDEVD_DISABLE_FILE_VALIDATION: '1', JUPYTER_RUNTIME_DIR: join(dir, 'runtime'), JUPYTER_CONFIG_DIR: join(dir, 'config') },
      },
    );
    server.stdout!.on('data', (d) => (serverLog = (serverLog + d).slice(-8000)));
    server.stderr!.on('data', (d) => (serverLog = (serverLog + d).slice(-8000)));
    await waitForServer(`${base}/api/status?token=${token}`, server, () => serverLog);
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close().catch(() => {});
    if (server && server.exitCode === null) {
      await fetch(`${base}/api/shutdown?token=${token}`, { method: 'POST' }).catch(() => {}); // stops its kernels too
      const exited = await new Promise<boolean>((ok) => {
        const t = setTimeout(() => ok(false), 15_000);
        server!.once('exit', () => (clearTimeout(t), ok(true)));
      });
      if (!exited) {
        try {
          process.kill(-server.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
  });

  it('lists the notebooks, runs a cell with Shift+Enter and shows its output; a typed cell runs too', async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${base}/tree?token=${token}`);
      await expect.poll(() => page.locator('#notebook_list .item_name').allTextContents(), { timeout: 30_000 }).toContain('browser-check.ipynb');

      await page.goto(`${base}/notebooks/browser-check.ipynb?token=${token}`);
      // the kernel is ready when the page's kernel object is connected and idle
      await page.waitForFunction(() => {
        const J = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
        return !!J?.notebook?.kernel?.is_connected() && document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null;
      }, null, { timeout: 90_000 });
      const first = page.locator('.cell.code_cell').first();
      await first.locator('.CodeMirror').click();
      await page.keyboard.press('Shift+Enter');
      await expect.poll(() => first.locator('.output_subarea').allInnerTexts(), { timeout: 120_000, interval: 500 }).toEqual([expect.stringContaining('sum from reprlab: 10')]);

      // Shift+Enter on the last cell adds an empty one below and puts the cursor in it: type and run
      await expect.poll(() => page.locator('.cell.code_cell').count(), { timeout: 10_000 }).toBe(2);
      await page.locator('.cell.code_cell').nth(1).locator('.CodeMirror').click();
      await page.keyboard.type('console.log(`answer: ${6 * 7}`)');
      await page.keyboard.press('Shift+Enter');
      const second = page.locator('.cell.code_cell').nth(1);
      await expect.poll(() => second.locator('.output_subarea').allInnerTexts(), { timeout: 60_000, interval: 500 }).toEqual([expect.stringContaining('answer: 42')]);
      expect(await second.locator('.input_prompt').innerText()).toMatch(/In\s*\[\d+\]/);
      await page.screenshot({ path: join(SHOTS, 'reprlab-jupyter.png') });
    } finally {
      await page.close();
    }
  }, 300_000);

  it('opens the released homework: tests and set-up are read-only, answer cells are editable', async () => {
    if (!existsSync(join(ROOT, 'notebooks', 'homework', 'hw1-triplet-retrieval.ipynb'))) return;
    const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    try {
      await page.goto(`${base}/notebooks/hw1-student.ipynb?token=${token}`);
      await page.waitForFunction(() => (window as unknown as { Jupyter?: { notebook?: { get_cells(): unknown[] } } }).Jupyter?.notebook?.get_cells?.().length, null, { timeout: 60_000 });
      // type into a locked test cell and into an answer cell: only the answer changes
      const textOf = (id: string) =>
        page.evaluate((gid) => {
          type C = { metadata: { nbgrader?: { grade_id: string } }; get_text(): string };
          const J = (window as unknown as { Jupyter: { notebook: { get_cells(): C[] } } }).Jupyter;
          return J.notebook.get_cells().find((c) => c.metadata.nbgrader?.grade_id === gid)!.get_text();
        }, id);
      const cellOf = (text: string) => page.locator('.cell.code_cell', { hasText: text }).first();
      const typeInto = async (text: string) => {
        await cellOf(text).locator('.CodeMirror-line').first().click();
        await page.keyboard.press('End');
        await page.keyboard.type(' // typed');
      };
      const testBefore = await textOf('test_triplet');
      await typeInto("tripletLoss with margin 0.5");
      expect(await textOf('test_triplet')).toBe(testBefore);
      await typeInto('not implemented: triplet');
      expect(await textOf('triplet')).toContain('// typed');
      await page.locator('.cell.code_cell', { hasText: 'not implemented: triplet' }).first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SHOTS, 'reprlab-jupyter-homework.png') });
    } finally {
      await page.close();
    }
  }, 120_000);
});
