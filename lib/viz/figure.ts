/**
 * Plotly figures in tslab: a figure is a plain spec ({ data, layout, config }) shown as an HTML output (a div and
 * a script calling Plotly.newPlot), interactive in JupyterLab/VS Code and in HTML exported with nbconvert. The
 * same output also carries the spec as `application/vnd.plotly.v1+json` (lib/viz/plotly-mime.ts), which
 * JupyterLab (jupyterlab-plotly) and VS Code render natively; front ends without a plotly renderer use the HTML.
 *
 * plotly.js travels inline in the first figure of each kernel session (module state: a restarted kernel injects
 * it again); later figures use `window.Plotly`, waiting for it if they render before the library ran. A figure
 * whose page never got the library (e.g. the first figure's output was cleared) tries the CDN, then says how to
 * fix it. `resetPlotly()` makes the next figure carry the library again.
 */
import { inspect } from 'node:util';
import { displayBundle, inNotebook } from '../notebook/display.js';
import { SHOW } from '../notebook/show.js';
import { plotlyCdnUrl, plotlyDelivery, plotlySource } from './plotly.js';
import { PLOTLY_MIME, plotlyMimeData } from './plotly-mime.js';

export type FigureKind = 'scatter' | 'line' | 'bar' | 'heatmap';
/** A plotly trace (see https://plotly.com/javascript/reference/). */
export type Trace = Record<string, unknown> & { type: string };

export interface FigureSpec {
  kind: FigureKind;
  data: Trace[];
  layout: Record<string, unknown>;
  config: Record<string, unknown>;
  /** PNG data URIs shown on hover, indexed by each point's `customdata` (scatter). */
  thumbnails?: string[];
}

/** A figure: its spec, plus display (`await show(fig)`, `fig.show()`) and a short text form. */
export interface Figure extends FigureSpec {
  /** Display it (again) in the notebook; prints a one-line summary outside one. */
  show(): void;
  /** The HTML snippet (div + script), with the library inline when `includePlotly`. */
  html(o?: FigureHtmlOptions): string;
  /** One line: kind, traces, points, title. */
  summary(): string;
  [SHOW](): void;
}

export interface FigureHtmlOptions {
  /** Put plotly.js itself in the snippet (inline source, or a CDN <script src> under REPRLAB_PLOTLY=cdn). */
  includePlotly?: boolean;
  /** Element id (default random). */
  id?: string;
}

let plotlyShown = false;
let counter = 0;
const shownInKernel = new WeakSet<object>();

/** Make the next figure shown carry plotly.js again (e.g. after clearing the output of the first one). */
export function resetPlotly(): void {
  plotlyShown = false;
}

export interface FigureOptions {
  title?: string;
  /** Pixel height (default 420; width follows the notebook). */
  height?: number;
  width?: number;
  xTitle?: string;
  yTitle?: string;
  /** Display it when made (default true). */
  show?: boolean;
}

const BASE_LAYOUT = {
  template: undefined,
  font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif', size: 13 },
  paper_bgcolor: 'white',
  plot_bgcolor: 'white',
  margin: { l: 60, r: 20, t: 50, b: 50 },
  hovermode: 'closest',
};
const AXIS = { showgrid: true, gridcolor: '#e5e5e5', zeroline: false, linecolor: '#444', ticks: 'outside', automargin: true };

/** Build a figure from traces and layout, with the course's look; the figure functions call this. */
export function makeFigure(kind: FigureKind, data: Trace[], o: FigureOptions, layout: Record<string, unknown> = {}, thumbnails?: string[]): Figure {
  const { xaxis, yaxis, ...rest } = layout as { xaxis?: object; yaxis?: object };
  const spec: FigureSpec = {
    kind,
    data,
    layout: {
      ...BASE_LAYOUT,
      ...(o.title ? { title: { text: o.title, x: 0.02, xanchor: 'left' } } : { margin: { ...BASE_LAYOUT.margin, t: 30 } }),
      height: o.height ?? 420,
      ...(o.width ? { width: o.width } : {}),
      xaxis: { ...AXIS, ...(o.xTitle ? { title: { text: o.xTitle } } : {}), ...xaxis },
      yaxis: { ...AXIS, ...(o.yTitle ? { title: { text: o.yTitle } } : {}), ...yaxis },
      ...rest,
    },
    config: { responsive: true, displaylogo: false, scrollZoom: false },
    ...(thumbnails ? { thumbnails } : {}),
  };
  delete spec.layout.template;
  const fig: Figure = Object.assign(spec, {
    show: () => showFigure(fig),
    html: (h?: FigureHtmlOptions) => figureHtml(fig, h),
    summary: () => figureSummary(fig),
    [SHOW]: () => showFigure(fig),
  });
  // tslab prints the value of a cell's last expression: a figure already drawn in the notebook prints as nothing
  // (an empty line), so `await scatter(...)` ending a cell shows just the plot.
  Object.defineProperty(fig, inspect.custom, { value: () => (shownInKernel.has(fig) && inNotebook() ? '' : `[${figureSummary(fig)}]`), enumerable: false });
  for (const k of ['show', 'html', 'summary'] as const) Object.defineProperty(fig, k, { enumerable: false });
  if (o.show ?? true) showFigure(fig);
  return fig;
}

