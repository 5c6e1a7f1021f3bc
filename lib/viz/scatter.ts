/**
 * `await scatter(points, { labels, classNames, thumbnails })`: a 2-D embedding (t-SNE/UMAP/PCA output, or two
 * feature dimensions) as an interactive scatter plot, one colour per class, with the image under the mouse
 * shown in a tooltip when `thumbnails` are given.
 *
 * Axis titles: `xTitle`/`yTitle`, else those recorded for the coordinates by {@link setAxisTitles} (project2d
 * records "PC 1"/"PC 2", "t-SNE 1"/"t-SNE 2", "UMAP 1"/"UMAP 2"), else none. Point labels: with `text` and at most
 * {@link MAX_POINT_LABELS} points the text is also written beside each point (so a printed page shows it), not
 * only on hover; `pointLabels` forces it on or off.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { colorOf } from './colors.js';
import { makeFigure, type Figure, type FigureOptions, type Trace } from './figure.js';
import { thumbnailUris, type ImagesInput } from './images.js';
import { toNumbers, toRows, type Matrix } from './values.js';

export interface ScatterOptions extends FigureOptions {
  /** Class of each point (0..K-1): one trace and colour per class. */
  labels?: ArrayLike<number> | tf.Tensor;
  /** Legend/hover names of the classes (default 'class k'). */
  classNames?: readonly string[];
  /**
   * Images shown on hover, one per point: PNG data URIs, or the images themselves (an image set, a
   * tf.Tensor4D, or a Float32Array with `thumbnailShape`), turned into small PNGs.
   */
  thumbnails?: readonly string[] | ImagesInput;
  thumbnailShape?: [number, number, number];
  /** Upscaling of generated thumbnails (default 1; the tooltip shows them 96 px wide). */
  thumbnailScale?: number;
  /** Hover text per point (default: class name and index). */
  text?: readonly string[];
  /**
   * Write each point's `text` beside it (default: when `text` is given and there are at most
   * {@link MAX_POINT_LABELS} points; hover shows it either way).
   */
  pointLabels?: boolean;
  /** Marker size in px (default by point count). */
  markerSize?: number;
  opacity?: number;
}

/** Most points whose `text` a scatter writes beside them by default (more would be unreadable). */
export const MAX_POINT_LABELS = 40;

const axisTitles = new WeakMap<object, readonly [string, string]>();

/**
 * Record the axis titles of a set of 2-D coordinates (the array a scatter is given), e.g. ['PC 1', 'PC 2'];
 * `scatter(points)` uses them unless told `xTitle`/`yTitle`. Returns `points`.
 */
export function setAxisTitles<T extends object>(points: T, titles: readonly [string, string]): T {
  axisTitles.set(points, titles);
  return points;
}

/** The axis titles recorded for `points` by {@link setAxisTitles}, if any. */
export function axisTitlesOf(points: unknown): readonly [string, string] | undefined {
  return points !== null && typeof points === 'object' ? axisTitles.get(points) : undefined;
}

/** Round to 6 significant digits (float32 values carry no more; keeps the HTML small). */
export const round6 = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(6)) : v);

/** Interactive 2-D scatter plot; displays it (unless `show: false`) and resolves to the figure. */
export async function scatter(points: Matrix | Float32Array, o: ScatterOptions = {}): Promise<Figure> {
  const rows = await toRows(points, 'scatter', 'points', 2);
  check(rows.every((r) => r.length >= 2), 'scatter', 'points', 'rows of at least 2 numbers ([N, 2])', rows.find((r) => r.length < 2));
  const n = rows.length;
  const labels = o.labels !== undefined ? await toNumbers(o.labels, 'scatter', 'labels') : undefined;
  check(!labels || labels.length === n, 'scatter', 'labels', `one label per point (${n})`, labels?.length);
  let thumbs: string[] | undefined;
  if (o.thumbnails !== undefined) {
    thumbs = Array.isArray(o.thumbnails) ? [...(o.thumbnails as readonly string[])] : await thumbnailUris(o.thumbnails as ImagesInput, { shape: o.thumbnailShape, scale: o.thumbnailScale });
    check(thumbs.length === n, 'scatter', 'thumbnails', `one image per point (${n})`, thumbs.length);
  }
  check(!o.text || o.text.length === n, 'scatter', 'text', `one string per point (${n})`, o.text?.length);
  const classes = labels ? [...new Set(labels)].sort((a, b) => a - b) : [0];
  const name = (k: number) => (labels ? (o.classNames?.[k] ?? `class ${k}`) : 'points');
  const gl = n > 5000;
  const writeText = o.pointLabels ?? (o.text !== undefined && n <= MAX_POINT_LABELS);
  const size = o.markerSize ?? (n > 2000 ? 4 : n > 300 ? 6 : 8);
  const data: Trace[] = classes.map((k) => {
    const idx: number[] = [];
    for (let i = 0; i < n; i++) if (!labels || labels[i] === k) idx.push(i);
    return {
      type: gl ? 'scattergl' : 'scatter',
      mode: writeText ? 'markers+text' : 'markers',
      ...(writeText ? { textposition: 'top center', textfont: { size: 11, color: '#333' }, cliponaxis: false } : {}),
      name: name(k),
      x: idx.map((i) => round6(rows[i]![0]!)),
      y: idx.map((i) => round6(rows[i]![1]!)),
      customdata: idx,
      text: idx.map((i) => o.text?.[i] ?? (labels ? `${name(k)} (#${i})` : `#${i}`)),
      hovertemplate: '%{text}<extra></extra>',
      marker: { size, color: colorOf(k), opacity: o.opacity ?? 0.8, line: { width: 0 } },
    };
  });
  const recorded = axisTitlesOf(points);
  const titled = recorded ? { ...o, xTitle: o.xTitle ?? recorded[0], yTitle: o.yTitle ?? recorded[1] } : o;
  return makeFigure('scatter', data, titled, { showlegend: !!labels, legend: { itemsizing: 'constant' } }, thumbs);
}
