// Handouts: executed notebooks as HTML pages (JupyterLab look, live plotly figures, table of contents) and PDFs
// (Chromium's print of the page after the figures have drawn), plus an index page. Used by scripts/handouts.mjs
// (`npm run handouts`) and the tests; types in export.d.mts.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { defaultPython, executeNotebook, listNotebooks, parseSeed, ROOT } from '../notebooks.mjs';
import { writeFileAtomic } from './atomic.mjs';
import { escapeHtml } from './html.mjs';
import { inlineMathjax, MATHJAX_TAG, writeSharedMathjax } from './mathjax.mjs';
import { neighbours, pagerHtml } from './nav.mjs';
import { resolvedMode } from './run-mode.mjs';

export { escapeHtml, writeFileAtomic };

export const TEMPLATE_DIR = join(dirname(fileURLToPath(import.meta.url)), 'templates');
export const HANDOUTS_DIR = join(ROOT, 'handouts');
export const CHROMIUM = process.env.REPRLAB_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];


/** Plain text of an HTML fragment (tags removed, entities decoded). */
export function textOf(html) {
  const named = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', para: '' };
  return html
    .replace(/<a class="anchor-link"[^>]*>[\s\S]*?<\/a>/g, '')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e) =>
      e[0] === '#' ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (named[e.toLowerCase()] ?? m),
    )
    .replace(/¶/g, '')
    .trim();
}

/** Headings h1-h3 with ids, in page order: [{ level, id, text }]. */
export function headingsOf(html) {
  const out = [];
  const re = /<h([1-3])\b[^>]*\bid="([^"]+)"[^>]*>([\s\S]*?)<\/h\1>/g;
  let m;
  while ((m = re.exec(html))) {
    const text = textOf(m[3]);
    if (text) out.push({ level: Number(m[1]), id: m[2], text });
  }
  return out;
}

/** The table of contents as a nested list of links. */
export function tocHtml(headings) {
  if (headings.length === 0) return '';
  const top = Math.min(...headings.map((h) => h.level));
  const items = headings
    .map((h) => `<li class="toc-l${h.level - top + 1}"><a href="#${escapeHtml(h.id)}">${escapeHtml(h.text)}</a></li>`)
    .join('\n');
  return `<nav class="reprlab-toc" aria-label="Contents"><div class="reprlab-toc-title">Contents</div><ul>\n${items}\n</ul></nav>`;
}

