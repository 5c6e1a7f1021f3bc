export * from './errors.js';
export * from './rng.js';
export * from './fs.js';
export * from './labels.js';
export * from './checks.js';
