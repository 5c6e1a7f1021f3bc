export * from './loop.js';
export * from './fit.js';
export * from './batches.js';
export * from './checkpoint.js';
export * from './optimizers.js';
export * from './diverged.js';
export * from './method.js';
export * from './samplers.js';
