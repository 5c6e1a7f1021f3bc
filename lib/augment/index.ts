/** lib/augment: batched, seeded image transforms on the active backend (x [N,H,W,C] in [0, 1]). */
export * from './transform.js';
export * from './crop.js';
export * from './flip.js';
export * from './color.js';
export * from './blur.js';
export * from './noise.js';
export * from './sobel.js';
export * from './rotate.js';
export * from './erase.js';
export * from './compose.js';
export * from './resize.js';
