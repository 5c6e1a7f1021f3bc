/**
 * Image grids as PNG bytes (`imageGrid`), shown in a notebook (`showImages`, `showClassGrid`), and per-image PNG
 * data URIs for hover thumbnails (`thumbnailUris`). Images are NHWC floats in [0, 1] (clipped), greyscale (C=1)
 * or RGB (C=3): a Float32Array with `shape`, a tf.Tensor4D, or an image set ({ images, height, width, channels }).
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { displayPng } from '../notebook/display.js';
import { drawText, fitText, GLYPH_HEIGHT, textWidth } from './font.js';
import { encodePng, pngDataUri } from './png.js';

/** The image part of an ImageSet (lib/data): any object with these fields works. */
export interface ImageBatch {
  images: Float32Array;
  height: number;
  width: number;
  channels: number;
}
export type ImagesInput = Float32Array | tf.Tensor | ImageBatch;

interface Pixels {
  data: ArrayLike<number>;
  n: number;
  h: number;
  w: number;
  c: number;
}

async function readImages(input: ImagesInput, shape: readonly number[] | undefined, where: string): Promise<Pixels> {
  let data: ArrayLike<number>;
  let h: number, w: number, c: number;
  if (input instanceof tf.Tensor) {
    check(input.rank === 4 || input.rank === 3, where, 'images', 'a tensor [N, H, W, C] (or one image [H, W, C])', input);
    [h, w, c] = (input.rank === 4 ? input.shape.slice(1) : input.shape) as [number, number, number];
    data = (await input.data()) as ArrayLike<number>;
  } else if (input instanceof Float32Array) {
    check(Array.isArray(shape) && shape.length === 3, where, 'shape', '[height, width, channels] when images is a Float32Array', shape, 'pass { shape: [28, 28, 1] } or an ImageSet');
    [h, w, c] = shape as [number, number, number];
    data = input;
  } else {
    check(input !== null && typeof input === 'object' && input.images instanceof Float32Array, where, 'images', 'a Float32Array, a tf.Tensor4D or an image set { images, height, width, channels }', input);
    ({ height: h, width: w, channels: c } = input);
    data = input.images;
  }
  check(c === 1 || c === 3, where, 'images', 'greyscale (C=1) or RGB (C=3) images', `C=${c}`);
  const per = h * w * c;
  check(per > 0 && data.length % per === 0, where, 'images', `a whole number of ${h}x${w}x${c} images`, `${data.length} values`);
  return { data, n: data.length / per, h, w, c };
}

export interface ImageGridOptions {
  /** [height, width, channels] when `images` is a plain Float32Array. */
  shape?: [number, number, number];
  /** Which images (default: all, up to `limit`). */
  indices?: ArrayLike<number>;
  /** At most this many images (default 100). */
  limit?: number;
  /** Images per row (default min(n, 10)). */
  cols?: number;
  /** Nearest-neighbour upscaling factor (default 2). */
  scale?: number;
  /** Pixels between images, after scaling (default 2). */
  pad?: number;
  /** A caption under each image: strings, or class indices mapped through `classNames`. */
  labels?: ArrayLike<number> | readonly string[];
  classNames?: readonly string[];
  /** A caption left of each row (e.g. class names in a per-class grid). */
  rowLabels?: readonly string[];
  /** Background grey level 0..255 (default 255, white). */
  background?: number;
}