const CSS = `
<style id="reprlab-handout-css">
.reprlab-toc { font: 13px/1.4 system-ui, sans-serif; padding: 12px 16px; border-bottom: 1px solid #ddd; background: #fafafa; }
.reprlab-toc ul { list-style: none; margin: 4px 0 0; padding: 0; }
.reprlab-toc li { margin: 2px 0; }
.reprlab-toc .toc-l2 { padding-left: 1em; } .reprlab-toc .toc-l3 { padding-left: 2em; font-size: 12px; }
.reprlab-toc a { color: #1a5fb4; text-decoration: none; } .reprlab-toc a:hover { text-decoration: underline; }
.reprlab-toc-title { font-weight: 600; text-transform: uppercase; font-size: 11px; letter-spacing: .06em; color: #555; }
.reprlab-banner { font: 13px/1.45 system-ui, sans-serif; padding: 8px 16px; background: #eef3fb; border-bottom: 1px solid #c9d6ea; color: #222; }
.reprlab-banner a { color: #1a5fb4; }
.reprlab-run { font-weight: 600; }
.reprlab-smoke { font: 14px/1.45 system-ui, sans-serif; margin: 0; padding: 8px 16px; background: #fff4d6; border-bottom: 2px solid #e5a50a; color: #3d2c00; }
.reprlab-laptop { font: 14px/1.45 system-ui, sans-serif; margin: 0; padding: 8px 16px; background: #eaf2fb; border-bottom: 2px solid #3b7dd8; color: #13294b; }
.reprlab-error { font: 14px/1.45 system-ui, sans-serif; margin: 12px 16px; padding: 12px 16px; border: 2px solid #c01c28; background: #fdecec; color: #5c0a10; border-radius: 4px; }
.reprlab-error pre { white-space: pre-wrap; font-size: 12px; margin: 8px 0 0; max-height: 24em; overflow: auto; }
.reprlab-failed-cell { outline: 3px solid #c01c28; outline-offset: 2px; }
/* long code and output lines wrap instead of running off the right edge */
.jp-InputArea-editor pre, .jp-OutputArea-output pre, .highlight pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.jp-InputArea-editor, .jp-OutputArea-output { min-width: 0; max-width: 100%; }
.jp-OutputArea-output { overflow-x: auto; }
.reprlab-pager { font: 13px/1.45 system-ui, sans-serif; display: flex; justify-content: space-between; gap: 12px; padding: 6px 16px; border-bottom: 1px solid #ddd; }
.reprlab-pager-bottom { border-top: 1px solid #ddd; border-bottom: none; margin-top: 24px; }
.reprlab-pager a { color: #1a5fb4; text-decoration: none; } .reprlab-pager a:hover { text-decoration: underline; }
.reprlab-pager .reprlab-prev, .reprlab-pager .reprlab-next { flex: 1 1 0; } .reprlab-pager .reprlab-next { text-align: right; }
@media screen and (prefers-color-scheme: dark) {
  /* JupyterLab's dark variables come from the template (scripts/handouts/templates/reprlab); these are ours */
  :root { color-scheme: dark; }
  .reprlab-toc { background: #1e1e1e; border-color: #444; }
  .reprlab-toc a, .reprlab-banner a, .reprlab-pager a { color: #8ab4f8; }
  .reprlab-toc-title { color: #aaa; }
  .reprlab-banner { background: #1c2533; border-color: #34465f; color: #e6e6e6; }
  .reprlab-pager { border-color: #444; }
  .reprlab-smoke { background: #3a2f0b; border-color: #e5a50a; color: #f6e7b8; }
  .reprlab-laptop { background: #13233a; border-color: #3b7dd8; color: #d4e3f7; }
  .reprlab-error { background: #3b1114; border-color: #e01b24; color: #f6d4d6; }
  /* plotly draws on white (the figures' own background): keep them as light cards */
  .reprlab-figure { background: #fff; border-radius: 4px; }
  .jp-OutputArea-output img { background: #fff; }
}
@media screen and (min-width: 1200px) {
  .reprlab-toc { position: fixed; top: 0; left: 0; bottom: 0; width: 250px; overflow-y: auto; border-right: 1px solid #ddd; border-bottom: none; z-index: 10; }
  body.reprlab-has-toc { margin-left: 282px !important; }
}
@media print {
  /* page 1: banner, a compact contents in columns, then the notebook straight after */
  .reprlab-toc { border: none; background: none; padding: 4px 16px 8px; font-size: 10.5px; line-height: 1.3; }
  .reprlab-toc ul { column-count: 3; column-gap: 18px; }
  .reprlab-toc li { break-inside: avoid; margin: 0; }
  .reprlab-toc .toc-l3 { display: none; }
  .reprlab-toc a { color: #222; }
  a.anchor-link { display: none; }
  .reprlab-pager { display: none; }
  /* only what must not be cut keeps together (figures, images, short outputs); cells flow across pages */
  .reprlab-figure, .js-plotly-plot, .jp-OutputArea-output img { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3, h4 { break-after: avoid; page-break-after: avoid; }
  .jp-InputArea-editor { overflow: hidden; }
  .jp-OutputArea-output { overflow: visible; }
  .jp-OutputArea-output img { max-width: 100%; height: auto; }
  .jp-Notebook { padding: 0 !important; }
}
</style>`;

/**
 * Post-process nbconvert's HTML: title, banner line, table of contents, error box (for a failed notebook), CSS.
 * `failure`: { cell, error } with `cell` the failing cell's index in the notebook (markdown cells counted).
 * `pager`: { prev, next } (scripts/handouts/nav.mjs `neighbours`): links to the neighbouring handouts under the
 * banner and at the end of the page (not printed).
 */
