// A handout in a real browser: nbconvert renders an executed notebook holding a lib/viz figure (the same text/html
// output the kernel produces), we decorate it as `npm run handouts` does, and Chromium must draw the plot (plotly's
// SVG) with visible pixels, show the table of contents, and print a PDF.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { decorateHtml, externalisePlotly, launchChromium, nbconvertHtml, openHandout, printPdf, SHARED_PLOTLY, writeFileAtomic } from '../../scripts/handouts/export.mjs';
import { lineChart } from '../../lib/viz/index.js';
import { inlineMathjax, writeSharedMathjax } from '../../scripts/handouts/mathjax.mjs';
import { pathToFileURL } from 'node:url';
import { chromiumMissing, nbconvertMissing } from './env.js';
import { distinctColours } from './png.js';

const missing = chromiumMissing() ?? nbconvertMissing();
const SHOTS = process.env.REPRLAB_SCREENSHOTS ?? tmpdir();

describe.skipIf(!!missing)(`handout page in Chromium${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let browser: Browser;
  let html: string;
  let shared: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-handout-browser-'));
    const fig = await lineChart([{ name: 'train', y: [2.3, 1.7, 1.2, 0.9, 0.8] }, { name: 'test', y: [2.4, 1.9, 1.5, 1.3, 1.25] }], { title: 'loss per epoch', show: false });
    const nb = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
      cells: [
        { cell_type: 'markdown', id: 'a', metadata: {}, source: '# Browser check\nA handout with one figure and math: $a^2 + b^2$ and $$\\sum_{i=1}^n x_i.$$' },
        { cell_type: 'markdown', id: 'b', metadata: {}, source: '## The figure' },
        {
          cell_type: 'code', id: 'c', metadata: {}, execution_count: 1, source: "await lineChart([...], { title: 'loss per epoch' });",
          outputs: [{ output_type: 'display_data', metadata: {}, data: { 'text/html': fig.html({ includePlotly: true }), 'text/plain': fig.summary() } }],
        },
      ],
    };
    writeFileSync(join(dir, 'executed.ipynb'), JSON.stringify(nb));
    html = join(dir, '01-browser-check.html');
    const page = decorateHtml(nbconvertHtml(join(dir, 'executed.ipynb')), { title: 'browser check', banner: 'test' });
    writeFileAtomic(html, inlineMathjax(page)); // like --standalone: MathJax inside the page
    // the default of npm run handouts: plotly.js in a file beside the page
    const ext = externalisePlotly(page);
    shared = join(dir, 'shared', '01-browser-check.html');
    writeFileAtomic(shared, ext.html);
    writeFileAtomic(join(dir, 'shared', SHARED_PLOTLY), ext.plotly);
    writeSharedMathjax(join(dir, 'shared'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('draws the plotly figure (SVG present, many colours on screen) and shows the contents', async () => {
    const { page, figures, drawn, errors } = await openHandout(browser, html, { width: 1300, height: 900 });
    try {
      expect(errors).toEqual([]);
      expect(figures).toBe(1);
      expect(drawn).toBe(1);
      expect(await page.locator('.reprlab-figure .main-svg').count()).toBeGreaterThan(0);
      expect(await page.locator('.reprlab-figure .scatterlayer .trace').count()).toBe(2); // two curves
      expect(await page.locator('nav.reprlab-toc a').allTextContents()).toEqual(['Browser check', 'The figure']);
      const shot = await page.locator('.reprlab-figure').screenshot();
      expect(distinctColours(shot)).toBeGreaterThan(20); // a blank box has 1-2 colours
      await page.screenshot({ path: join(SHOTS, 'reprlab-handout.png'), fullPage: true });
    } finally {
      await page.close();
    }
  });

  it('draws the figure from the shared plotly.min.js beside the page (file://, relative)', async () => {
    const { page, figures, drawn, errors } = await openHandout(browser, shared, { width: 1000, height: 800 });
    try {
      expect(errors).toEqual([]);
      expect([figures, drawn]).toEqual([1, 1]);
      expect(await page.locator('.reprlab-figure .scatterlayer .trace').count()).toBe(2);
    } finally {
      await page.close();
    }
  });

  it('typesets math offline, from mathjax.js beside the page and from MathJax inline (no network: every request refused)', async () => {
    for (const path of [shared, html]) {
      const { page, errors } = await openHandout(browser, path, { width: 1000, height: 800 });
      try {
        expect(errors).toEqual([]);
        expect(await page.locator('mjx-container svg').count()).toBe(2); // inline and display
        expect(await page.locator('.jp-MarkdownCell').first().textContent()).not.toContain('$a^2');
      } finally {
        await page.close();
      }
    }
  });

  it('follows the reader\'s dark theme on screen; the light theme otherwise', async () => {
    const look = async (colorScheme: 'light' | 'dark') => {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 }, colorScheme });
      try {
        await page.route(/^https?:\/\//, (route) => route.abort());
        await page.goto(pathToFileURL(shared).href);
        await page.waitForFunction(() => document.querySelector('.reprlab-figure .main-svg'));
        if (colorScheme === 'dark') await page.screenshot({ path: join(SHOTS, 'reprlab-handout-dark.png') });
        return await page.evaluate(() => ({
          body: getComputedStyle(document.body).backgroundColor,
          text: getComputedStyle(document.querySelector('.jp-MarkdownCell .jp-RenderedHTMLCommon')!).color,
          banner: getComputedStyle(document.querySelector('.reprlab-banner')!).backgroundColor,
          figure: getComputedStyle(document.querySelector('.reprlab-figure')!).backgroundColor,
        }));
      } finally {
        await page.close();
      }
    };
    const lum = (css: string) => {
      const [r, g, b] = css.match(/\d+/g)!.map(Number) as [number, number, number];
      return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    };
    const light = await look('light');
    const dark = await look('dark');
    expect(lum(light.body)).toBeGreaterThan(0.9);
    expect(lum(light.text)).toBeLessThan(0.3);
    expect(lum(dark.body)).toBeLessThan(0.1);
    expect(lum(dark.text)).toBeGreaterThan(0.6);
    expect(lum(dark.banner)).toBeLessThan(0.2);
    expect(lum(dark.figure)).toBeGreaterThan(0.9); // plotly draws on white: the figure stays a light card
  });

  it('prints a PDF after the figure has drawn', async () => {
    const pdf = html.replace(/\.html$/, '.pdf');
    const r = await printPdf(browser, html, pdf);
    expect(r).toMatchObject({ figures: 1, drawn: 1 });
    const bytes = readFileSync(pdf);
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(10_000);
    // banner, contents and the short notebook share page 1 (the contents used to force a page break: 2 pages)
    expect(bytes.toString('latin1').match(/\/Type ?\/Page(?!s)/g)).toHaveLength(1);
  });
});
