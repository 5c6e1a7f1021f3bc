/**
 * Heads that sit on an encoder's features.
 *
 * - projection head g(·) (SimCLR, MoCo v2, BYOL, SimSiam, Barlow Twins, VICReg): z = W2 σ(BN(W1 h)), the loss is
 *   computed on z and the representation h is kept (deck 000, "SimCLR": the head improves h by absorbing the
 *   invariances the loss imposes).
 * - prediction head q(·) (BYOL, SimSiam): the same MLP shape, on top of the projection.
 * - linear classifier: logits = W h + b.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { check } from '../util/errors.js';
import { denseBlock, type InitScheme, isInitScheme } from './layers.js';

export interface HeadOptions {
  inputDim: number;
  hiddenDim?: number;
  outputDim: number;
  /** Number of dense layers (>= 1); hidden ones get BN + ReLU. Default 2. */
  layers?: number;
  batchNorm?: boolean;
  /** BatchNorm on the output too (SimSiam's and Barlow Twins' projectors end with BN). Default false. */
  outputBatchNorm?: boolean;
  seed?: number;
  /** Weight initialisation scheme: 'he' (default) or 'torch' (lib/models/layers.ts `InitScheme`). */
  init?: InitScheme;
  name?: string;
}

function mlpHead(where: string, o: HeadOptions, defaultName: string): tfl.LayersModel {
  const { inputDim, outputDim, hiddenDim = Math.max(outputDim, inputDim), layers = 2, batchNorm = true, outputBatchNorm = false, seed = 0, init = 'he' } = o;
  check(isInitScheme(init), where, 'init', "'he' or 'torch'", init);
  for (const [arg, v] of [['inputDim', inputDim], ['outputDim', outputDim], ['hiddenDim', hiddenDim], ['layers', layers]] as const)
    check(Number.isInteger(v) && v > 0, where, arg, 'a positive integer', v);
  const input = tfl.input({ shape: [inputDim] });
  let h: tfl.SymbolicTensor = input;
  for (let i = 0; i < layers - 1; i++) h = denseBlock(h, hiddenDim, { batchNorm, activation: 'relu', seed: seed + i, init });
  h = denseBlock(h, outputDim, { batchNorm: outputBatchNorm, activation: 'linear', seed: seed + 50, init });
  return tfl.model({ inputs: input, outputs: h, name: o.name ?? defaultName });
}

/** Projection head g: R^inputDim → R^outputDim (default 2 layers, BN + ReLU in between). */
export function projectionHead(o: HeadOptions): tfl.LayersModel {
  return mlpHead('projectionHead', o, 'projection_head');
}

/** Prediction head q (BYOL/SimSiam): same MLP form as the projection head, usually with a narrower hidden layer. */
export function predictionHead(o: HeadOptions): tfl.LayersModel {
  return mlpHead('predictionHead', o, 'prediction_head');
}

/** Linear classifier: logits = W h + b. */
export function linearClassifier({ inputDim, numClasses, seed = 0, name = 'linear_classifier' }: { inputDim: number; numClasses: number; seed?: number; name?: string }): tfl.LayersModel {
  check(Number.isInteger(inputDim) && inputDim > 0, 'linearClassifier', 'inputDim', 'a positive integer', inputDim);
  check(Number.isInteger(numClasses) && numClasses > 1, 'linearClassifier', 'numClasses', 'an integer >= 2', numClasses);
  const input = tfl.input({ shape: [inputDim] });
  const out = denseBlock(input, numClasses, { activation: 'linear', seed });
  return tfl.model({ inputs: input, outputs: out, name });
}

/** Chain models end to end (encoder → head ...) into one model sharing the same layers and weights. */
export function stack(models: tfl.LayersModel[], name = 'stacked'): tfl.LayersModel {
  check(models.length > 0, 'stack', 'models', 'a non-empty list of models', models);
  const input = tfl.input({ shape: models[0]!.inputs[0]!.shape.slice(1) as number[] });
  let h: tfl.SymbolicTensor = input;
  for (const m of models) h = m.apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: h, name });
}