/** Lay images out in a grid and encode it as a PNG (greyscale or RGB, as the images are). */
export async function imageGrid(images: ImagesInput, o: ImageGridOptions = {}): Promise<Uint8Array> {
  const px = await readImages(images, o.shape, 'imageGrid');
  const { limit = 100, scale = 2, pad = 2, background = 255 } = o;
  const idx = o.indices ? Array.from(o.indices) : Array.from({ length: px.n }, (_, i) => i);
  const chosen = idx.slice(0, limit);
  check(chosen.every((i) => Number.isInteger(i) && i >= 0 && i < px.n), 'imageGrid', 'indices', `integers in [0, ${px.n})`, o.indices);
  check(chosen.length > 0, 'imageGrid', 'images', 'at least one image', chosen.length);
  check(Number.isInteger(scale) && scale >= 1 && scale <= 32, 'imageGrid', 'scale', 'an integer in [1, 32]', scale);
  const n = chosen.length;
  const cols = Math.max(1, Math.min(o.cols ?? Math.min(n, 10), n));
  const rows = Math.ceil(n / cols);
  const cellW = px.w * scale;
  const cellH = px.h * scale;

  const captions = o.labels ? chosen.map((i) => caption(o.labels!, i, o.classNames)) : undefined;
  const capScale = captions ? fontScale(captions, cellW) : 1;
  const capH = captions ? (GLYPH_HEIGHT + 2) * capScale : 0;
  const rowLabels = o.rowLabels ? Array.from({ length: rows }, (_, r) => o.rowLabels![r] ?? '') : undefined;
  const rowScale = rowLabels ? (cellH >= 28 ? 2 : 1) : 1;
  const leftW = rowLabels ? Math.min(Math.max(...rowLabels.map((s) => textWidth(s, rowScale))), 24 * 4 * rowScale) + 2 * pad + 2 : 0;

  const W = leftW + cols * cellW + (cols + 1) * pad;
  const H = rows * (cellH + capH) + (rows + 1) * pad;
  const C = px.c;
  const out = new Uint8Array(W * H * C).fill(background);
  const ink = background > 127 ? [0, 0, 0] : [255, 255, 255];
  const per = px.h * px.w * C;
  chosen.forEach((img, k) => {
    const r = Math.floor(k / cols);
    const col = k % cols;
    const x0 = leftW + pad + col * (cellW + pad);
    const y0 = pad + r * (cellH + capH + pad);
    const base = img * per;
    for (let y = 0; y < cellH; y++) {
      const sy = Math.floor(y / scale);
      const rowOut = ((y0 + y) * W + x0) * C;
      for (let x = 0; x < cellW; x++) {
        const s = base + (sy * px.w + Math.floor(x / scale)) * C;
        for (let c = 0; c < C; c++) out[rowOut + x * C + c] = toByte(px.data[s + c]!);
      }
    }
    if (captions) {
      const text = fitText(captions[k]!, cellW, capScale);
      const tx = x0 + Math.max(0, Math.floor((cellW - textWidth(text, capScale)) / 2));
      drawText(out, W, H, C, tx, y0 + cellH + capScale, text, ink, capScale);
    }
  });
  if (rowLabels) {
    rowLabels.forEach((label, r) => {
      const text = fitText(label, leftW - 2 * pad - 2, rowScale);
      const y0 = pad + r * (cellH + capH + pad) + Math.floor((cellH - GLYPH_HEIGHT * rowScale) / 2);
      drawText(out, W, H, C, pad, y0, text, ink, rowScale);
    });
  }
  return encodePng(out, W, H, C as 1 | 3);
}

function toByte(v: number): number {
  if (!(v > 0)) return 0; // also NaN
  return v >= 1 ? 255 : Math.round(v * 255);
}

function caption(labels: ArrayLike<number> | readonly string[], i: number, classNames?: readonly string[]): string {
  const v = labels[i];
  if (typeof v === 'number' && classNames && classNames[v] !== undefined) return classNames[v]!;
  return v === undefined ? '' : String(v);
}

function fontScale(texts: string[], cellW: number): number {
  const longest = Math.max(...texts.map((t) => t.length));
  return textWidth('x'.repeat(longest), 2) <= cellW && cellW >= 40 ? 2 : 1;
}

export interface ShowImagesOptions extends ImageGridOptions {
  /** Printed above the grid. */
  title?: string;
}

/** Display an image grid in the notebook (outside one, print its size). */
export async function showImages(images: ImagesInput, o: ShowImagesOptions = {}): Promise<void> {
  const png = await imageGrid(images, o);
  if (o.title) console.log(o.title);
  displayPng(png);
}

