/** `await barChart({ SimCLR: 0.81, BYOL: 0.84 })` or grouped bars from several series. */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { formatNumber } from '../notebook/format.js';
import { colorOf } from './colors.js';
import { makeFigure, type Figure, type FigureOptions, type Trace } from './figure.js';
import { round6 } from './scatter.js';
import { toNumbers } from './values.js';

export interface BarSeries {
  name: string;
  y: ArrayLike<number> | tf.Tensor;
  /** Category of each bar (default: `categories`, else 0, 1, ...). */
  x?: readonly (string | number)[];
  /** Error bar half-widths (e.g. std over seeds). */
  error?: ArrayLike<number>;
}

export interface BarChartOptions extends FigureOptions {
  /** Category names for series without their own `x`. */
  categories?: readonly string[];
  /** Bars side by side (default) or stacked. */
  barmode?: 'group' | 'stack';
  /** Horizontal bars. */
  horizontal?: boolean;
  /** Print each bar's value on it (default true for <= 20 bars). */
  values?: boolean;
}

/** Bar chart; displays it (unless `show: false`) and resolves to the figure. */
export async function barChart(input: Record<string, number> | BarSeries | readonly BarSeries[], o: BarChartOptions = {}): Promise<Figure> {
  let list: BarSeries[];
  if (Array.isArray(input)) list = [...(input as readonly BarSeries[])];
  else if (typeof input === 'object' && input !== null && 'y' in input && 'name' in input) list = [input as BarSeries];
  else {
    check(typeof input === 'object' && input !== null && Object.values(input).every((v) => typeof v === 'number'), 'barChart', 'input', 'a { category: value } record or { name, y } series', input);
    const rec = input as Record<string, number>;
    list = [{ name: o.yTitle ?? 'value', x: Object.keys(rec), y: Object.values(rec) }];
  }
  check(list.length > 0, 'barChart', 'input', 'at least one series', list.length);
  const data: Trace[] = [];
  let bars = 0;
  for (const [k, s] of list.entries()) {
    const y = (await toNumbers(s.y, 'barChart', `series[${k}].y`)).map(round6);
    const x = s.x ? [...s.x] : o.categories ? o.categories.slice(0, y.length) : y.map((_, i) => i);
    check(x.length === y.length, 'barChart', `series[${k}].x`, `one category per value (${y.length})`, x.length);
    bars += y.length;
    const err = s.error ? Array.from(s.error, round6) : undefined;
    data.push({
      type: 'bar',
      name: s.name,
      ...(o.horizontal ? { y: x, x: y, orientation: 'h' } : { x, y }),
      marker: { color: colorOf(k) },
      ...(err ? { [o.horizontal ? 'error_x' : 'error_y']: { type: 'data', array: err, visible: true } } : {}),
      text: y.map((v) => formatNumber(v, 3)),
      textposition: 'auto',
      hovertemplate: `${s.name}: %{text}<extra>%{${o.horizontal ? 'y' : 'x'}}</extra>`,
    });
  }
  if (!(o.values ?? bars <= 20)) for (const t of data) t.textposition = 'none';
  const catAxis = { type: 'category' };
  return makeFigure('bar', data, o, { barmode: o.barmode ?? 'group', showlegend: list.length > 1, ...(o.horizontal ? { yaxis: { ...catAxis, autorange: 'reversed' } } : { xaxis: catAxis }) });
}
