export * from './contrastive/index.js';
export * from './noncontrastive/index.js';
export * from './metric/index.js';
export * from './registry.js';
