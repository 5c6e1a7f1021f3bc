/**
 * The one tfjs instance the whole package uses: core ops plus the layers API (what the `@tensorflow/tfjs`
 * union package exports). Notebooks use `import { tf } from 'reprlab'` so that their tensors and ours share
 * one engine and one backend. Importing tfjs-layers also registers the gradient functions of every op (the
 * Node bundle of tfjs-core alone has none), and ./chained-ops.js adds `x.square().sum()`-style methods.
 */
import './chained-ops.js';
export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
