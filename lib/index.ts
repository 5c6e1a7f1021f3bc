/**
 * reprlab: the course library. Notebooks import it by name: `import { tf, initBackend, ... } from 'reprlab'`.
 * One module per folder (see docs/architecture.md); every public function is re-exported here.
 */
export * as tf from './tf.js';
export * from './backend/index.js';
export * from './util/index.js';
export * from './models/index.js';
export * from './train/index.js';
export * from './ops/index.js';
export * from './kernels/index.js';
export * from './viz/index.js';
export * from './notebook/index.js';
export * from './data/index.js';
export * from './augment/index.js';
export * from './losses/index.js';
export * from './linalg/index.js';
export * from './eval/index.js';
export * from './classical/index.js';
export * from './methods/index.js';
export * from './transfer/index.js';
