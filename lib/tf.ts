/**
 * The one tfjs instance the whole package uses: core ops plus the layers API (what the `@tensorflow/tfjs`
 * union package exports). Notebooks use `import { tf } from 'reprlab'` so that their tensors and ours share
 * one engine and one backend.
 */
import './chained-ops.js';
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
