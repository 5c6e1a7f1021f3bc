/**
 * Network surgery and partial transfer (deck 002, "Transfer learning: pre-training & fine-tuning"):
 * - {@link replaceHead}: re-purpose a pre-trained encoder for a new task — encoder + a new task-specific head;
 * - {@link truncate}: keep the network up to an intermediate layer (lower, more general features);
 * - {@link reinitializeTop}: partial transfer — the highest-level layers are too adapted to the pre-training
 *   task, so re-initialise the top N layers and train them anew;
 * - {@link cloneModel}: an independent copy, so fine-tuning never changes the pre-trained encoder.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { linearClassifier } from '../models/heads.js';
import { copyWeights } from '../models/ema.js';
import { check } from '../util/errors.js';
import { mixSeed } from '../augment/transform.js';
import { selectLayers, weightLayers, type LayerSelector } from './layers.js';

/**
 * A new model with the same architecture and freshly initialised weights. The initialisers keep their seeds, so
 * the copy starts where the original started — unless `reseed` is given, which mixes it into every seed.
 */
export function cloneArchitecture(model: tfl.LayersModel, { reseed }: { reseed?: number } = {}): tfl.LayersModel {
  check(model instanceof tfl.LayersModel, 'cloneArchitecture', 'model', 'a tfjs-layers LayersModel', model);
  const ctor = model.constructor as unknown as { fromConfig(cls: unknown, config: unknown): tfl.LayersModel };
  const config = model.getConfig();
  if (reseed !== undefined) {
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        for (const [k, x] of Object.entries(o)) {
          if (k === 'seed' && typeof x === 'number') o[k] = mixSeed(x, reseed) || 1;
          else walk(x);
        }
      }
    };
    walk(config);
  }
  return ctor.fromConfig(model.constructor, config);
}

/** An independent copy: same architecture, same weights (BatchNorm statistics included), trainable flags kept. */
export function cloneModel(model: tfl.LayersModel): tfl.LayersModel {
  const copy = cloneArchitecture(model);
  copyWeights(copy, model);
  copy.layers.forEach((l, i) => (l.trainable = model.layers[i]!.trainable));
  return copy;
}

/** Output feature size of a model (last axis). */
function featureSize(model: tfl.LayersModel): number {
  const s = model.outputs[0]!.shape;
  return s[s.length - 1] as number;
}

/**
 * encoder → head as one model (sharing the encoder's layers and weights). `head` is a model, or
 * `{ numClasses }` for a new linear classifier (seeded).
 */
export function replaceHead(encoder: tfl.LayersModel, head: tfl.LayersModel | { numClasses: number; seed?: number }, name = 'classifier'): tfl.LayersModel {
  check(encoder instanceof tfl.LayersModel, 'replaceHead', 'encoder', 'a tfjs-layers LayersModel', encoder);
  const h = head instanceof tfl.LayersModel ? head : linearClassifier({ inputDim: featureSize(encoder), numClasses: head.numClasses, seed: head.seed ?? 1 });
  const dim = h.inputs[0]!.shape[h.inputs[0]!.shape.length - 1];
  check(dim === featureSize(encoder), 'replaceHead', 'head', `a model taking the encoder's ${featureSize(encoder)} features`, `input size ${dim}`);
  const input = tfl.input({ shape: encoder.inputs[0]!.shape.slice(1) as number[] });
  const out = h.apply(encoder.apply(input)) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name });
}

/**
 * The model cut after layer `at` (name, index...): its output, global-average-pooled to a vector when it is a
 * feature map (`pool`, default true). Shares weights with `model`.
 */
export function truncate(model: tfl.LayersModel, at: LayerSelector, { pool = true } = {}): tfl.LayersModel {
  const picked = selectLayers(model, at, 'truncate');
  check(picked.length === 1, 'truncate', 'at', 'a selector of exactly one layer', `${picked.length} layers`);
  let out = picked[0]!.output as tfl.SymbolicTensor;
  if (pool && out.shape.length === 4) out = tfl.layers.globalAveragePooling2d({}).apply(out) as tfl.SymbolicTensor;
  return tfl.model({ inputs: model.inputs, outputs: out, name: `${model.name}_to_${picked[0]!.name}` });
}

/**
 * Re-initialise the top `n` layers that hold weights (partial transfer), in place: their weights become those
 * of a freshly built copy of the architecture with re-seeded initialisers (`seed`). Returns the names of the re-initialised layers.
 */
export function reinitializeTop(model: tfl.LayersModel, n: number, { seed = 1 }: { seed?: number } = {}): string[] {
  const wl = weightLayers(model);
  check(Number.isInteger(n) && n >= 0 && n <= wl.length, 'reinitializeTop', 'n', `an integer in [0, ${wl.length}] (the layers with weights)`, n);
  if (n === 0) return [];
  const fresh = cloneArchitecture(model, { reseed: seed });
  const freshWl = weightLayers(fresh);
  const names: string[] = [];
  tf.tidy(() => {
    for (let j = wl.length - n; j < wl.length; j++) {
      wl[j]!.weights.forEach((w, k) => w.write(tf.clone(freshWl[j]!.weights[k]!.read())));
      names.push(wl[j]!.name);
    }
  });
  fresh.dispose();
  return names;
}
