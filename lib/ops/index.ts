export * from './distances.js';
export * from './gradients.js';
export * from './matrix.js';
