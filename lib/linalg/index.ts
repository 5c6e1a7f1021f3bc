/** lib/linalg: CPU matrices (`Features`) and their linear algebra, below lib/eval and lib/classical which both use them. */
export * from './features.js';
export * from './symmetric-eigen.js';
export * from './principal-components.js';
