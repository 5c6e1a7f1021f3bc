// Draw figures in a real browser (Chromium through playwright-core): the HTML a notebook output or an nbconvert
// export contains must render, also when a figure's script runs before the plotly.js that the first figure carries.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { figureHtml, lineChart, scatter } from '../../lib/viz/index.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe.skipIf(!existsSync(CHROMIUM))('figures in a browser', () => {
  it('draws every figure, waits for plotly.js, and shows hover thumbnails', async () => {
    const { chromium } = await import('playwright-core');
    const early = await lineChart({ name: 'loss', y: [3, 2, 1] }, { show: false });
    const first = await scatter([[0, 0], [1, 1]], { labels: [0, 1], classNames: ['a', 'b'], thumbnails: Float32Array.from([0, 1, 1, 0, 1, 0, 0, 1]), thumbnailShape: [2, 2, 1], show: false });
    // `early` is on the page before the library (as in a notebook whose first figure's cell ran later)
    const page = `<!doctype html><html><body>${figureHtml(early, { id: 'early' })}\n${figureHtml(first, { id: 'first', includePlotly: true })}</body></html>`;
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const p = await browser.newPage();
      const errors: string[] = [];
      p.on('pageerror', (e) => errors.push(String(e)));
      await p.setContent(page, { waitUntil: 'load' });
      await p.waitForSelector('#first .main-svg', { timeout: 20_000 });
      await p.waitForSelector('#early .main-svg', { timeout: 20_000 });
      expect(await p.locator('#first .scatterlayer .point').count()).toBe(2);
      expect(await p.locator('#early .scatterlayer .trace').count()).toBe(1);
      // move the mouse onto the class-'b' point: its thumbnail appears in the tooltip
      const box = await p.locator('#first .scatterlayer .trace').nth(1).locator('.point').boundingBox();
      await p.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
      await p.waitForFunction(() => [...document.querySelectorAll('body > div > img')].some((i) => (i as HTMLImageElement).src.startsWith('data:')), undefined, { timeout: 5000 });
      const tip = await p.evaluate(() => {
        const img = [...document.querySelectorAll('body > div > img')].at(-1) as HTMLImageElement | undefined;
        return img ? { src: img.src.slice(0, 22), shown: (img.parentElement as HTMLElement).style.display } : null;
      });
      expect(tip).toEqual({ src: 'data:image/png;base64,', shown: 'block' });
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
