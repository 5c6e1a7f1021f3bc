/** `Features` and its helpers live in lib/linalg/features.ts (below lib/eval and lib/classical, which both use them); re-exported here for lib/eval's files. */
export * from '../linalg/features.js';