export function decorateHtml(html, { title, banner = '', notice = '', failure, pager } = {}) {
  const headings = headingsOf(html);
  let out = html;
  if (title) out = out.replace(/<title>[\s\S]*?<\/title>/, `<title>${escapeHtml(title)}</title>`);
  out = out.replace('</head>', `${CSS}\n</head>`);
  const error = failure
    ? `<div class="reprlab-error" id="reprlab-error"><strong>This notebook failed${failure.cell != null ? ` in cell ${failure.cell}` : ''}; the handout stops there.</strong>` +
      (failure.cell != null ? ` <a href="#reprlab-cell-${failure.cell}">Go to the failing cell</a>.` : '') +
      `<pre>${escapeHtml(String(failure.error ?? '').trim())}</pre></div>`
    : '';
  const top = `<div class="reprlab-banner">${banner}</div>\n${pager ? `${pagerHtml(pager)}\n` : ''}${notice}${notice ? '\n' : ''}${tocHtml(headings)}\n${error}`;
  out = out.replace(/<body([^>]*)>/, (m, attrs) => {
    const cls = /class="/.test(attrs) ? attrs.replace(/class="/, 'class="reprlab-has-toc ') : `${attrs} class="reprlab-has-toc"`;
    return `<body${cls}>\n${top}`;
  });
  if (pager) out = out.replace(/<\/body>(?![\s\S]*<\/body>)/, `${pagerHtml(pager, { where: 'bottom' })}\n</body>`);
  // an anchor on every cell (nbconvert's lab template writes one <div class="jp-Cell ..."> per cell, in order)
  let index = -1;
  out = out.replace(/<div class="(jp-Cell [^"]*)"/g, (m, cls) => {
    index++;
    const failed = failure && failure.cell === index;
    return `<div id="reprlab-cell-${index}" class="${cls}${failed ? ' reprlab-failed-cell' : ''}"`;
  });
  return out;
}

/**
 * The executed notebook with prompt numbers (tslab sends no execute_input, so executed cells come back without an
 * execution_count and would print as "In [ ]"): code cells up to `lastCell` are numbered in order.
 */
export function withPromptNumbers(nb, lastCell = Infinity) {
  let n = 0;
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== 'code') return;
    if (i <= lastCell && (c.execution_count === null || c.execution_count === undefined)) c.execution_count = ++n;
    else if (typeof c.execution_count === 'number') n = c.execution_count;
  });
  return nb;
}

/** nbconvert (Debian's Jupyter) → HTML text, with our template (JupyterLab look, no require.js). */
export function nbconvertHtml(ipynb, { python = defaultPython(), lastCell = Infinity } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'reprlab-nbconvert-'));
  try {
    const numbered = join(dir, 'numbered.ipynb');
    writeFileAtomic(numbered, JSON.stringify(withPromptNumbers(JSON.parse(readFileSync(ipynb, 'utf8')), lastCell)));
    ipynb = numbered;
    const r = spawnSync(
      python,
      ['-m', 'jupyter', 'nbconvert', '--to', 'html', `--TemplateExporter.extra_template_basedirs=${TEMPLATE_DIR}`, '--template', 'reprlab', '--output-dir', dir, '--output', 'page', ipynb],
      { encoding: 'utf8', env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' }, maxBuffer: 64 * 1024 * 1024 },
    );
    const out = join(dir, 'page.html');
    if (r.status !== 0 || !existsSync(out)) {
      throw new Error(`nbconvert failed on ${ipynb} (exit ${r.status}): ${(r.stderr || String(r.error ?? '')).trim().split('\n').slice(-5).join('\n')}\nFix: install Jupyter's nbconvert (bash scripts/setup-system.sh).`);
    }
    return readFileSync(out, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A page for a notebook whose executed copy does not exist (the kernel never started, ...): just the error. */
export function errorPage({ title, banner, failure, pager }) {
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>${CSS}</head><body>\n<div class="reprlab-banner">${banner}</div>\n${pager ? `${pagerHtml(pager)}\n` : ''}<h1 style="font:600 24px system-ui;margin:16px">${escapeHtml(title)}</h1>\n<div class="reprlab-error" id="reprlab-error"><strong>This notebook could not be executed; there is no handout.</strong><pre>${escapeHtml(String(failure.error ?? ''))}</pre></div>\n</body></html>\n`;
}

/** The first markdown heading of a notebook (its title), else its file name. */
export function notebookTitle(ipynb) {
  try {
    const nb = JSON.parse(readFileSync(ipynb, 'utf8'));
    for (const c of nb.cells ?? []) {
      if (c.cell_type !== 'markdown') continue;
      const src = Array.isArray(c.source) ? c.source.join('') : String(c.source ?? '');
      const m = /^#\s+(.+)$/m.exec(src);
      if (m) return m[1].replace(/[*_`]/g, '').trim();
    }
  } catch {
    /* fall through */
  }
  return basename(ipynb, '.ipynb');
}

