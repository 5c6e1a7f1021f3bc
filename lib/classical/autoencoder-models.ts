/**
 * Encoder and decoder networks of the autoencoder family (deck 002, "Autoencoder": encoder & decoder are neural
 * nets, a low-dimensional latent is the bottleneck). Three kinds:
 * - 'linear': x → W_e x + b_e → W_d z + b_d (no non-linearity: the model PCA is the optimum of);
 * - 'mlp':    flatten → [dense → ReLU]* → dense(latent);  decoder mirrors it, sigmoid pixels;
 * - 'conv':   [conv 3×3 stride 2 → ReLU]* → flatten → dense(latent);  decoder: dense → reshape →
 *             [transposed conv 3×3 stride 2]*, sigmoid pixels. H and W must be divisible by 2^(#conv layers).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { check } from '../util/errors.js';
import { initSeed } from '../util/rng.js';

export type AutoencoderKind = 'linear' | 'mlp' | 'conv';

export interface NetSpec {
  kind: AutoencoderKind;
  inputShape: [number, number, number];
  /** mlp: hidden widths (encoder order); conv: filters per stride-2 layer. */
  hidden: number[];
  seed: number;
}

const glorot = (seed: number) => tfl.initializers.glorotUniform({ seed });

/** Default hidden sizes per kind. */
export function defaultHidden(kind: AutoencoderKind): number[] {
  return kind === 'mlp' ? [256] : kind === 'conv' ? [32, 64] : [];
}

export function checkNetSpec(where: string, s: NetSpec): void {
  check(['linear', 'mlp', 'conv'].includes(s.kind), where, 'kind', "'linear', 'mlp' or 'conv'", s.kind);
  check(Array.isArray(s.inputShape) && s.inputShape.length === 3 && s.inputShape.every((d) => Number.isInteger(d) && d > 0), where, 'inputShape',
    '[height, width, channels]', s.inputShape, 'pass [set.height, set.width, set.channels]');
  check(Array.isArray(s.hidden) && s.hidden.every((d) => Number.isInteger(d) && d > 0), where, 'hidden', 'a list of positive integers', s.hidden);
  if (s.kind === 'conv') {
    const f = 2 ** s.hidden.length;
    check(s.hidden.length > 0, where, 'hidden', 'at least one conv layer for kind conv', s.hidden);
    check(s.inputShape[0] % f === 0 && s.inputShape[1] % f === 0, where, 'inputShape', `height and width divisible by 2^${s.hidden.length} = ${f} (one halving per conv layer)`,
      s.inputShape, 'use fewer conv layers (hidden), or kind mlp');
  }
}

/** The encoder's trunk on `input`: convs (conv kind), flatten, hidden dense layers (mlp kind). */
export function encoderTrunk(s: NetSpec, input: tfl.SymbolicTensor): tfl.SymbolicTensor {
  let h: tfl.SymbolicTensor = input;
  if (s.kind === 'conv') {
    s.hidden.forEach((filters, i) => {
      h = tfl.layers.conv2d({ filters, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tfl.initializers.heNormal({ seed: initSeed(s.seed + i) }) }).apply(h) as tfl.SymbolicTensor;
    });
  }
  h = tfl.layers.flatten().apply(h) as tfl.SymbolicTensor;
  if (s.kind === 'mlp') s.hidden.forEach((units, i) => {
    h = tfl.layers.dense({ units, activation: 'relu', kernelInitializer: glorot(s.seed + i) }).apply(h) as tfl.SymbolicTensor;
  });
  return h;
}

/** A linear dense head (the code layer). */
export function codeLayer(units: number, seed: number, name?: string): tfl.layers.Layer {
  return tfl.layers.dense({ units, kernelInitializer: glorot(seed), name });
}

/** Encoder: images → [N, outDim] (linear output). */
export function buildEncoder(s: NetSpec, outDim: number, name: string): tfl.LayersModel {
  const input = tfl.input({ shape: s.inputShape });
  const out = codeLayer(outDim, s.seed + 50).apply(encoderTrunk(s, input)) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name });
}

/** Decoder: [N, latent] → images [N, H, W, C] (sigmoid, except the linear kind). */
export function buildDecoder(s: NetSpec, latentDim: number, name: string): tfl.LayersModel {
  const [H, W, C] = s.inputShape;
  const input = tfl.input({ shape: [latentDim] });
  let h: tfl.SymbolicTensor = input;
  const seed = s.seed + 1000;
  if (s.kind === 'conv') {
    const f = 2 ** s.hidden.length;
    const last = s.hidden[s.hidden.length - 1]!;
    h = tfl.layers.dense({ units: (H / f) * (W / f) * last, activation: 'relu', kernelInitializer: glorot(seed) }).apply(h) as tfl.SymbolicTensor;
    h = tfl.layers.reshape({ targetShape: [H / f, W / f, last] }).apply(h) as tfl.SymbolicTensor;
    const filters = [...s.hidden].reverse().slice(1).concat([C]);
    filters.forEach((fl, i) => {
      const isLast = i === filters.length - 1;
      h = tfl.layers.conv2dTranspose({
        filters: fl, kernelSize: 3, strides: 2, padding: 'same', activation: isLast ? 'sigmoid' : 'relu',
        kernelInitializer: isLast ? glorot(seed + 1 + i) : tfl.initializers.heNormal({ seed: initSeed(seed + 1 + i) }),
      }).apply(h) as tfl.SymbolicTensor;
    });
    return tfl.model({ inputs: input, outputs: h, name });
  }
  if (s.kind === 'mlp') [...s.hidden].reverse().forEach((units, i) => {
    h = tfl.layers.dense({ units, activation: 'relu', kernelInitializer: glorot(seed + i) }).apply(h) as tfl.SymbolicTensor;
  });
  h = tfl.layers.dense({ units: H * W * C, activation: s.kind === 'linear' ? 'linear' : 'sigmoid', kernelInitializer: glorot(seed + 50) }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.reshape({ targetShape: [H, W, C] }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: h, name });
}
