/** Model inspection helpers. */
import type * as tfl from '@tensorflow/tfjs-layers';

/** Number of trainable parameters (or all with `trainableOnly: false`). */
export function countParams(model: tfl.LayersModel, { trainableOnly = true } = {}): number {
  const ws = trainableOnly ? model.trainableWeights : model.weights;
  return ws.reduce((s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
}

/** The tensors an optimizer should update for these models (their trainable variables). */
export function trainableVariables(...models: tfl.LayersModel[]) {
  return models.flatMap((m) => m.trainableWeights.map((w) => w.read())) as import('@tensorflow/tfjs-core').Variable[];
}
