/** Small building blocks shared by the encoders and heads. */
import * as tfl from '@tensorflow/tfjs-layers';

import { initSeed } from '../util/rng.js';

export { initSeed };

export type Activation = 'relu' | 'gelu' | 'tanh' | 'linear' | 'sigmoid' | 'elu' | 'selu';

/** conv k×k → (BatchNorm) → activation → (max-pool 2). */
export function convBlock(
  x: tfl.SymbolicTensor,
  filters: number,
  { kernelSize = 3, batchNorm = true, pool = true, activation = 'relu' as Activation, seed = 0 } = {},
): tfl.SymbolicTensor {
  let h = tfl.layers
    .conv2d({ filters, kernelSize, padding: 'same', useBias: !batchNorm, kernelInitializer: tfl.initializers.heNormal({ seed: initSeed(seed) }) })
    .apply(x) as tfl.SymbolicTensor;
  if (batchNorm) h = tfl.layers.batchNormalization({ momentum: 0.9 }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.activation({ activation }).apply(h) as tfl.SymbolicTensor;
  if (pool) h = tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same' }).apply(h) as tfl.SymbolicTensor;
  return h;
}

/** dense → (BatchNorm) → activation; `activation: 'linear'` and `batchNorm: false` give a plain affine layer. */
export function denseBlock(
  x: tfl.SymbolicTensor,
  units: number,
  { batchNorm = false, activation = 'relu' as Activation, useBias = true, seed = 0 } = {},
): tfl.SymbolicTensor {
  let h = tfl.layers
    .dense({ units, useBias: useBias && !batchNorm, kernelInitializer: tfl.initializers.glorotUniform({ seed: initSeed(seed) }) })
    .apply(x) as tfl.SymbolicTensor;
  if (batchNorm) h = tfl.layers.batchNormalization({ momentum: 0.9 }).apply(h) as tfl.SymbolicTensor;
  if (activation !== 'linear') h = tfl.layers.activation({ activation }).apply(h) as tfl.SymbolicTensor;
  return h;
}

