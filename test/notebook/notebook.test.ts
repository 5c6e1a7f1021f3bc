import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  checkClaim, ClaimError, displayHtml, displayPng, formatNumber, formatTableText, formatTensorValues, inNotebook, show,
} from '../../lib/notebook/index.js';
import { encodePng } from '../../lib/viz/index.js';
import { useBackend } from '../helpers.js';
import { fakeKernel, type FakeKernel } from './fake-kernel.js';

let kernel: FakeKernel | undefined;
const savedMode = process.env.REPRLAB_MODE;
afterEach(() => {
  kernel?.stop();
  kernel = undefined;
  vi.restoreAllMocks();
  if (savedMode === undefined) delete process.env.REPRLAB_MODE;
  else process.env.REPRLAB_MODE = savedMode;
});

const captureLog = () => {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  return lines;
};

describe('formatting', () => {
  it('numbers: 4 significant digits, whole integers, exponents for the very small and large', () => {
    expect([formatNumber(2.302585), formatNumber(0.1), formatNumber(42), formatNumber(0.000123456), formatNumber(12345678.9), formatNumber(NaN)])
      .toEqual(['2.303', '0.1', '42', '1.235e-4', '1.235e+7', 'NaN']);
  });

  it('tensor values: nested and aligned; long axes elided', () => {
    expect(formatTensorValues([1, 2.5, -3, 4], [2, 2])).toBe('[[  1, 2.5],\n [ -3,   4]]');
    expect(formatTensorValues([7], [])).toBe('7');
    const long = formatTensorValues(Array.from({ length: 2000 }, (_, i) => i), [2000]);
    expect(long).toBe('[   0,    1,    2, ..., 1997, 1998, 1999]');
  });

  it('tables: aligned text, numbers right-aligned', () => {
    const text = formatTableText([{ method: 'SimCLR', acc: 0.8123 }, { method: 'BYOL', acc: 0.85 }]);
    expect(text).toBe('method     acc\n------  ------\nSimCLR  0.8123\nBYOL      0.85');
  });
});

describe('display', () => {
  it('is not a notebook in a test; displays fall back to the console', () => {
    expect(inNotebook()).toBe(false);
    const lines = captureLog();
    expect(displayHtml('<b>x</b>')).toBe(false);
    expect(displayPng(encodePng(new Uint8Array(6), 3, 2, 1))).toBe(false);
    expect(lines).toEqual(['[HTML output, 8 characters: shown in a notebook]', expect.stringMatching(/^\[PNG image 3x2, \d+ bytes: shown in a notebook\]$/)]);
  });

  it('in the kernel: display_data bundles with a text/plain fallback', () => {
    kernel = fakeKernel();
    expect(inNotebook()).toBe(true);
    displayHtml('<b>x</b>', 'x');
    const png = encodePng(new Uint8Array(4), 2, 2, 1);
    displayPng(png);
    expect(kernel.outputs[0]).toEqual({ 'text/html': '<b>x</b>', 'text/plain': 'x' });
    expect(Buffer.from(kernel.outputs[1]!['image/png']!, 'base64')).toEqual(Buffer.from(png));
  });
});

describe('show', () => {
  it('tensors: dtype, shape and values, read asynchronously', async () => {
    await useBackend();
    const lines = captureLog();
    const t = tf.tensor2d([[1, 2], [3, 4]]);
    await show(t);
    t.dispose();
    expect(lines).toEqual(['Tensor float32 [2, 2]\n[[1, 2],\n [3, 4]]']);
  });

  it('tables as HTML in the kernel and text in a terminal; strings as Markdown', async () => {
    const rows = [{ k: 1, name: 'a<b' }];
    const lines = captureLog();
    await show(rows);
    expect(lines[0]).toBe('k  name\n-  ----\n1  a<b');
    kernel = fakeKernel();
    await show(rows, { title: 'T' });
    await show('## hi');
    expect(kernel.outputs[0]!['text/html']).toContain('<td style="text-align:left">a&lt;b</td>');
    expect(kernel.outputs[0]!['text/html']).toContain('<b>T</b>');
    expect(kernel.outputs[1]).toEqual({ 'text/markdown': '## hi', 'text/plain': '## hi' });
  });
});

describe('checkClaim', () => {
  it('prints ✓ with the figures when the claim holds', () => {
    const lines = captureLog();
    checkClaim('the loss went down', true, { first: 2.302585, last: 0.61234 });
    expect(lines).toEqual(['✓ the loss went down (first 2.303, last 0.6123)']);
  });

  it('prints ✗ and throws a ClaimError when it does not', () => {
    const lines = captureLog();
    expect(() => checkClaim('accuracy above chance', false, 'accuracy 0.09 vs chance 0.1')).toThrow(ClaimError);
    expect(lines).toEqual(['✗ accuracy above chance (accuracy 0.09 vs chance 0.1)']);
    expect(() => checkClaim('x', false)).toThrow(/claim not supported at this scale: x$/);
  });
});