/**
 * What a handout was made with, from the executed notebook: { mode, engine, device }. `engine` and `device` come
 * from initBackend's line ("reprlab: backend webgpu on llvmpipe ..."); `mode` from the notebook's metadata
 * (`metadata.reprlab.mode`, if the runner recorded one), else a printed "reprlab: mode NAME" or "run mode: NAME" line, else
 * `requestedMode` (what the runner asked for); `auto` is then resolved from the engine and device as the kernel
 * resolved it (scripts/handouts/run-mode.mjs: full on a GPU, laptop on a CPU engine). Any other mode name is kept
 * as it is.
 */
export function runInfo(ipynb, requestedMode = '') {
  const line = backendLine(ipynb);
  // 'backend webgpu on llvmpipe (LLVM …) [mesa]' or 'backend wasm (XNNPACK, SIMD, 1 thread)'
  const m = /^backend (\S+)(?: on (.*)| \((.*)\))?$/.exec(line);
  let mode = '';
  try {
    const nb = JSON.parse(readFileSync(ipynb, 'utf8'));
    mode = typeof nb.metadata?.reprlab?.mode === 'string' ? nb.metadata.reprlab.mode : '';
    for (const c of mode ? [] : (nb.cells ?? [])) {
      for (const o of c.outputs ?? []) {
        const text = Array.isArray(o.text) ? o.text.join('') : String(o.text ?? '');
        const hit = /(?:reprlab: (?:run )?mode:?|^run mode:) ([\w.-]+)/m.exec(text); // initBackend's line, or a notebook's 'run mode: laptop, seed 0'
        if (hit) {
          mode = hit[1];
          break;
        }
      }
      if (mode) break;
    }
  } catch {
    /* unreadable: the requested mode */
  }
  const engine = m?.[1] ?? '';
  const device = (m?.[2] ?? m?.[3] ?? '').trim();
  // 'auto' as the kernel resolved it (lib/notebook autoMode), from the engine it printed
  return { mode: resolvedMode(mode || requestedMode, { engine, device }), engine, device };
}

/**
 * The banner's run line and its notice: for smoke mode, that these are not the lecture's figures; for laptop mode, what holds at that size (HTML). The seed
 * (REPRLAB_SEED of the run) is shown when it is not 0, the default every figure in the docs refers to first.
 */
export function runBannerHtml({ mode, engine, device, seed = 0 }) {
  const parts = [`mode <b>${escapeHtml(mode || 'unknown')}</b>`, `engine <b>${escapeHtml(engine || 'unknown')}</b>`];
  if (device) parts.push(`device ${escapeHtml(device)}`);
  if (Number(seed) !== 0) parts.push(`seed <b>${escapeHtml(String(seed))}</b>`);
  const run = `<span class="reprlab-run">${parts.join(' · ')}</span>`;
  const m = String(mode).toLowerCase();
  return { run, notice: m === 'smoke' ? SMOKE_NOTICE : m === 'laptop' ? LAPTOP_NOTICE : '' };
}

export const SMOKE_NOTICE =
  '<div class="reprlab-smoke" role="note"><b>Smoke test, not the lecture&apos;s figures.</b> This handout ran at tiny sizes that only check ' +
  'that every cell works; its numbers and plots are not the results the lecture discusses, and some claims may not hold ' +
  'at this size. Make the real handouts with <code>npm run handouts</code> in a larger mode (see docs/handouts.md).</div>';

export const LAPTOP_NOTICE =
  '<div class="reprlab-laptop" role="note"><b>Laptop size.</b> This handout ran at sizes made for a laptop CPU, at which every ' +
  'closing claim of the notebook holds over seeds 0, 1 and 2 (docs/results.md). Absolute accuracies are below the papers&apos; ' +
  '(less data, smaller models, shorter training); where a lecture claim needs the full size, the notebook says so and gives the ' +
  'paper&apos;s figure beside ours. The lecture&apos;s sizes: <code>--mode full</code>, on a GPU.</div>';

