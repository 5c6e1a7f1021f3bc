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
