// Handout export: HTML post-processing (unit), and the whole pipeline on two tiny notebooks (a kernel, nbconvert,
// Chromium): one that works (a plotly figure, a PDF) and one that fails (an error page, no PDF, exit status 1).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decorateHtml, exportHandouts, externalisePlotly, headingsOf, indexHtml, LAPTOP_NOTICE, nbconvertHtml, PLOTLY_INLINE, runBannerHtml, runInfo, SMOKE_NOTICE, textOf, tocHtml, withPromptNumbers } from '../../scripts/handouts/export.mjs';
import { figureHtml } from '../../lib/viz/figure.js';
import { PLOTLY_MIME } from '../../lib/viz/plotly-mime.js';
import { inlineMathjax, MATHJAX_TAG, mathjaxSource, SHARED_MATHJAX } from '../../scripts/handouts/mathjax.mjs';
import { neighbours, pagerHtml } from '../../scripts/handouts/nav.mjs';
import { chromiumMissing, jupyterServerMissing, nbconvertMissing } from '../browser/env.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('handout HTML', () => {
  const page = `<html><head><title>x</title></head><body class="jp-Notebook">
<div class="jp-Cell jp-MarkdownCell"><h1 id="00-&#183;-Setup">00 &#183; Setup &amp; more<a class="anchor-link" href="#00-&#183;-Setup">&#182;</a></h1>
<h2 id="Part-A">Part <em>A</em><a class="anchor-link" href="#Part-A">¶</a></h2></div>
<div class="jp-Cell jp-CodeCell">code</div><div class="jp-Cell jp-CodeCell">boom</div>
<h3 id="Deep">Deep</h3><h4 id="ignored">ignored</h4></body></html>`;

  it('finds headings with decoded text and builds a nested table of contents', () => {
    expect(textOf('a &lt;b&gt; &#183; &#xB7; &amp; <i>c</i>')).toBe('a <b> · · & c');
    const h = headingsOf(page);
    expect(h).toEqual([
      { level: 1, id: '00-&#183;-Setup', text: '00 · Setup & more' },
      { level: 2, id: 'Part-A', text: 'Part A' },
      { level: 3, id: 'Deep', text: 'Deep' },
    ]);
    const toc = tocHtml(h);
    expect(toc).toContain('<li class="toc-l1"><a href="#00-&amp;#183;-Setup">00 · Setup &amp; more</a></li>');
    expect(toc).toContain('class="toc-l3"');
  });

  it('adds banner, contents, CSS, cell anchors and, for a failure, an error box that links the cell', () => {
    const out = decorateHtml(page, { title: 'T <1>', banner: 'mode smoke', failure: { cell: 2, error: 'Error: <boom>' } });
    expect(out).toContain('<title>T &lt;1&gt;</title>');
    expect(out).toMatch(/<body class="reprlab-has-toc jp-Notebook">\n<div class="reprlab-banner">mode smoke<\/div>\n<nav class="reprlab-toc"/);
    expect(out).toContain('id="reprlab-handout-css"');
    expect(out).toContain('This notebook failed in cell 2');
    expect(out).toContain('<a href="#reprlab-cell-2">');
    expect(out).toContain('Error: &lt;boom&gt;');
    expect(out).toContain('<div id="reprlab-cell-2" class="jp-Cell jp-CodeCell reprlab-failed-cell"');
    expect(decorateHtml(page)).not.toContain('id="reprlab-error"');
  });

  it('prints compactly: no forced break after the contents, only figures and images kept whole', () => {
    const css = /<style id="reprlab-handout-css">([\s\S]*?)<\/style>/.exec(decorateHtml(page))![1]!;
    const print = css.slice(css.indexOf('@media print'));
    expect(print).not.toMatch(/page-break-after:\s*always|break-after:\s*page/);
    expect(print).toMatch(/\.reprlab-toc ul \{ column-count: 3/);
    const avoid = print.split('}').filter((rule) => /break-inside:\s*avoid/.test(rule)).join('}');
    expect(avoid).not.toMatch(/\.jp-Cell\b/); // whole cells may be pages long: they flow
    expect(avoid).toMatch(/\.reprlab-figure/);
    expect(css).toMatch(/\.jp-InputArea-editor pre[^{]*\{ white-space: pre-wrap/); // on screen too: no line runs off the edge
  });

  it('reads mode, engine and device from the executed notebook; any mode name; smoke gets the notice', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-runinfo-'));
    const nb = (metadata: object, text: string) => {
      const path = join(dir, `${Math.random().toString(36).slice(2)}.ipynb`);
      writeFileSync(path, JSON.stringify({ metadata, cells: [{ cell_type: 'code', outputs: [{ output_type: 'stream', name: 'stdout', text: [text] }] }] }));
      return path;
    };
    const line = 'reprlab: backend webgpu on llvmpipe: Mesa 25 [mesa software] (skipped: tensorflow: not installed)\n';
    expect(runInfo(nb({}, line), 'smoke')).toEqual({ mode: 'smoke', engine: 'webgpu', device: 'llvmpipe: Mesa 25 [mesa software]' });
    expect(runInfo(nb({ reprlab: { mode: 'laptop' } }, line), 'auto').mode).toBe('laptop'); // the runner's record wins
    expect(runInfo(nb({}, `${line}reprlab: mode full-gpu\n`), 'auto').mode).toBe('full-gpu'); // a printed mode line next
    expect(runInfo(nb({}, 'no backend line'), 'x')).toEqual({ mode: 'x', engine: '', device: '' });
    // what the notebooks print: initBackend's line on wasm (with the skipped list), then the setup cell's mode line
    const wasm = "reprlab: backend wasm (XNNPACK, SIMD, 1 thread) (skipped: tensorflow: tfjs-node(-gpu) is not installed; webgpu: software adapter (wasm is faster; tried after it))\nrun mode: laptop, seed 0\n";
    expect(runInfo(nb({}, wasm), 'auto')).toEqual({ mode: 'laptop', engine: 'wasm', device: 'XNNPACK, SIMD, 1 thread' });
    expect(runInfo(nb({}, 'reprlab: backend cpu\nrun mode: smoke   seed: 0   tfjs 4.22.0\n'), 'auto')).toEqual({ mode: 'smoke', engine: 'cpu', device: '' });
    // a notebook that prints no mode line of its own (04, 07, 08, 09 show it in a table): 'auto' as the kernel
    // resolved it, from the engine initBackend printed
    const wasmOnly = "reprlab: backend wasm (XNNPACK, SIMD, 1 thread) (skipped: tensorflow: not installed)\n";
    expect(runInfo(nb({}, wasmOnly), 'auto')).toEqual({ mode: 'laptop', engine: 'wasm', device: 'XNNPACK, SIMD, 1 thread' });
    expect(runInfo(nb({}, line), 'auto').mode).toBe('laptop'); // webgpu on a software adapter
    expect(runInfo(nb({}, 'reprlab: backend webgpu on NVIDIA H100 80GB HBM3 [nvidia]\n'), 'auto').mode).toBe('full');
    expect(runInfo(nb({}, 'reprlab: backend tensorflow on CUDA 12 (NVIDIA H100)\n'), 'auto').mode).toBe('full');
    expect(runInfo(nb({}, 'no backend line'), 'auto').mode).toBe('auto'); // nothing to resolve it with
    expect(runInfo(nb({}, wasmOnly), 'smoke').mode).toBe('smoke'); // only auto is resolved
    const smoke = runBannerHtml({ mode: 'smoke', engine: 'cpu', device: 'JS <engine>' });
    expect(smoke.run).toBe('<span class="reprlab-run">mode <b>smoke</b> · engine <b>cpu</b> · device JS &lt;engine&gt;</span>');
    expect(smoke.notice).toBe(SMOKE_NOTICE);
    expect(SMOKE_NOTICE).toMatch(/Smoke test, not the lecture&apos;s figures/);
    expect(runBannerHtml({ mode: 'laptop', engine: 'wasm', device: '' }).notice).toBe(LAPTOP_NOTICE);
    expect(LAPTOP_NOTICE).toMatch(/holds over seeds 0, 1 and 2/);
    expect(runBannerHtml({ mode: 'full', engine: 'tensorflow', device: 'CUDA' }).notice).toBe('');
    const out = decorateHtml(page, { banner: 'b', notice: smoke.notice });
    expect(out).toMatch(/<div class="reprlab-banner">b<\/div>\n<div class="reprlab-smoke"[\s\S]*<nav class="reprlab-toc"/);
  });

  it('moves the inline plotly.js of a page into a shared file (one per page, escapes undone)', () => {
    const fig = { kind: 'line' as const, data: [{ type: 'scatter', y: [1, 2] }], layout: {}, config: {} };
    const first = figureHtml(fig, { includePlotly: true, id: 'a' });
    const again = figureHtml(fig, { includePlotly: true, id: 'b' });
    const html = `<body>${first}\n${figureHtml(fig, { id: 'c' })}\n${again}</body>`;
    const r = externalisePlotly(html);
    expect(r.plotly.length).toBeGreaterThan(1_000_000); // the library itself
    expect(r.plotly).not.toContain('<\\/script'); // a .js file needs no <script> escaping
    expect(r.html.match(/<script src="plotly\.min\.js" charset="utf-8"><\/script>/g)).toHaveLength(1);
    expect(r.html).not.toContain('plotly.js, once per notebook session');
    expect(r.html.length).toBeLessThan(20_000);
    expect(r.html).toContain('id="a"');
    expect(r.html).toContain('id="c"');
    expect(externalisePlotly('<p>no figures</p>')).toEqual({ html: '<p>no figures</p>', plotly: '' });
  });

  it('numbers executed code cells (tslab leaves execution_count empty), up to a failing cell', () => {
    const nb = { cells: [{ cell_type: 'markdown' }, { cell_type: 'code', execution_count: null }, { cell_type: 'code', execution_count: null }, { cell_type: 'code', execution_count: null }] };
    expect(withPromptNumbers(structuredClone(nb)).cells.map((c) => c.execution_count)).toEqual([undefined, 1, 2, 3]);
    expect(withPromptNumbers(structuredClone(nb), 2).cells.map((c) => c.execution_count)).toEqual([undefined, 1, 2, null]);
  });

  it('index page lists every handout, marks failures and escapes titles', () => {
    const e = (name: string, ok: boolean) => ({ name, title: `${name} <t>`, mode: 'smoke', html: `${name}.html`, pdf: ok ? `${name}.pdf` : null, ok, cell: ok ? null : 3, error: ok ? '' : 'x', seconds: 1.5, backend: 'cpu' });
    const html = indexHtml([e('01-a', true), e('02-b', false)], { mode: 'smoke', generated: new Date('2025-01-01T00:00:00Z') });
    expect(html).toContain('<a href="01-a.html">01-a &lt;t&gt;</a>');
    expect(html).toContain('<a href="01-a.pdf">PDF</a>');
    expect(html).toContain('failed (cell 3)');
    expect(html).toContain('1 notebook(s) failed: 02-b');
    expect(html).toContain('npm run handouts -- --mode full');
  });

  it('index shows the mode each handout ran at, as its banner does (auto resolved from the engine)', () => {
    const e = (name: string, mode: string, engine: string, device: string) => ({ name, title: name, mode, html: `${name}.html`, pdf: null, ok: true, cell: null, error: '', seconds: 1, backend: '', engine, device });
    const html = indexHtml([e('01-a', 'laptop', 'wasm', 'XNNPACK'), e('04-b', 'auto', 'wasm', 'XNNPACK'), e('05-c', 'auto', 'webgpu', 'NVIDIA L4'), e('06-d', 'smoke', 'cpu', '')], { mode: 'auto' });
    const modes = [...html.matchAll(/<tr><td>[^<]*<\/td>(?:<td>.*?<\/td>){3}<td>([^<]*)<\/td>/g)].map((m) => m[1]);
    expect(modes).toEqual(['laptop', 'laptop', 'full', 'smoke']);
    expect(html).toMatch(/Run mode <b>auto<\/b> \(full on a GPU, laptop on a CPU engine/);
  });

  it('links each page to the previous and next handout (relative), at the top and the bottom, not in print', () => {
    const order = [{ name: '00-setup', title: 'Setup' }, { name: '01-a', title: 'A <b>' }, { name: '02-b', title: 'B' }];
    expect(neighbours(order, '00-setup')).toEqual({ prev: null, next: order[1] });
    expect(neighbours(order, '01-a')).toEqual({ prev: order[0], next: order[2] });
    expect(neighbours(order, '02-b')).toEqual({ prev: order[1], next: null });
    expect(neighbours(order, 'elsewhere')).toEqual({ prev: null, next: null });
    const nav = pagerHtml(neighbours(order, '01-a'));
    expect(nav).toContain('<a class="reprlab-prev" rel="prev" href="00-setup.html">← 00-setup · Setup</a>');
    expect(nav).toContain('<a class="reprlab-next" rel="next" href="02-b.html">02-b · B →</a>');
    expect(nav).toContain('<a class="reprlab-all" href="index.html">all handouts</a>');
    expect(pagerHtml(neighbours(order, '00-setup'))).toContain('01-a · A &lt;b&gt; →'); // titles escaped
    const out = decorateHtml(page, { banner: 'b', pager: neighbours(order, '01-a') });
    expect(out).toMatch(/<div class="reprlab-banner">b<\/div>\n<nav class="reprlab-pager reprlab-pager-top"/);
    expect(out).toMatch(/<nav class="reprlab-pager reprlab-pager-bottom"[^]*<\/nav>\n<\/body>/);
    const print = /@media print \{([\s\S]*?)\n\}/.exec(out)![1]!;
    expect(print).toMatch(/\.reprlab-pager \{ display: none; \}/);
    expect(decorateHtml(page)).not.toContain('<nav class="reprlab-pager');
  });

  it('has a dark theme on screen that follows prefers-color-scheme (print stays light)', () => {
    const css = /<style id="reprlab-handout-css">([\s\S]*?)<\/style>/.exec(decorateHtml(page))![1]!;
    const dark = css.slice(css.indexOf('@media screen and (prefers-color-scheme: dark)'));
    expect(dark).toMatch(/^@media screen and \(prefers-color-scheme: dark\) \{[\s\S]*\.reprlab-banner \{ background: #1c2533/);
    expect(indexHtml([], { mode: 'smoke' })).toContain('@media screen and (prefers-color-scheme: dark)');
  });

  it('inlines MathJax for --standalone pages (script-safe), leaves other pages as they are', () => {
    const src = mathjaxSource();
    expect(src.length).toBeGreaterThan(1_000_000);
    expect(src).toMatch(/MathJax/);
    const html = `<head>${MATHJAX_TAG}</head><body>$x$</body>`;
    const inline = inlineMathjax(html, 'var a = "</script>"; var b = "$&";');
    expect(inline).toBe('<head><script id="reprlab-mathjax" charset="utf-8">\nvar a = "<\\/script>"; var b = "$&";\n</script></head><body>$x$</body>');
    expect(inlineMathjax('<p>no tag</p>', 'x')).toBe('<p>no tag</p>');
    expect(SHARED_MATHJAX).toBe('mathjax.js');
  });
});

const noNbconvert = nbconvertMissing();

describe.skipIf(!!noNbconvert)(`nbconvert and the plotly MIME type${noNbconvert ? ` (skipped: ${noNbconvert})` : ''}`, () => {
  it('an output carrying text/html and application/vnd.plotly.v1+json exports as one figure: the HTML', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-mime-'));
    const fig = { kind: 'line' as const, data: [{ type: 'scatter', y: [1, 2] }], layout: { title: { text: 'from-the-mime' } }, config: {} };
    const output = { output_type: 'display_data', metadata: {}, data: { 'text/html': figureHtml(fig, { id: 'only-one' }), [PLOTLY_MIME]: { data: fig.data, layout: fig.layout, config: fig.config }, 'text/plain': '[line figure: 1 trace, 2 points]' } };
    const path = join(dir, 'both.ipynb');
    writeFileSync(path, JSON.stringify({ ...JSON.parse(notebook([['code', 'await lineChart(...)']])), cells: [{ cell_type: 'code', id: 'c0', source: 'x', metadata: {}, execution_count: 1, outputs: [output, output] }] }));
    const html = nbconvertHtml(path);
    expect(html.match(/<div id="only-one" class="reprlab-figure"/g)).toHaveLength(2); // one per output, not two
    expect(html).not.toContain(PLOTLY_MIME);
    expect(html).not.toContain('[line figure: 1 trace, 2 points]'); // text/plain is not shown beside it either
  });

  it('pages load MathJax from a file beside them, never from the exporting machine (file://) or a CDN; dark theme on screen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-portable-'));
    const path = join(dir, 'math.ipynb');
    writeFileSync(path, notebook([['markdown', '# Math\nInline $a^2 + b^2$ and display $$\\sum_i x_i$$.'], ['code', '1 + 1']]));
    const html = decorateHtml(nbconvertHtml(path), { title: 't', banner: 'b' });
    expect(html).not.toMatch(/file:\/\//);
    expect(html).not.toMatch(/\/usr\/share\//);
    expect(html).not.toMatch(/cdnjs|cdn\.jsdelivr|unpkg\.com/);
    expect(html).toContain(MATHJAX_TAG);
    expect(html).toMatch(/window\.MathJax = \{\s*tex: \{\s*inlineMath: \[\['\$', '\$'\]/);
    expect(html).toContain('$a^2 + b^2$'); // left for MathJax to typeset in the browser
    // JupyterLab's dark variables, applied on screen when the reader's system is dark
    expect(html).toMatch(/<style type="text\/css" id="reprlab-dark-theme" media="screen and \(prefers-color-scheme: dark\)">[\s\S]*--jp-layout-color0: #111111/);
  });
});

const missing = jupyterServerMissing() ?? nbconvertMissing() ?? chromiumMissing();

/**
 * Every file a handouts run writes (not the executed notebooks, which are its input) is free of references to the
 * exporting machine: no file:// URL (PDFs included: their links), no absolute path in a src/href/url(), no mention
 * of `dirs` (the export folder, the repository) — except in `quoting`, pages that quote a failed notebook's error,
 * whose stack trace names the kernel's files where they lie (text, not a reference). plotly.min.js and mathjax.js are the vendors' files as shipped (plotly's code holds the string
 * 'file://' for its own protocol checks): they must be byte copies of the packages.
 */
function expectPortable(out: string, dirs: string[], quoting: string[] = []) {
  const files = (d: string): string[] => readdirSync(d).flatMap((f) => (f === '.executed' ? [] : statSync(join(d, f)).isDirectory() ? files(join(d, f)) : [join(d, f)]));
  const all = files(out);
  expect(all.map((f) => relative(out, f)).sort()).toEqual(expect.arrayContaining(['index.html', 'handouts.json', SHARED_MATHJAX]));
  for (const f of all) {
    const name = relative(out, f);
    const raw = readFileSync(f, 'utf8');
    // the vendors' code inlined by --standalone is checked as a file above, not here
    const text = raw.replace(new RegExp(PLOTLY_INLINE.source, 'g'), '').replace(/<script id="reprlab-mathjax" charset="utf-8">[\s\S]*?<\/script>/, '');
    if (name === SHARED_MATHJAX) {
      expect(raw, name).toBe(mathjaxSource());
      continue;
    }
    if (name === 'plotly.min.js') continue; // checked byte for byte by the shared-plotly test above
    expect(text, `${name} mentions file://`).not.toMatch(/file:\/\//i);
    if (!quoting.includes(name)) for (const d of dirs) expect(text.includes(d), `${name} mentions ${d}`).toBe(false);
    const refs = [...text.matchAll(/\b(?:src|href)\s*=\s*"([^"]*)"|url\(\s*['"]?([^'")]+)/gi)].map((m) => m[1] ?? m[2]!);
    for (const ref of refs) expect(ref, `${name} refers to ${ref}`).toMatch(/^(?:#|data:|[\w.-]+(?:\/[\w.-]+)*(?:[?#].*)?$|https?:\/\/www\.w3\.org\/)/);
  }
}

function notebook(cells: Array<[string, string]>) {
  return JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: cells.map(([type, source], i) => (type === 'code' ? { cell_type: 'code', id: `c${i}`, source, metadata: {}, outputs: [], execution_count: null } : { cell_type: 'markdown', id: `c${i}`, source, metadata: {} })),
  });
}

describe.skipIf(!!missing)(`npm run handouts end to end${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('makes an HTML page with a drawn figure and a PDF, and an error page for a failing notebook; the others go on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-handouts-'));
    const nbs = join(dir, 'notebooks');
    mkdirSync(nbs);
    symlinkSync(join(ROOT, 'node_modules'), join(nbs, 'node_modules'), 'dir'); // `import ... from 'reprlab'` from here
    writeFileSync(join(nbs, '01-ok.ipynb'), notebook([
      ['markdown', '# One: a tiny handout\nSome prose with math $a^2 + b^2$.'],
      ['markdown', '## Part A'],
      ['code', "import { lineChart } from 'reprlab';\nawait lineChart({ name: 'loss', y: [3, 2, 1.5, 1.2, 1] }, { title: 'a loss curve' });"],
      ['code', "console.log('hello from the handout');"],
    ]));
    writeFileSync(join(nbs, '02-broken.ipynb'), notebook([
      ['markdown', '# Two: broken'],
      ['code', "console.log('before the failure');"],
      ['code', "throw new Error('deliberate failure for the test');"],
      ['code', "console.log('never printed');"],
    ]));
    const out = join(dir, 'handouts');
    const lines: string[] = [];
    const r = await exportHandouts({ notebooksDir: nbs, outDir: out, mode: 'smoke', backend: 'cpu', log: (l) => lines.push(l) });
    expect(r.entries.map((e) => [e.name, e.ok])).toEqual([['01-ok', true], ['02-broken', false]]);

    const ok = readFileSync(join(out, '01-ok.html'), 'utf8');
    expect(ok).toContain('hello from the handout');
    expect(ok).toMatch(/<nav class="reprlab-toc"[\s\S]*One: a tiny handout[\s\S]*Part A/);
    expect(ok).toContain('class="reprlab-figure"');
    expect(ok).not.toMatch(/require\.min\.js|require\.js"/); // no require.js: it would hide window.Plotly
    expect(ok).toContain('<span class="reprlab-run">mode <b>smoke</b> · engine <b>cpu</b>');
    expect(ok).toContain('Smoke test, not the lecture&apos;s figures');
    // one plotly.js beside the pages, referenced relatively; the page itself is small
    expect(ok).toContain('<script src="plotly.min.js" charset="utf-8"></script>');
    expect(ok.length).toBeLessThan(1_000_000);
    expect(readFileSync(join(out, 'plotly.min.js'), 'utf8').length).toBeGreaterThan(1_000_000);
    const pdf = readFileSync(join(out, '01-ok.pdf'));
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(lines.join('\n')).not.toMatch(/did not draw/);

    const broken = readFileSync(join(out, '02-broken.html'), 'utf8');
    expect(broken).toContain('This notebook failed in cell 2');
    expect(broken).toContain('deliberate failure for the test');
    expect(broken).toContain('before the failure');
    expect(existsSync(join(out, '02-broken.pdf'))).toBe(false);
    expect(r.failed[0]).toMatchObject({ name: '02-broken', cell: 2 });

    const index = readFileSync(join(out, 'index.html'), 'utf8');
    expect(index).toContain('<a href="01-ok.html">One: a tiny handout</a>');
    expect(index).toContain('<a href="02-broken.html">Two: broken</a>');
    expect(index).toMatch(/failed \(cell 2\)/);

    // portable: MathJax beside the pages; previous/next links between them; nothing the pages or the index load
    // or link points at the exporting machine (file://, an absolute path) or the network
    expect(ok).toContain(MATHJAX_TAG);
    expect(readFileSync(join(out, SHARED_MATHJAX), 'utf8')).toBe(mathjaxSource());
    expect(ok).toContain('<a class="reprlab-next" rel="next" href="02-broken.html">02-broken · Two: broken →</a>');
    expect(broken).toContain('<a class="reprlab-prev" rel="prev" href="01-ok.html">← 01-ok · One: a tiny handout</a>');
    expectPortable(out, [dir, ROOT], ['02-broken.html']);

    // the command: re-render without executing; exits 1 naming the failed notebook
    const cli = spawnSync('node', ['scripts/handouts.mjs', '--no-execute', '--no-pdf', '--out', out, join(nbs, '02-broken.ipynb')], { cwd: ROOT, encoding: 'utf8' });
    expect(cli.status).toBe(1);
    expect(cli.stderr).toMatch(/FAILED: 02-broken \(cell 2\)/);
    const bad = spawnSync('node', ['scripts/handouts.mjs', '--mode', 'huge'], { cwd: ROOT, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--mode' must be one of auto, smoke, laptop, full \(got 'huge'\)/);

    // --standalone: the library inline again, the page works alone
    const alone = spawnSync('node', ['scripts/handouts.mjs', '--no-execute', '--no-pdf', '--standalone', '--out', out, join(nbs, '01-ok.ipynb')], { cwd: ROOT, encoding: 'utf8' });
    expect(alone.status, alone.stderr).toBe(0);
    const inline = readFileSync(join(out, '01-ok.html'), 'utf8');
    expect(inline).toContain('plotly.js, once per notebook session');
    expect(inline).not.toContain('<script src="plotly.min.js"');
    expect(inline).not.toContain(MATHJAX_TAG); // MathJax inline too
    expect(inline).toContain('<script id="reprlab-mathjax" charset="utf-8">');
    expectPortable(out, [dir, ROOT], ['02-broken.html']);
  });
});