/** `scatter figure "title": 3 traces, 500 points`. */
export function figureSummary(fig: FigureSpec): string {
  const points = fig.data.reduce((n, t) => n + lengthOf(t.y ?? t.z ?? t.x), 0);
  const title = (fig.layout.title as { text?: string } | undefined)?.text;
  return `${fig.kind} figure${title ? ` "${title}"` : ''}: ${fig.data.length} trace${fig.data.length === 1 ? '' : 's'}, ${points} ${fig.kind === 'heatmap' ? 'row' : 'point'}${points === 1 ? '' : 's'}`;
}

function lengthOf(v: unknown): number {
  return Array.isArray(v) ? v.length : 0;
}

/** JSON safe to embed in a <script> element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The HTML of a figure: [plotly.js] + a div + a script that draws into it once Plotly and the div are there. */
export function figureHtml(fig: FigureSpec, o: FigureHtmlOptions = {}): string {
  const id = o.id ?? `reprlab-fig-${process.pid.toString(36)}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
  const spec = { data: fig.data, layout: fig.layout, config: fig.config, thumbnails: fig.thumbnails ?? null };
  const height = typeof fig.layout.height === 'number' ? fig.layout.height : 420;
  let lib = '';
  if (o.includePlotly) {
    lib = plotlyDelivery() === 'cdn' ? `<script src="${plotlyCdnUrl()}" charset="utf-8"></script>\n` : `<script type="text/javascript">/* plotly.js, once per notebook session */\n${plotlySource()}\n</script>\n`;
  }
  return (
    lib +
    `<div id="${id}" class="reprlab-figure" style="width:100%;min-height:${height}px"></div>\n` +
    `<script type="text/javascript">\n(${DRAW.toString()})(document.currentScript, ${JSON.stringify(id)}, ${scriptJson(spec)}, ${JSON.stringify(plotlyCdnUrl())});\n</script>`
  );
}

/**
 * Display the figure in the notebook (its HTML carrying plotly.js if it is the session's first, beside the plotly
 * MIME type for native renderers); a summary line elsewhere.
 */
export function showFigure(fig: FigureSpec): void {
  const text = `[${figureSummary(fig)}]`;
  if (!inNotebook()) {
    console.log(text);
    return;
  }
  const include = !plotlyShown;
  if (displayBundle({ 'text/html': figureHtml(fig, { includePlotly: include }), [PLOTLY_MIME]: plotlyMimeData(fig), 'text/plain': text })) {
    if (include) plotlyShown = true;
    shownInKernel.add(fig);
  }
}

/**
 * Runs in the browser (serialised with Function.toString: plain ES5, no closures over module scope).
 * Finds its div (the element before this script; by id as a fallback), waits until plotly.js and the div are
 * ready, draws, and wires hover thumbnails.
 */
/* eslint-disable */
const DRAW = function (script: HTMLScriptElement | null, id: string, spec: any, cdn: string): void {
  var w = window as any;
  var prev = script && (script.previousElementSibling as HTMLElement | null);
  var div: HTMLElement | null = prev && prev.id === id ? prev : document.getElementById(id);
  var tries = 0;
  function thumbs(gd: any): void {
    var uris = spec.thumbnails;
    if (!uris || !gd.on) return;
    var tip = document.createElement('div');
    tip.style.cssText = 'position:fixed;z-index:10000;pointer-events:none;display:none;background:#fff;border:1px solid #999;padding:3px;box-shadow:0 2px 6px rgba(0,0,0,.3)';
    var img = document.createElement('img');
    img.style.cssText = 'display:block;image-rendering:pixelated;width:96px;height:auto';
    tip.appendChild(img);
    document.body.appendChild(tip);
    gd.on('plotly_hover', function (ev: any) {
      var p = ev && ev.points && ev.points[0];
      var src = p && uris[p.customdata];
      if (!src) return;
      img.src = src;
      var e = ev.event || {};
      tip.style.left = (e.clientX || 0) + 14 + 'px';
      tip.style.top = (e.clientY || 0) + 14 + 'px';
      tip.style.display = 'block';
    });
    gd.on('plotly_unhover', function () {
      tip.style.display = 'none';
    });
  }
  function draw(): void {
    if (!div) div = document.getElementById(id);
    var ready = div && w.Plotly && (div as any).isConnected !== false;
    if (!ready) {
      tries++;
      if (tries === 60 && !w.Plotly && !w.__reprlabPlotlyCdn) {
        // the page never got the library (its first figure's output is gone): try the CDN
        w.__reprlabPlotlyCdn = true;
        var s = document.createElement('script');
        s.src = cdn;
        document.head.appendChild(s);
      }
      if (tries > 400) {
        if (div)
          div.textContent =
            'plotly.js is not loaded in this page, so this figure cannot be drawn. Re-run the notebook from the top ' +
            '(Kernel > Restart Kernel and Run All Cells), or call resetPlotly() before the figure.';
        return;
      }
      setTimeout(draw, 50);
      return;
    }
    w.Plotly.newPlot(div, spec.data, spec.layout, spec.config).then(thumbs);
  }
  draw();
};
