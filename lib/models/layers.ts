/** Small building blocks shared by the encoders and heads. */
import * as tfl from '@tensorflow/tfjs-layers';

import { initSeed } from '../util/rng.js';

export { initSeed };

export type Activation = 'relu' | 'gelu' | 'tanh' | 'linear' | 'sigmoid' | 'elu' | 'selu';

/**
 * How {@link convBlock} and {@link denseBlock} initialise their kernels (and their BatchNorm's ε):
 *
 * - `'torch'`: PyTorch's default for `nn.Conv2d` and `nn.Linear` (kaiming_uniform with a = √5), W ~ U(−1/√fan_in,
 *   1/√fan_in), i.e. variance 1/(3·fan_in); BatchNorm ε = 1e-5 as `nn.BatchNorm`.
 * - `'he'` (the default, what every notebook is calibrated with): He-normal conv kernels (variance 2/fan_in),
 *   Glorot-uniform dense kernels, BatchNorm ε = 1e-3 (tfjs').
 *
 * Why it matters: a kernel followed by BatchNorm is scale-invariant — the output does not change with ‖W‖ — and
 * Adam moves each weight by about the learning rate whatever the gradient's size, so the *relative* step, the
 * effective learning rate, is lr/‖W‖. He-normal conv weights are √6 ≈ 2.45× larger than PyTorch's: at the same
 * Adam 1e-3 the encoder learns less per step. On the SSL-parity protocol (scripts/measure/ssl-parity.mjs;
 * docs/results.md "SSL parity"), PyTorch itself with He/Glorot + ε 1e-3 reached a SimCLR probe of 0.852 after 300
 * steps against 0.863 with its own default (seed 0) — the gap reprlab had against PyTorch; with `'torch'`
 * reprlab's SimCLR matches PyTorch's. The course's pre-training recipes (lib/methods/pretrain-recipes.ts) use
 * `'torch'`. The default stays `'he'` until every notebook's laptop-size claims are re-measured with `'torch'`
 * (a first pass on 2026-12-07 found three claims that then fail at one seed of three: docs/results.md).
 */
export type InitScheme = 'torch' | 'he';

/** The kernel initialiser of scheme `init` for a conv or dense kernel (seeded; seed 0 goes through initSeed). */
export function kernelInitializer(init: InitScheme, kind: 'conv' | 'dense', seed: number) {
  if (init === 'torch') return tfl.initializers.varianceScaling({ scale: 1 / 3, mode: 'fanIn', distribution: 'uniform', seed: initSeed(seed) });
  return kind === 'conv' ? tfl.initializers.heNormal({ seed: initSeed(seed) }) : tfl.initializers.glorotUniform({ seed: initSeed(seed) });
}

/** BatchNorm with running statistics of momentum 0.9 (PyTorch's 0.1) and the ε of scheme `init` (1e-5 torch, 1e-3 he). */
export function batchNormLayer(init: InitScheme = 'he'): ReturnType<typeof tfl.layers.batchNormalization> {
  return tfl.layers.batchNormalization(init === 'torch' ? { momentum: 0.9, epsilon: 1e-5 } : { momentum: 0.9 });
}

/** Checks an `init` option: 'torch' or 'he'. */
export function isInitScheme(v: unknown): v is InitScheme {
  return v === 'torch' || v === 'he';
}

/** conv k×k ({@link kernelInitializer}) → (BatchNorm, {@link batchNormLayer}) → activation → (max-pool 2). */
export function convBlock(
  x: tfl.SymbolicTensor,
  filters: number,
  { kernelSize = 3, batchNorm = true, pool = true, activation = 'relu' as Activation, seed = 0, init = 'he' as InitScheme } = {},
): tfl.SymbolicTensor {
  let h = tfl.layers
    .conv2d({ filters, kernelSize, padding: 'same', useBias: !batchNorm, kernelInitializer: kernelInitializer(init, 'conv', seed) })
    .apply(x) as tfl.SymbolicTensor;
  if (batchNorm) h = batchNormLayer(init).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.activation({ activation }).apply(h) as tfl.SymbolicTensor;
  if (pool) h = tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same' }).apply(h) as tfl.SymbolicTensor;
  return h;
}

/**
 * dense ({@link kernelInitializer}; bias 0) → (BatchNorm) → activation; `activation: 'linear'` and `batchNorm: false`
 * give a plain affine layer.
 */
export function denseBlock(
  x: tfl.SymbolicTensor,
  units: number,
  { batchNorm = false, activation = 'relu' as Activation, useBias = true, seed = 0, init = 'he' as InitScheme } = {},
): tfl.SymbolicTensor {
  let h = tfl.layers
    .dense({ units, useBias: useBias && !batchNorm, kernelInitializer: kernelInitializer(init, 'dense', seed) })
    .apply(x) as tfl.SymbolicTensor;
  if (batchNorm) h = batchNormLayer(init).apply(h) as tfl.SymbolicTensor;
  if (activation !== 'linear') h = tfl.layers.activation({ activation }).apply(h) as tfl.SymbolicTensor;
  return h;
}

