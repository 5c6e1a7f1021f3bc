/**
 * Rich output in the tslab kernel, with plain-console fallbacks in a terminal, a test or a script.
 *
 * Detection: the tslab kernel is the process that loaded `tslab/dist/jupyter.js`; while it executes a cell it
 * holds the cell's `display_data` writer (`lastWriteDisplayData`). We look the module up in Node's module cache
 * instead of `require('tslab')`, so nothing heavy is loaded outside a kernel, and a globally installed tslab works.
 */
import { createRequire } from 'node:module';

/** A JSON value, as Jupyter carries it for JSON MIME types (`application/json`, `application/vnd.plotly.v1+json`). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * A Jupyter MIME bundle: { 'text/html': '...', 'text/plain': '...' }; binary payloads as base64 strings, JSON
 * MIME types (`application/vnd.plotly.v1+json`) as JSON objects, which the front end picks from by what it can
 * render.
 */
export type MimeBundle = Record<string, string | { [key: string]: JsonValue }>;

type WriteDisplayData = (data: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void;

const requireHere = createRequire(import.meta.url);
const TSLAB_JUPYTER = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;
let kernelModule: { lastWriteDisplayData?: WriteDisplayData | null } | undefined;

function tslabWriter(): WriteDisplayData | undefined {
  const known = kernelModule?.lastWriteDisplayData;
  if (known) return known;
  for (const [key, mod] of Object.entries(requireHere.cache)) {
    if (TSLAB_JUPYTER.test(key) && mod?.exports) {
      kernelModule = mod.exports as typeof kernelModule;
      if (kernelModule?.lastWriteDisplayData) return kernelModule.lastWriteDisplayData;
    }
  }
  return undefined;
}

/** True inside a running tslab (Jupyter TypeScript) kernel, where rich outputs (HTML, images) can be shown. */
export function inNotebook(): boolean {
  return typeof tslabWriter() === 'function';
}

/**
 * Display a MIME bundle in the notebook (returns true), or print `fallback` (default: the bundle's text/plain)
 * to the console outside a notebook (returns false).
 */
export function displayBundle(bundle: MimeBundle, fallback?: string): boolean {
  const write = tslabWriter();
  if (write) {
    write({ data: bundle, metadata: {}, transient: {} }, false);
    return true;
  }
  const plain = bundle['text/plain'];
  const text = fallback ?? (typeof plain === 'string' ? plain : undefined);
  if (text !== undefined) console.log(text);
  return false;
}

/** Show HTML in the notebook; outside one print `fallback` (default: a one-line note). */
export function displayHtml(html: string, fallback?: string): boolean {
  const note = fallback ?? `[HTML output, ${html.length} characters: shown in a notebook]`;
  return displayBundle({ 'text/html': html, 'text/plain': note }, note);
}

/** Show a PNG image in the notebook; outside one print `fallback` (default: its size). */
export function displayPng(png: Uint8Array, fallback?: string): boolean {
  const note = fallback ?? `[PNG image ${pngSize(png)}, ${png.length} bytes: shown in a notebook]`;
  return displayBundle({ 'image/png': Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString('base64'), 'text/plain': note }, note);
}

/** Show Markdown in the notebook; outside one print the Markdown source. */
export function displayMarkdown(markdown: string): boolean {
  return displayBundle({ 'text/markdown': markdown, 'text/plain': markdown });
}

/** Show plain text as a display output (console.log outside a notebook). */
export function displayText(text: string): boolean {
  return displayBundle({ 'text/plain': text });
}

function pngSize(png: Uint8Array): string {
  if (png.length < 24) return '?x?';
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return `${dv.getUint32(16)}x${dv.getUint32(20)}`;
}
