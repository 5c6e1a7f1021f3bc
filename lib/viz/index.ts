/** Figures (plotly, interactive in notebooks), image grids (PNG) and the training progress bar. */
export * from './figure.js';
export * from './scatter.js';
export * from './line.js';
export * from './bar.js';
export * from './heatmap.js';
export * from './images.js';
export * from './png.js';
export * from './colors.js';
export * from './progress.js';
export { plotlyVersion } from './plotly.js';
export { PLOTLY_MIME, plotlyMimeData } from './plotly-mime.js';
export { FONT_CHARS } from './font.js';