/** An image set with labels, as lib/data's ImageSet. */
export interface LabelledImages extends ImageBatch {
  labels: ArrayLike<number>;
  classNames: readonly string[];
}

export interface ClassGridOptions extends Omit<ImageGridOptions, 'indices' | 'labels' | 'rowLabels' | 'cols' | 'shape'> {
  /** Images per class (one row per class; default 8). */
  perClass?: number;
  /** Which classes (default all). */
  classes?: number[];
  title?: string;
}

/**
 * The first `perClass` images of each class, one row per class, as grid cells: an image index, or -1 for a
 * blank cell where a class has fewer images. Classes with no image are left out of `rows`.
 */
export function classGridIndices(labels: ArrayLike<number>, numClasses: number, perClass: number, classes?: readonly number[]): { cells: number[]; rows: number[] } {
  const wanted = classes ?? Array.from({ length: numClasses }, (_, k) => k);
  const byClass = new Map<number, number[]>(wanted.map((k) => [k, []]));
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]!);
    if (list && list.length < perClass) list.push(i);
  }
  const rows = wanted.filter((k) => byClass.get(k)!.length > 0);
  const cells = rows.flatMap((k) => {
    const m = byClass.get(k)!;
    return [...m, ...new Array<number>(perClass - m.length).fill(-1)];
  });
  return { cells, rows };
}

/** One row per class with the class name on the left: the first images of each class in a labelled set. */
export async function classGrid(set: LabelledImages, o: ClassGridOptions = {}): Promise<Uint8Array> {
  const perClass = o.perClass ?? 8;
  check(Number.isInteger(perClass) && perClass > 0, 'classGrid', 'perClass', 'a positive integer', perClass);
  const { cells, rows } = classGridIndices(set.labels, set.classNames.length, perClass, o.classes);
  check(rows.length > 0, 'classGrid', 'set', 'at least one image of the chosen classes', set.labels.length);
  const per = set.height * set.width * set.channels;
  const n = set.images.length / per;
  // blank cells show an extra all-background image appended after the set's images
  const images = new Float32Array(set.images.length + per).fill((o.background ?? 255) / 255, set.images.length);
  images.set(set.images);
  return imageGrid(
    { images, height: set.height, width: set.width, channels: set.channels },
    { ...o, limit: cells.length, cols: perClass, indices: cells.map((i) => (i < 0 ? n : i)), rowLabels: rows.map((k) => set.classNames[k] ?? String(k)) },
  );
}

/** Display {@link classGrid} in the notebook. */
export async function showClassGrid(set: LabelledImages, o: ClassGridOptions = {}): Promise<void> {
  const png = await classGrid(set, o);
  if (o.title) console.log(o.title);
  displayPng(png);
}

export interface ThumbnailOptions {
  shape?: [number, number, number];
  indices?: ArrayLike<number>;
  /** Upscaling factor (default 1: the tooltip enlarges thumbnails with crisp pixels). */
  scale?: number;
}

/** One PNG data URI per image (for hover thumbnails in `scatter`). */
export async function thumbnailUris(images: ImagesInput, o: ThumbnailOptions = {}): Promise<string[]> {
  const px = await readImages(images, o.shape, 'thumbnailUris');
  const scale = o.scale ?? 1;
  const idx = o.indices ? Array.from(o.indices) : Array.from({ length: px.n }, (_, i) => i);
  const W = px.w * scale;
  const H = px.h * scale;
  const per = px.h * px.w * px.c;
  const buf = new Uint8Array(W * H * px.c);
  return idx.map((img) => {
    check(Number.isInteger(img) && img >= 0 && img < px.n, 'thumbnailUris', 'indices', `integers in [0, ${px.n})`, img);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        const s = img * per + (Math.floor(y / scale) * px.w + Math.floor(x / scale)) * px.c;
        for (let c = 0; c < px.c; c++) buf[(y * W + x) * px.c + c] = toByte(px.data[s + c]!);
      }
    return pngDataUri(encodePng(buf, W, H, px.c as 1 | 3));
  });
}