/** The marker lib/viz puts before the inline plotly.js of a session's first figure (lib/viz/figure.ts). */
export const PLOTLY_INLINE = /<script type="text\/javascript">\/\* plotly\.js, once per notebook session \*\/\n([\s\S]*?)\n<\/script>/;
export const SHARED_PLOTLY = 'plotly.min.js';

/**
 * Move the inline plotly.js of a page out to a shared file: returns { html, plotly } with the first inline copy
 * replaced by `<script src="plotly.min.js">` (relative: the file lies beside the pages) and `plotly` its source,
 * or the page unchanged (plotly '') when it carries none. Later inline copies (a notebook that called
 * resetPlotly) are dropped: one library per page.
 */
export function externalisePlotly(html) {
  const m = PLOTLY_INLINE.exec(html);
  if (!m) return { html, plotly: '' };
  // the source was escaped for a <script> element (<\/script); a separate file takes it as it is
  const plotly = m[1].replace(/<\\\/(script)/gi, '</$1');
  let first = true;
  const out = html.replace(new RegExp(PLOTLY_INLINE.source, 'g'), () => {
    if (!first) return '';
    first = false;
    return `<script src="${SHARED_PLOTLY}" charset="utf-8"></script>`;
  });
  return { html: out, plotly };
}

/** "reprlab: backend cpu on ..." printed by initBackend in the executed notebook, if any. */
export function backendLine(ipynb) {
  try {
    const nb = JSON.parse(readFileSync(ipynb, 'utf8'));
    for (const c of nb.cells ?? []) {
      for (const o of c.outputs ?? []) {
        const text = Array.isArray(o.text) ? o.text.join('') : String(o.text ?? '');
        const m = /reprlab: backend [^\n]*/.exec(text);
        if (m) return m[0].replace(/^reprlab: /, '').replace(/\s*\(skipped:.*$/, '');
      }
    }
  } catch {
    /* none */
  }
  return '';
}

/** Launch Chromium through playwright-core (one browser for all pages). */
export async function launchChromium() {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new Error("playwright-core is missing: run 'npm ci' (it is a devDependency)");
  }
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is missing at ${CHROMIUM}: install it (bash scripts/setup-system.sh) or set REPRLAB_CHROMIUM`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * Open a handout in a page, refusing every network request (a handout needs none: plotly.js and MathJax lie beside
 * it or inside it), and wait until every plotly figure has drawn and MathJax has typeset.
 * Returns { page, figures, drawn, errors }.
 */
export async function openHandout(browser, htmlPath, { width = 820, height = 1100, timeout = 60_000 } = {}) {
  const page = await browser.newPage({ viewport: { width, height } });
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e?.message ?? e)));
  await page.route(/^https?:\/\//, (route) => route.abort());
  await page.goto(pathToFileURL(resolve(htmlPath)).href, { waitUntil: 'load', timeout });
  const figures = await page.locator('.reprlab-figure, .js-plotly-plot').count();
  let drawn = 0;
  try {
    await page.waitForFunction(
      () => {
        const divs = [...document.querySelectorAll('.reprlab-figure')];
        return divs.every((d) => d.querySelector('.main-svg'));
      },
      null,
      { timeout },
    );
  } catch {
    /* reported through `drawn` */
  }
  drawn = await page.evaluate(() => [...document.querySelectorAll('.reprlab-figure')].filter((d) => d.querySelector('.main-svg')).length);
  // MathJax 3: wait until it has typeset the page (pages without MathJax skip this; MathJax 2 pages of older runs too)
  await page
    .evaluate(
      () =>
        new Promise((done) => {
          const p = window.MathJax?.startup?.promise;
          if (!p || typeof p.then !== 'function') return done(undefined);
          p.then(() => done(undefined), () => done(undefined));
          setTimeout(() => done(undefined), 20_000);
        }),
    )
    .catch(() => {});
  return { page, figures: await page.locator('.reprlab-figure').count(), drawn, errors };
}

/** Print a handout to PDF after its figures have drawn. Returns { figures, drawn, errors }. */
export async function printPdf(browser, htmlPath, pdfPath) {
  // lay the page out at the printed width (A4 minus margins, at the 0.75 print scale) so figures fit the paper
  const { page, figures, drawn, errors } = await openHandout(browser, htmlPath, { width: 930 });
  try {
    await page.emulateMedia({ media: 'print' });
    // links to the pages beside this one (index, PDF, previous/next) would print as file:// links into the exporting
    // machine's folders: on paper they are plain text; links within the page and to the web stay links
    await page.evaluate(() => {
      for (const a of document.querySelectorAll('a[href]')) {
        const href = a.getAttribute('href') ?? '';
        if (!/^(#|https?:|mailto:)/i.test(href)) a.removeAttribute('href');
      }
    });
    // plotly sizes figures to their container: let them re-measure at the printed width
    await page.evaluate(() => window.dispatchEvent(new Event('resize')));
    await page.waitForTimeout(300);
    const pdf = await page.pdf({ format: 'A4', printBackground: true, scale: 0.75, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
    writeFileAtomic(pdfPath, pdf);
  } finally {
    await page.close();
  }
  return { figures, drawn, errors };
}

/** handouts/index.html: every handout with its status and links. */
export function indexHtml(entries, { mode, generated = new Date() }) {
  const rows = entries
    .map((e) => {
      const status = e.ok ? '<span class="ok">ok</span>' : `<span class="failed">failed${e.cell != null ? ` (cell ${e.cell})` : ''}</span>`;
      const pdf = e.pdf ? `<a href="${escapeHtml(e.pdf)}">PDF</a>` : '—';
      // the mode the notebook ran at, as its banner says (an 'auto' kept by an older handouts.json resolved too)
      const mode = resolvedMode(e.mode ?? '', { engine: e.engine ?? '', device: e.device ?? '' });
      return `<tr><td>${escapeHtml(e.name)}</td><td><a href="${escapeHtml(e.html)}">${escapeHtml(e.title)}</a></td><td>${pdf}</td><td>${status}</td><td>${escapeHtml(mode)}</td><td>${escapeHtml(e.backend || '')}</td><td class="num">${e.seconds.toFixed(1)} s</td></tr>`;
    })
    .join('\n');
  const failed = entries.filter((e) => !e.ok);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="color-scheme" content="light dark"><title>reprlab handouts</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2em auto; max-width: 1000px; padding: 0 1em; color: #222; }
table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #ddd; }
th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
a { color: #1a5fb4; } .ok { color: #26a269; font-weight: 600; } .failed { color: #c01c28; font-weight: 600; }
.note { color: #555; font-size: 13px; }
@media screen and (prefers-color-scheme: dark) {
  body { background: #111; color: #e6e6e6; } th { background: #222; } th, td { border-color: #333; }
  a { color: #8ab4f8; } .ok { color: #57e389; } .failed { color: #ff7b72; } .note { color: #aaa; }
}
</style></head><body>
<h1>reprlab — handouts</h1>
<p class="note">Executed notebooks of the course: HTML pages with interactive figures and PDF prints.
Run mode <b>${escapeHtml(mode)}</b>${mode === 'auto' ? ' (full on a GPU, laptop on a CPU engine: the table gives the mode each handout ran at)' : ''}${mode === 'smoke' ? ' (tiny sizes: the figures show that everything runs, not the lecture&apos;s numbers; make them with <code>npm run handouts -- --mode full</code> on a GPU)' : ''}.
Generated ${escapeHtml(generated.toISOString().replace('T', ' ').slice(0, 16))} UTC.</p>
${failed.length ? `<p class="failed">${failed.length} notebook(s) failed: ${failed.map((e) => escapeHtml(e.name)).join(', ')}; their pages show the error.</p>` : ''}
<table><thead><tr><th>#</th><th>handout</th><th>PDF</th><th>status</th><th>mode</th><th>backend</th><th>time</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}

/**
 * Execute notebooks and write handouts/<name>.html + .pdf and handouts/index.html.
 * Options: names (default all of notebooks/*.ipynb), mode ('smoke'), backend, seed (REPRLAB_SEED for the kernels;
 * default: inherited; shown in the banner when not 0), timeout (per cell), outDir
 * (default handouts/), pdf (default true), standalone (default false: pages share <outDir>/plotly.min.js; true:
 * each page carries plotly.js inline and works alone), notebooksDir, log. Resolves to { entries, failed, index }.
 */
export async function exportHandouts(o = {}) {
  const mode = o.mode ?? 'smoke';
  if (!['auto', 'smoke', 'laptop', 'full'].includes(mode)) throw new Error(`exportHandouts: mode must be 'auto', 'smoke', 'laptop' or 'full' (got '${mode}')`);
  const outDir = resolve(o.outDir ?? HANDOUTS_DIR);
  const log = o.log ?? (() => {});
  // the run's seed: o.seed (--seed), else the REPRLAB_SEED the kernel inherits, else 0
  const seed = o.seed !== undefined ? parseSeed(o.seed, 'seed') : process.env.REPRLAB_SEED?.trim() ? parseSeed(process.env.REPRLAB_SEED, 'REPRLAB_SEED') : 0;
  const notebooks = listNotebooks(o.names ?? [], o.notebooksDir);
  const executedDir = join(outDir, '.executed');
  const entries = [];
  const order = pageOrder(notebooks, o.notebooksDir, outDir);
  let mathjaxCopied = false;
  let browser;
  try {
    for (const nb of notebooks) {
      const name = basename(nb, '.ipynb');
      const title = notebookTitle(nb);
      const executed = join(executedDir, `${name}.ipynb`);
      const htmlPath = join(outDir, `${name}.html`);
      const pdfPath = join(outDir, `${name}.pdf`);
      let run;
      let runSeed = seed;
      if (o.execute === false) {
        // re-render from the executed copy of an earlier run (its status from handouts.json)
        const prev = readIndexState(outDir).find((e) => e.name === name);
        if (!existsSync(executed)) {
          log(`${name}: skipped: no executed copy (${relative(process.cwd(), executed)}); run without --no-execute to make it`);
          continue;
        }
        run = { ok: prev?.ok ?? true, cell: prev?.cell ?? null, error: prev?.error ?? '', seconds: prev?.seconds ?? 0 };
        runSeed = prev?.seed ?? 0;
        log(`${name}: rendering the executed copy of the last run`);
      } else {
        rmSync(executed, { force: true });
        log(`${name}: executing (${mode} mode)...`);
        run = await executeNotebook(nb, { mode, backend: o.backend, seed, timeout: o.timeout, outPath: executed, cwd: dirname(nb) });
      }
      const entry = { name, title, mode, html: `${name}.html`, pdf: null, ok: run.ok, cell: run.cell ?? null, error: run.error ?? '', seconds: run.seconds, backend: '', engine: '', device: '', seed: runSeed };
      const stamp = `${escapeHtml(new Date().toISOString().slice(0, 16).replace('T', ' '))} UTC`;
      try {
        const info = existsSync(executed) ? runInfo(executed, mode) : { mode, engine: '', device: '' };
        if (!info.engine && o.backend) info.engine = o.backend; // the notebook printed no initBackend line: what was forced
        entry.backend = existsSync(executed) ? backendLine(executed) : '';
        Object.assign(entry, { mode: info.mode, engine: info.engine, device: info.device });
        const { run: runLine, notice } = runBannerHtml({ ...info, seed: runSeed });
        const banner =
          `<a href="index.html">reprlab handouts</a> · <b>${escapeHtml(name)}</b> · ${runLine}` +
          ` · executed ${stamp} in ${run.seconds.toFixed(0)} s` +
          (run.ok ? ` · <a href="${escapeHtml(name)}.pdf">PDF</a>` : ' · <b style="color:#c01c28">FAILED</b>');
        const failure = run.ok ? undefined : { cell: run.cell ?? null, error: run.error };
        const pager = neighbours(order, name);
        let html = existsSync(executed) ? decorateHtml(nbconvertHtml(executed, { lastCell: run.ok ? Infinity : (run.cell ?? Infinity) }), { title: `${name} · ${title}`, banner, notice, failure, pager }) : errorPage({ title: `${name} · ${title}`, banner, failure, pager });
        if (!o.standalone) {
          // one plotly.js and one MathJax beside the pages instead of a copy in each
          const shared = externalisePlotly(html);
          html = shared.html;
          if (shared.plotly) writeSharedPlotly(outDir, shared.plotly);
          if (!mathjaxCopied && html.includes(MATHJAX_TAG)) {
            writeSharedMathjax(outDir);
            mathjaxCopied = true;
          }
        } else html = inlineMathjax(html);
        writeFileAtomic(htmlPath, html);
      } catch (err) {
        entry.ok = false;
        entry.error = `${entry.error ? entry.error + '\n' : ''}handout export failed: ${err.message}`;
        writeFileAtomic(htmlPath, errorPage({ title: `${name} · ${title}`, banner: `<a href="index.html">reprlab handouts</a> · <b>${escapeHtml(name)}</b>`, failure: { cell: null, error: entry.error } }));
      }
      if (entry.ok && o.pdf !== false) {
        try {
          browser ??= await launchChromium();
          const r = await printPdf(browser, htmlPath, pdfPath);
          entry.pdf = `${name}.pdf`;
          if (r.drawn < r.figures) log(`${name}: warning: ${r.figures - r.drawn} of ${r.figures} figures did not draw before printing`);
        } catch (err) {
          entry.ok = false;
          entry.error = `printing the PDF failed: ${err.message.split('\n')[0]}`;
        }
      }
      if (!entry.pdf) rmSync(pdfPath, { force: true }); // never leave an older PDF next to a failed page
      log(`${name}: ${entry.ok ? 'ok' : 'FAILED'} (${entry.seconds.toFixed(1)} s)${entry.ok ? '' : `: ${String(entry.error).split('\n').find((l) => l.trim()) ?? ''}`}`);
      entries.push(entry);
    }
  } finally {
    await browser?.close();
  }
  // the index lists every handout present (also those made by an earlier call for other names)
  const all = listNotebooks([], o.notebooksDir).map((p) => basename(p, '.ipynb'));
  const previous = readIndexState(outDir);
  const merged = [
    ...all.map((n) => entries.find((e) => e.name === n) ?? previous.find((e) => e.name === n && existsSync(join(outDir, e.html)))),
    ...entries.filter((e) => !all.includes(e.name)), // notebooks given by path, outside notebooks/
  ].filter(Boolean);
  writeFileAtomic(join(outDir, 'handouts.json'), JSON.stringify({ mode, entries: merged }, null, 2) + '\n');
  const index = join(outDir, 'index.html');
  writeFileAtomic(index, indexHtml(merged, { mode }));
  return { entries, failed: entries.filter((e) => !e.ok), index, outDir: relative(process.cwd(), outDir) || outDir };
}

/**
 * The handouts that will have a page after this run, in course order, as { name, title }: every notebook of the
 * course (notebooks/*.ipynb, sorted) made by this run or already in `outDir`, then notebooks given by path. The
 * previous/next links of a page go to its neighbours here.
 */
function pageOrder(notebooks, notebooksDir, outDir) {
  const course = listNotebooks([], notebooksDir);
  const paths = [...course, ...notebooks.filter((p) => !course.some((c) => basename(c) === basename(p)))];
  const made = new Set(notebooks.map((p) => basename(p, '.ipynb')));
  return paths
    .map((p) => ({ name: basename(p, '.ipynb'), path: p }))
    .filter((e) => made.has(e.name) || existsSync(join(outDir, `${e.name}.html`)))
    .map((e) => ({ name: e.name, title: notebookTitle(e.path) }));
}

/** handouts/plotly.min.js, written when missing or different (every page of a run carries the same library). */
function writeSharedPlotly(outDir, source) {
  const path = join(outDir, SHARED_PLOTLY);
  try {
    if (existsSync(path) && statSync(path).size === Buffer.byteLength(source) && readFileSync(path, 'utf8') === source) return;
  } catch {
    /* rewrite it */
  }
  writeFileAtomic(path, source);
}

function readIndexState(outDir) {
  try {
    return JSON.parse(readFileSync(join(outDir, 'handouts.json'), 'utf8')).entries ?? [];
  } catch {
    return [];
  }
}
