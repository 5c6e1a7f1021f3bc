/**
 * Plotly's own MIME type, carried beside the HTML of every figure so that front ends with a native plotly
 * renderer draw the figure themselves: JupyterLab (with the jupyterlab-plotly extension) and VS Code render
 * `application/vnd.plotly.v1+json`, whatever happened to the session's first figure (which carries plotly.js in
 * its HTML); classic Notebook and nbconvert know no such type and keep using the HTML (nbconvert's HTML
 * exporter takes the first type of its `display_data_priority` that a bundle has: text/html comes before any
 * unknown type, so an exported page still shows one figure per output).
 */
import type { JsonValue } from '../notebook/display.js';
import type { FigureSpec } from './figure.js';

export const PLOTLY_MIME = 'application/vnd.plotly.v1+json';

/** The plotly MIME payload of a figure: `{ data, layout, config }` as plain JSON (no hover thumbnails: HTML only). */
export function plotlyMimeData(fig: Pick<FigureSpec, 'data' | 'layout' | 'config'>): { [key: string]: JsonValue } {
  // a JSON round trip: typed arrays become plain arrays, NaN/Infinity null, undefined fields vanish, as they would
  // on the wire to the front end anyway
  return JSON.parse(JSON.stringify({ data: fig.data, layout: fig.layout, config: fig.config })) as { [key: string]: JsonValue };
}
