/**
 * Frozen weights (deck 002, "Transfer learning: frozen weights"): freeze some or all pre-trained layers — less
 * overfitting when data are few, less memory, faster steps. A frozen layer keeps its weights: tfjs-layers leaves
 * it out of `model.trainableWeights`, which is what every optimizer step in reprlab updates.
 */
import type * as tfl from '@tensorflow/tfjs-layers';
import { check } from '../util/errors.js';

type Layer = tfl.layers.Layer;

/**
 * Which layers: a name, `{ prefix }`, a RegExp on the name, an index (negative counts from the end), a predicate,
 * or a list of any of these. Input layers are never selected.
 */
export type LayerSelector = string | number | RegExp | { prefix: string } | ((layer: Layer, index: number) => boolean) | LayerSelector[];

export interface LayerInfo {
  index: number;
  name: string;
  /** Layer class, e.g. 'Conv2D', 'BatchNormalization'. */
  type: string;
  /** Number of weights (trainable or not). */
  params: number;
  trainable: boolean;
  outputShape: string;
}

/** The model's layers (input layers left out) with their sizes and trainable flags — a table for notebooks. */
export function describeLayers(model: tfl.LayersModel): LayerInfo[] {
  return model.layers.map((l, index) => ({
    index,
    name: l.name,
    type: l.getClassName(),
    params: l.weights.reduce((s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1), 0),
    trainable: l.trainable,
    outputShape: JSON.stringify(l.outputShape),
  })).filter((l) => l.type !== 'InputLayer');
}

/** The layers a selector picks, in model order. */
export function selectLayers(model: tfl.LayersModel, selector: LayerSelector, where = 'selectLayers'): Layer[] {
  check(model !== null && typeof model === 'object' && Array.isArray((model as tfl.LayersModel).layers), where, 'model', 'a tfjs-layers model', model);
  const layers = model.layers;
  const picks = new Set<Layer>();
  const add = (s: LayerSelector): void => {
    if (Array.isArray(s)) return s.forEach(add);
    if (typeof s === 'number') {
      check(Number.isInteger(s) && s >= -layers.length && s < layers.length, where, 'selector', `a layer index in [${-layers.length}, ${layers.length})`, s);
      picks.add(layers[s < 0 ? layers.length + s : s]!);
    } else if (typeof s === 'string') {
      const l = layers.find((x) => x.name === s);
      check(l !== undefined, where, 'selector', `a layer name of this model (${layers.map((x) => x.name).slice(0, 8).join(', ')}${layers.length > 8 ? ', ...' : ''})`, s,
        'see describeLayers(model) for the names, or select by { prefix } or index');
      picks.add(l!);
    } else if (s instanceof RegExp) layers.filter((l) => s.test(l.name)).forEach((l) => picks.add(l));
    else if (typeof s === 'function') layers.filter((l, i) => s(l, i)).forEach((l) => picks.add(l));
    else if (s && typeof s === 'object' && typeof s.prefix === 'string') layers.filter((l) => l.name.startsWith(s.prefix)).forEach((l) => picks.add(l));
    else check(false, where, 'selector', 'a name, { prefix }, RegExp, index, predicate or a list of them', s);
  };
  add(selector);
  return layers.filter((l) => picks.has(l) && l.getClassName() !== 'InputLayer');
}

function setTrainable(model: tfl.LayersModel, selector: LayerSelector | undefined, trainable: boolean, where: string): string[] {
  const layers = selector === undefined ? model.layers.filter((l) => l.getClassName() !== 'InputLayer') : selectLayers(model, selector, where);
  for (const l of layers) l.trainable = trainable;
  return layers.map((l) => l.name);
}

/** Freeze the selected layers (default: all); returns their names. */
export function freeze(model: tfl.LayersModel, selector?: LayerSelector): string[] {
  return setTrainable(model, selector, false, 'freeze');
}

/** Unfreeze the selected layers (default: all); returns their names. */
export function unfreeze(model: tfl.LayersModel, selector?: LayerSelector): string[] {
  return setTrainable(model, selector, true, 'unfreeze');
}

/** The layers that hold weights, bottom to top (what "the top N layers" counts). */
export function weightLayers(model: tfl.LayersModel): Layer[] {
  return model.layers.filter((l) => l.weights.length > 0);
}

/** Freeze everything except the top `n` layers that hold weights (e.g. fine-tune only the last conv block). */
export function freezeAllBut(model: tfl.LayersModel, n: number): string[] {
  const wl = weightLayers(model);
  check(Number.isInteger(n) && n >= 0 && n <= wl.length, 'freezeAllBut', 'n', `an integer in [0, ${wl.length}] (layers with weights)`, n);
  unfreeze(model);
  return freeze(model, (l) => wl.indexOf(l) >= 0 && wl.indexOf(l) < wl.length - n);
}
