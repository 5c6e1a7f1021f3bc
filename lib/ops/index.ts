export * from './distances.js';
export * from './gradients.js';
export * from './matrix.js';
export * from './lab.js';
export * from './state.js';
export * from './reductions.js';
