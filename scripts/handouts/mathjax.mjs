// MathJax for the handouts: MathJax 3's `tex-svg-full` component (the `mathjax` devDependency) as a file beside the
// pages (`mathjax.js`, like plotly.min.js), or inline in each page with --standalone. The pages never load it from
// the exporting machine's disk (Debian's nbconvert points at file:///usr/share/javascript/mathjax/...) nor from a
// CDN, so a copied handouts folder typesets its math offline on any machine.
//
// Why tex-svg-full: SVG output needs no web fonts (Chromium refuses @font-face files from file:// pages, which
// would break CommonHTML's fonts for a page opened from disk), prints as vectors, and the "full" build holds every
// TeX extension, so MathJax never fetches another file (one file suffices, also inline).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic.mjs';

const requireHere = createRequire(import.meta.url);

/** The file beside the pages, and the <script> our nbconvert template writes for it. */
export const SHARED_MATHJAX = 'mathjax.js';
export const MATHJAX_TAG = '<script src="mathjax.js" id="reprlab-mathjax" charset="utf-8"></script>';
const COMPONENT = 'mathjax/es5/tex-svg-full.js';

/** Path of MathJax's tex-svg-full.js in node_modules; a clear error naming the fix when it is missing. */
export function mathjaxPath() {
  try {
    return requireHere.resolve(COMPONENT);
  } catch {
    throw new Error(`handouts: MathJax is missing (${COMPONENT} not found): run 'npm ci' in the reprlab folder (mathjax is a devDependency)`);
  }
}

/** MathJax's source text. */
export function mathjaxSource() {
  return readFileSync(mathjaxPath(), 'utf8');
}

/**
 * A page with MathJax inline instead of the `mathjax.js` beside it (for --standalone): the template's <script src>
 * becomes a <script> holding the library. A page without the tag is returned unchanged.
 */
export function inlineMathjax(html, source = mathjaxSource()) {
  if (!html.includes(MATHJAX_TAG)) return html;
  const safe = source.replace(/<\/(script)/gi, '<\\/$1');
  return html.replace(MATHJAX_TAG, () => `<script id="reprlab-mathjax" charset="utf-8">\n${safe}\n</script>`);
}

/** <outDir>/mathjax.js, copied when missing or different. */
export function writeSharedMathjax(outDir) {
  const source = readFileSync(mathjaxPath());
  const path = join(outDir, SHARED_MATHJAX);
  try {
    if (existsSync(path) && statSync(path).size === source.length && readFileSync(path).equals(source)) return path;
  } catch {
    /* rewrite it */
  }
  writeFileAtomic(path, source);
  return path;
}
