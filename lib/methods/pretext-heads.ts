/** Small decoders/heads shared by the pretext-task methods (deck 000: "Decoder → tightly coupled with the labels, discarded after training"). */
import type * as tfl from '@tensorflow/tfjs-layers';
import { mlpEncoder } from '../models/encoders.js';

/** Classification head over `classes` pretext labels: 'linear' or an MLP with one hidden layer (BN + ReLU). */
export function pretextClassifier(inputDim: number, classes: number, kind: 'linear' | 'mlp', seed: number, name: string): tfl.LayersModel {
  return mlpEncoder({ inputShape: [inputDim], hidden: kind === 'mlp' ? [Math.max(inputDim, 32)] : [], batchNorm: true, outputDim: classes, seed: seed + 2000, name });
}

/** Pixel decoder from a feature vector: an MLP to H·W·C values (reshaped by the caller). */
export function pixelDecoder(inputDim: number, pixels: number, hidden: number, seed: number, name: string, outputActivation: 'linear' | 'sigmoid' = 'linear'): tfl.LayersModel {
  return mlpEncoder({ inputShape: [inputDim], hidden: [hidden], outputDim: pixels, outputActivation, seed: seed + 3000, name });
}
