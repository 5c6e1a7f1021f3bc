/** `await heatmap(confusion, { xLabels, yLabels })`: confusion matrices, correlation and similarity matrices. */
import { formatNumber } from '../notebook/format.js';
import { check } from '../util/errors.js';
import { makeFigure, type Figure, type FigureOptions, type Trace } from './figure.js';
import { round6 } from './scatter.js';
import { toRows, type Matrix } from './values.js';

/** White to dark blue (matplotlib's Blues): low values fade into the page. */
export const BLUES: [number, string][] = [[0, '#f7fbff'], [0.25, '#c6dbef'], [0.5, '#6baed6'], [0.75, '#2171b5'], [1, '#08306b']];

export interface HeatmapOptions extends FigureOptions {
  xLabels?: readonly (string | number)[];
  yLabels?: readonly (string | number)[];
  /**
   * 'blues' (white to dark blue: counts, confusion matrices), another plotly scale name ('Viridis', 'Greys',
   * ...), or stops [[0, '#fff'], [1, '#000']]. Default 'Viridis'; a blue-white-red scale when `diverging`.
   */
  colorscale?: string | [number, string][];
  /** Values centred on 0 (correlations): a blue-white-red scale symmetric around 0. */
  diverging?: boolean;
  zmin?: number;
  zmax?: number;
  /** Write each value in its cell (default: when there are at most 400 cells). */
  annotate?: boolean;
  /** Columns of a flat Float32Array matrix. */
  cols?: number;
  /** Row 0 at the top, as a matrix is written (default true). */
  rowsDown?: boolean;
}

/** Heat map of a matrix; displays it (unless `show: false`) and resolves to the figure. */
export async function heatmap(matrix: Matrix | Float32Array, o: HeatmapOptions = {}): Promise<Figure> {
  const z = (await toRows(matrix, 'heatmap', 'matrix', o.cols)).map((r) => r.map(round6));
  check(z.length > 0 && z.every((r) => r.length === z[0]!.length && r.length > 0), 'heatmap', 'matrix', 'a non-empty rectangular matrix', z.map((r) => r.length));
  const rows = z.length;
  const cols = z[0]!.length;
  check(!o.xLabels || o.xLabels.length === cols, 'heatmap', 'xLabels', `one label per column (${cols})`, o.xLabels?.length);
  check(!o.yLabels || o.yLabels.length === rows, 'heatmap', 'yLabels', `one label per row (${rows})`, o.yLabels?.length);
  const x = o.xLabels ? o.xLabels.map(String) : Array.from({ length: cols }, (_, j) => j);
  const y = o.yLabels ? o.yLabels.map(String) : Array.from({ length: rows }, (_, i) => i);
  const annotate = o.annotate ?? rows * cols <= 400;
  let zmin = o.zmin;
  let zmax = o.zmax;
  if (o.diverging && (zmin === undefined || zmax === undefined)) {
    const m = Math.max(...z.flat().filter(Number.isFinite).map(Math.abs), 1e-12);
    zmin ??= -m;
    zmax ??= m;
  }
  const trace: Trace = {
    type: 'heatmap',
    z,
    x,
    y,
    colorscale: o.colorscale === 'blues' ? BLUES : (o.colorscale ?? (o.diverging ? 'RdBu' : 'Viridis')),
    reversescale: !o.colorscale && !!o.diverging,
    ...(zmin !== undefined ? { zmin } : {}),
    ...(zmax !== undefined ? { zmax } : {}),
    hovertemplate: '%{y} / %{x}: %{z}<extra></extra>',
    ...(annotate ? { text: z.map((r) => r.map((v) => formatNumber(v, 3))), texttemplate: '%{text}', textfont: { size: cols > 12 ? 9 : 12 } } : {}),
  };
  const cat = (labels?: readonly unknown[]) => (labels ? { type: 'category' } : {});
  return makeFigure('heatmap', [trace], { height: Math.min(800, Math.max(320, 120 + rows * 30)), ...o }, {
    xaxis: { ...cat(o.xLabels), showgrid: false, ticks: '' },
    yaxis: { ...cat(o.yLabels), showgrid: false, ticks: '', ...((o.rowsDown ?? true) ? { autorange: 'reversed' } : {}) },
  });
}
