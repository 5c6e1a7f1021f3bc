/**
 * The plotly.js library text that the first figure of a kernel session carries inline.
 *
 * plotly.js-dist ships only the unminified bundle (10 MB); we minify it once with esbuild (present wherever the
 * dev dependencies are) into node_modules/.cache/reprlab/ (about 4.8 MB) and fall back to the full file where
 * esbuild is missing. `REPRLAB_PLOTLY=cdn` makes figures load plotly from cdn.plot.ly instead (small notebooks,
 * but viewing them needs the network).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../util/fs.js';

const requireHere = createRequire(import.meta.url);
let cached: string | undefined;

function plotlyDir(): string {
  try {
    return dirname(requireHere.resolve('plotly.js-dist/package.json'));
  } catch {
    throw new Error("lib/viz: the 'plotly.js-dist' package is missing; run `npm ci` in the reprlab folder");
  }
}

/** The plotly.js version figures are drawn with. */
export function plotlyVersion(): string {
  return (JSON.parse(readFileSync(join(plotlyDir(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where figures get plotly.js: inline in the first figure (default) or from the CDN (REPRLAB_PLOTLY=cdn). */
export function plotlyDelivery(): 'inline' | 'cdn' {
  return (process.env.REPRLAB_PLOTLY ?? '').toLowerCase() === 'cdn' ? 'cdn' : 'inline';
}

export function plotlyCdnUrl(): string {
  return `https://cdn.plot.ly/plotly-${plotlyVersion()}.min.js`;
}

/** The (minified where possible) plotly.js source, safe to put inside a <script> element. */
export function plotlySource(): string {
  if (cached !== undefined) return cached;
  const dir = plotlyDir();
  const version = plotlyVersion();
  let src: string | undefined;
  for (const name of ['plotly.min.js', 'dist/plotly.min.js']) {
    if (existsSync(join(dir, name))) src = readFileSync(join(dir, name), 'utf8');
  }
  if (src === undefined) {
    const cacheFile = join(dirname(dir), '.cache', 'reprlab', `plotly-${version}.min.js`);
    if (existsSync(cacheFile)) src = readFileSync(cacheFile, 'utf8');
    else {
      const full = readFileSync(join(dir, 'plotly.js'), 'utf8');
      src = minify(full);
      if (src !== undefined) {
        try {
          writeFileAtomic(cacheFile, src);
        } catch {
          /* read-only install: minify again next session */
        }
      } else src = full;
    }
  }
  cached = src.replace(/<\/(script)/gi, '<\\/$1');
  return cached;
}

function minify(code: string): string | undefined {
  try {
    const esbuild = requireHere('esbuild') as { transformSync(c: string, o: object): { code: string } };
    return esbuild.transformSync(code, { minify: true, legalComments: 'eof' }).code;
  } catch {
    return undefined;
  }
}
