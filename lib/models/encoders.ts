/**
 * Encoders f_θ: X → R^K (the "backbone" of every method in the course).
 *
 * - {@link smallCnn}: conv(3×3)-BN-ReLU-maxpool blocks (default widths 32-64-128) + global average pooling, the
 *   reference encoder of the course and of the GPU benchmark (docs/performance.md).
 * - {@link mlpEncoder}: flatten + dense layers, for raw-pixel baselines and autoencoders.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { check } from '../util/errors.js';
import { type Activation, convBlock, denseBlock, type InitScheme, isInitScheme } from './layers.js';
import { checkPositiveInts, checkShape } from '../util/checks.js';

export interface SmallCnnOptions {
  /** [height, width, channels], e.g. [28, 28, 1] for Fashion-MNIST or [32, 32, 3]. */
  inputShape: [number, number, number];
  /** Filters per conv block; each block halves the resolution (default [32, 64, 128]). */
  widths?: number[];
  /** BatchNorm after each conv (default true). */
  batchNorm?: boolean;
  /** Optional dense layer after global average pooling (the feature dimension becomes `embeddingDim`). */
  embeddingDim?: number;
  /** Seed for weight initialisation. */
  seed?: number;
  /** Weight initialisation scheme (lib/models/layers.ts `InitScheme`): 'he' (default) or 'torch' (PyTorch's). */
  init?: InitScheme;
  name?: string;
}

/** Small convolutional encoder: [N,H,W,C] → [N, widths.at(-1) or embeddingDim]. */
export function smallCnn(options: SmallCnnOptions): tfl.LayersModel {
  const { inputShape, widths = [32, 64, 128], batchNorm = true, embeddingDim, seed = 0, init = 'he', name = 'small_cnn' } = options;
  check(isInitScheme(init), 'smallCnn', 'init', "'he' or 'torch'", init);
  checkShape('smallCnn', 'inputShape', inputShape, 3, '[height, width, channels]');
  checkPositiveInts('smallCnn', 'widths', widths);
  check(widths.length > 0, 'smallCnn', 'widths', 'a non-empty list of filter counts', widths);
  const input = tfl.input({ shape: inputShape });
  let h = input;
  widths.forEach((w, i) => {
    h = convBlock(h, w, { batchNorm, pool: i < widths.length - 1 || widths.length === 1, seed: seed + i, init });
  });
  h = tfl.layers.globalAveragePooling2d({}).apply(h) as tfl.SymbolicTensor;
  if (embeddingDim !== undefined) h = denseBlock(h, embeddingDim, { activation: 'linear', seed: seed + 100, init });
  return tfl.model({ inputs: input, outputs: h, name });
}

export interface MlpOptions {
  /** Input shape: [D] for vectors or [H, W, C] for images (flattened first). */
  inputShape: number[];
  /** Hidden layer sizes. */
  hidden: number[];
  /** Output size (a linear last layer); omit to end at the last hidden layer. */
  outputDim?: number;
  activation?: Activation;
  batchNorm?: boolean;
  /** Activation of the output layer (default linear), e.g. 'sigmoid' for a decoder producing pixels. */
  outputActivation?: Activation;
  seed?: number;
  /** Weight initialisation scheme: 'he' (default) or 'torch' (lib/models/layers.ts `InitScheme`). */
  init?: InitScheme;
  name?: string;
}

/** Multi-layer perceptron: flatten → [dense → (BN) → act]* → (dense out). */
export function mlpEncoder(options: MlpOptions): tfl.LayersModel {
  const { inputShape, hidden, outputDim, activation = 'relu', batchNorm = false, outputActivation = 'linear', seed = 0, init = 'he', name = 'mlp' } = options;
  check(isInitScheme(init), 'mlpEncoder', 'init', "'he' or 'torch'", init);
  check(Array.isArray(inputShape) && inputShape.length >= 1 && inputShape.every((d) => Number.isInteger(d) && d > 0), 'mlpEncoder', 'inputShape', 'a list of positive integers such as [784] or [28, 28, 1]', inputShape);
  check(Array.isArray(hidden) && hidden.every((d) => Number.isInteger(d) && d > 0), 'mlpEncoder', 'hidden', 'a list of positive integers (may be empty)', hidden);
  const input = tfl.input({ shape: inputShape });
  let h: tfl.SymbolicTensor = inputShape.length > 1 ? (tfl.layers.flatten().apply(input) as tfl.SymbolicTensor) : input;
  hidden.forEach((units, i) => {
    h = denseBlock(h, units, { activation, batchNorm, seed: seed + i, init });
  });
  if (outputDim !== undefined) h = denseBlock(h, outputDim, { activation: outputActivation, seed: seed + 100, init });
  return tfl.model({ inputs: input, outputs: h, name });
}

/** The feature dimension an encoder outputs (last axis of its output shape). */
export function featureDim(model: tfl.LayersModel): number {
  const shape = model.outputs[0]!.shape;
  return shape[shape.length - 1] as number;
}

/** The old name of {@link featureDim} (lib/methods had its own copy), kept as an alias for callers of `outputDim`. */
export const outputDim = featureDim;
