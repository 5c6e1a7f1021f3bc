/**
 * `await show(value)`: display anything a notebook computes, in tslab (rich) or a terminal (text).
 * - a tensor: dtype, shape and its values (read asynchronously, so it works on webgpu), long axes elided;
 * - an array of row objects: a table (HTML in a notebook, aligned text in a terminal);
 * - a string: Markdown;
 * - PNG bytes: the image;
 * - an object with a `[SHOW]()` method (figures from lib/viz): whatever that method displays;
 * - anything else: its `util.inspect` text.
 */
import { inspect } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { displayBundle, displayMarkdown, displayPng } from './display.js';
import { formatTableHtml, formatTableText, formatTensorValues, escapeHtml, type FormatTensorOptions, type TableRow } from './format.js';

/** Objects that know how to display themselves implement this method (e.g. lib/viz figures). */
export const SHOW: unique symbol = Symbol.for('reprlab.show') as never;
export interface Showable {
  [SHOW](): void | Promise<void>;
}

export interface ShowOptions extends FormatTensorOptions {
  /** A caption shown above the value. */
  title?: string;
}

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export async function show(value: unknown, o: ShowOptions = {}): Promise<void> {
  const title = o.title;
  if (value instanceof tf.Tensor) {
    const text = await tensorText(value, o);
    displayBundle({ 'text/plain': title ? `${title}\n${text}` : text });
    return;
  }
  if (isShowable(value)) {
    if (title) displayMarkdown(`**${title}**`);
    await value[SHOW]();
    return;
  }
  if (isTable(value)) {
    const text = formatTableText(value);
    const html = formatTableHtml(value);
    displayBundle({
      'text/html': title ? `<p><b>${escapeHtml(title)}</b></p>\n${html}` : html,
      'text/plain': title ? `${title}\n${text}` : text,
    });
    return;
  }
  if (typeof value === 'string') {
    displayMarkdown(title ? `**${title}**\n\n${value}` : value);
    return;
  }
  if (value instanceof Uint8Array && PNG_SIGNATURE.every((b, i) => value[i] === b)) {
    if (title) displayMarkdown(`**${title}**`);
    displayPng(value);
    return;
  }
  const text = inspect(value, { depth: 4, maxArrayLength: 50, breakLength: 100 });
  displayBundle({ 'text/plain': title ? `${title}\n${text}` : text });
}

/** `Tensor float32 [2, 3]` followed by the values (async read: works on every backend). */
export async function tensorText(t: tf.Tensor, o: FormatTensorOptions = {}): Promise<string> {
  if (t.isDisposed) return `Tensor ${t.dtype} [${t.shape.join(', ')}] (disposed)`;
  const values = (await t.data()) as ArrayLike<number | string>;
  return `Tensor ${t.dtype} [${t.shape.join(', ')}]\n${formatTensorValues(values, t.shape, o)}`;
}

function isShowable(v: unknown): v is Showable {
  return typeof v === 'object' && v !== null && typeof (v as Partial<Showable>)[SHOW] === 'function';
}

function isTable(v: unknown): v is TableRow[] {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r) && !ArrayBuffer.isView(r) && (Object.getPrototypeOf(r) === Object.prototype || Object.getPrototypeOf(r) === null))
  );
}
