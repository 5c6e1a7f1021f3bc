/** Helpers for notebooks: run mode and sizes, rich display in tslab (with console fallbacks), closing claims. */
export * from './mode.js';
export * from './display.js';
export * from './format.js';
export * from './show.js';
export * from './claim.js';
