/** `await lineChart([{ name: 'train', y: losses }])`: curves such as loss per step, with optional smoothing. */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { colorOf } from './colors.js';
import { makeFigure, type Figure, type FigureOptions, type Trace } from './figure.js';
import { round6 } from './scatter.js';
import { toNumbers } from './values.js';

export interface Series {
  name: string;
  y: ArrayLike<number> | tf.Tensor;
  /** x values (default 0, 1, 2, ...). */
  x?: ArrayLike<number> | readonly string[];
}

export interface LineChartOptions extends FigureOptions {
  /** Log-scale y axis (e.g. losses spanning decades). */
  logY?: boolean;
  /**
   * Exponential smoothing weight in [0, 1) (TensorBoard-style, bias-corrected): draw the smoothed curve, with
   * the raw one faint behind it. Default 0 (no smoothing).
   */
  smooth?: number;
  /** Draw markers on the points (default: only when a series has <= 30 points). */
  markers?: boolean;
}

/** Exponential moving average with bias correction (the first values are not pulled towards 0). */
export function smoothSeries(y: readonly number[], weight: number): number[] {
  let ema = 0;
  let norm = 0;
  return y.map((v) => {
    if (!Number.isFinite(v)) return v;
    ema = weight * ema + (1 - weight) * v;
    norm = weight * norm + (1 - weight);
    return ema / norm;
  });
}

/** Line chart of one or more series; displays it (unless `show: false`) and resolves to the figure. */
export async function lineChart(series: Series | readonly Series[], o: LineChartOptions = {}): Promise<Figure> {
  const list = Array.isArray(series) ? (series as readonly Series[]) : [series as Series];
  check(list.length > 0, 'lineChart', 'series', 'at least one { name, y } series', list.length);
  const smooth = o.smooth ?? 0;
  check(smooth >= 0 && smooth < 1, 'lineChart', 'smooth', 'a weight in [0, 1)', smooth);
  const data: Trace[] = [];
  for (const [k, s] of list.entries()) {
    check(typeof s?.name === 'string', 'lineChart', `series[${k}].name`, 'a string', s?.name);
    const y = (await toNumbers(s.y, 'lineChart', `series[${k}].y`)).map(round6);
    const x = s.x ? Array.from(s.x as ArrayLike<number | string>) : y.map((_, i) => i);
    check(x.length === y.length, 'lineChart', `series[${k}].x`, `as many x as y values (${y.length})`, x.length);
    const color = colorOf(k);
    const markers = o.markers ?? y.length <= 30;
    const mode = markers ? 'lines+markers' : 'lines';
    if (smooth > 0) {
      data.push({ type: 'scatter', mode: 'lines', name: `${s.name} (raw)`, x, y, line: { color, width: 1 }, opacity: 0.3, legendgroup: s.name, showlegend: false, hoverinfo: 'skip' });
      data.push({ type: 'scatter', mode, name: s.name, x, y: smoothSeries(y, smooth).map(round6), line: { color, width: 2 }, legendgroup: s.name });
    } else {
      data.push({ type: 'scatter', mode, name: s.name, x, y, line: { color, width: 2 } });
    }
  }
  return makeFigure('line', data, { xTitle: 'step', ...o }, { showlegend: list.length > 1, yaxis: o.logY ? { type: 'log' } : {}, hovermode: 'x unified' });
}
