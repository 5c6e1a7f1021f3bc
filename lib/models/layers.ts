/** Small building blocks shared by the encoders and heads. */
import * as tfl from '@tensorflow/tfjs-layers';

import { initSeed } from '../util/rng.js';

export { initSeed };

export type Activation = 'relu' | 'gelu' | 'tanh' | 'linear' | 'sigmoid' | 'elu' | 'selu';

/**
 * The kernel initialisation of {@link convBlock} and {@link denseBlock}: PyTorch's default for `nn.Conv2d` and
 * `nn.Linear` (kaiming_uniform with a = √5), W ~ U(−1/√fan_in, 1/√fan_in), i.e. variance 1/(3·fan_in).
 *
 * Why not He-normal (variance 2/fan_in, what these blocks used before 2026-12-07)? A kernel followed by BatchNorm is
 * scale-invariant: the output does not change with ‖W‖, and Adam's step changes each weight by about the learning
 * rate whatever the gradient's size, so the *relative* step — the effective learning rate — is lr/‖W‖. He-normal
 * weights are √6 ≈ 2.45× larger than PyTorch's: at the same Adam 1e-3 the encoder learned less per step. Measured
 * on the SSL-parity protocol (scripts/measure/ssl-parity.mjs; docs/results.md "SSL parity"): in PyTorch itself,
 * SimCLR's probe after 300 steps was 0.863 with its default initialisation and 0.852 with He-normal/Glorot + ε 1e-3
 * (seed 0), the gap reprlab had against PyTorch.
 */
export function torchDefaultInit(seed: number): ReturnType<typeof tfl.initializers.varianceScaling> {
  return tfl.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: initSeed(seed) });
}

/** BatchNorm as in PyTorch's default: ε = 1e-5 (tfjs' default is 1e-3), running statistics with momentum 0.1 (tfjs: 0.9). */
export function batchNormLayer(): ReturnType<typeof tfl.layers.batchNormalization> {
  return tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
}

/** conv k×k ({@link torchDefaultInit}) → (BatchNorm, {@link batchNormLayer}) → activation → (max-pool 2). */
export function convBlock(
  x: tfl.SymbolicTensor,
  filters: number,
  { kernelSize = 3, batchNorm = true, pool = true, activation = 'relu' as Activation, seed = 0 } = {},
): tfl.SymbolicTensor {
  let h = tfl.layers
    .conv2d({ filters, kernelSize, padding: 'same', useBias: !batchNorm, kernelInitializer: torchDefaultInit(seed) })
    .apply(x) as tfl.SymbolicTensor;
  if (batchNorm) h = batchNormLayer().apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.activation({ activation }).apply(h) as tfl.SymbolicTensor;
  if (pool) h = tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same' }).apply(h) as tfl.SymbolicTensor;
  return h;
}

/**
 * dense ({@link torchDefaultInit}; bias 0) → (BatchNorm) → activation; `activation: 'linear'` and `batchNorm: false`
 * give a plain affine layer.
 */
export function denseBlock(
  x: tfl.SymbolicTensor,
  units: number,
  { batchNorm = false, activation = 'relu' as Activation, useBias = true, seed = 0 } = {},
): tfl.SymbolicTensor {
  let h = tfl.layers
    .dense({ units, useBias: useBias && !batchNorm, kernelInitializer: torchDefaultInit(seed) })
    .apply(x) as tfl.SymbolicTensor;
  if (batchNorm) h = batchNormLayer().apply(h) as tfl.SymbolicTensor;
  if (activation !== 'linear') h = tfl.layers.activation({ activation }).apply(h) as tfl.SymbolicTensor;
  return h;
}

