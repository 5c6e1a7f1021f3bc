import { inflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { classGrid, classGridIndices, crc32, encodePng, FONT_CHARS, imageGrid, thumbnailUris } from '../../lib/viz/index.js';
import { useBackend } from '../helpers.js';

/** Minimal PNG decoder for the encoder's output (8-bit, filter 0 rows), checking every chunk's CRC. */
function decodePng(png: Uint8Array): { width: number; height: number; channels: number; pixels: Uint8Array; chunks: string[] } {
  expect(Array.from(png.subarray(0, 8))).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  const dv = new DataView(png.buffer, png.byteOffset, png.byteLength);
  let off = 8;
  let width = 0, height = 0, channels = 0;
  const idat: Uint8Array[] = [];
  const chunks: string[] = [];
  while (off < png.length) {
    const len = dv.getUint32(off);
    const type = String.fromCharCode(...png.subarray(off + 4, off + 8));
    const data = png.subarray(off + 8, off + 8 + len);
    expect(dv.getUint32(off + 8 + len), `CRC of ${type}`).toBe(crc32(png.subarray(off + 4, off + 8 + len)));
    chunks.push(type);
    if (type === 'IHDR') {
      const h = new DataView(data.buffer, data.byteOffset, data.byteLength);
      width = h.getUint32(0);
      height = h.getUint32(4);
      expect(data[8]).toBe(8);
      channels = ({ 0: 1, 4: 2, 2: 3, 6: 4 } as Record<number, number>)[data[9]!]!;
    }
    if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  expect(raw.length).toBe(height * (stride + 1));
  const pixels = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (stride + 1)], 'filter byte').toBe(0);
    pixels.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)), y * stride);
  }
  return { width, height, channels, pixels, chunks };
}

describe('png', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('round-trips greyscale and RGB pixels', () => {
    const grey = Uint8Array.from({ length: 5 * 3 }, (_, i) => (i * 17) % 256);
    const g = decodePng(encodePng(grey, 5, 3, 1));
    expect([g.width, g.height, g.channels]).toEqual([5, 3, 1]);
    expect(g.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(Array.from(g.pixels)).toEqual(Array.from(grey));
    const rgb = Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => (i * 31) % 256);
    const c = decodePng(encodePng(rgb, 4, 2, 3));
    expect([c.width, c.height, c.channels]).toEqual([4, 2, 3]);
    expect(Array.from(c.pixels)).toEqual(Array.from(rgb));
  });

  it('rejects a pixel buffer of the wrong size, naming the argument', () => {
    expect(() => encodePng(new Uint8Array(5), 2, 2, 1)).toThrow(/encodePng: argument 'pixels' must be width\*height\*channels = 4 bytes/);
  });
});

describe('imageGrid', () => {
  // two 2x2 greyscale images: one black, one white-ish with a grey pixel
  const images = Float32Array.from([0, 0, 0, 0, 1, 1, 0.5, 2]);

  it('lays images out with padding, nearest-neighbour upscaling and clipping to [0, 1]', async () => {
    const png = decodePng(await imageGrid(images, { shape: [2, 2, 1], scale: 2, pad: 1, cols: 2 }));
    // width = pad + 2*(4 + pad) = 11, height = pad + 4 + pad = 6
    expect([png.width, png.height, png.channels]).toEqual([11, 6, 1]);
    const at = (x: number, y: number) => png.pixels[y * png.width + x];
    expect(at(0, 0)).toBe(255); // background
    expect([at(1, 1), at(4, 4)]).toEqual([0, 0]); // first image, black
    expect(at(5, 1)).toBe(255); // pad between images
    expect([at(6, 1), at(9, 2)]).toEqual([255, 255]); // second image, top row
    expect([at(6, 3), at(7, 4)]).toEqual([128, 128]); // 0.5 -> 128, upscaled 2x2
    expect(at(9, 4)).toBe(255); // 2 clipped to 255
  });

  it('takes tensors and image sets, RGB stays RGB, and draws captions', async () => {
    await useBackend();
    const t = tf.ones([3, 4, 4, 3]) as tf.Tensor4D;
    const png = decodePng(await imageGrid(t, { scale: 1, pad: 0, labels: ['A', 'B', 'C'] }));
    t.dispose();
    expect(png.channels).toBe(3);
    expect(png.width).toBe(12);
    expect(png.height).toBeGreaterThan(4); // caption strip below
    const captionDark = Array.from(png.pixels.subarray(4 * 12 * 3)).some((v) => v === 0);
    expect(captionDark).toBe(true);
    const set = { images: new Float32Array(2 * 3 * 3), height: 3, width: 3, channels: 1 };
    expect(decodePng(await imageGrid(set, { scale: 1, pad: 0 })).width).toBe(6);
  });

  it('class grids put each class on its own row, padding short classes', async () => {
    expect(classGridIndices([0, 1, 0, 2, 0, 1], 3, 2)).toEqual({ cells: [0, 2, 1, 5, 3, -1], rows: [0, 1, 2] });
    const set = { images: new Float32Array(6 * 4), height: 2, width: 2, channels: 1, labels: [0, 1, 0, 2, 0, 1], classNames: ['a', 'b', 'c'] };
    const png = decodePng(await classGrid(set, { perClass: 2, scale: 1, pad: 1 }));
    expect(png.height).toBe(1 + 3 * (2 + 1));
  });

  it('makes one PNG data URI per thumbnail', async () => {
    const uris = await thumbnailUris(images, { shape: [2, 2, 1], scale: 3 });
    expect(uris).toHaveLength(2);
    const png = decodePng(Buffer.from(uris[1]!.replace('data:image/png;base64,', ''), 'base64'));
    expect([png.width, png.height]).toEqual([6, 6]);
  });

  it('names the problem for bad input', async () => {
    await expect(imageGrid(images)).rejects.toThrow(/argument 'shape' must be \[height, width, channels\]/);
    await expect(imageGrid(images, { shape: [3, 3, 1] })).rejects.toThrow(/whole number of 3x3x1 images/);
  });

  it('the bitmap font covers letters, digits and common punctuation', () => {
    for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -/.:_()') expect(FONT_CHARS).toContain(ch);
  });
});
