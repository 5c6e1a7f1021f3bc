/**
 * The Siamese network of metric learning — Chopra, Hadsell & LeCun 2005 (deck 000, "Siamese network",
 * "Architecture for computer vision"): one network f_θ : X → R^K applied to every input, trained so that a distance
 * D(f(x_i), f(x_j)) between representations reflects similarity.
 *
 *   backbone   conv + max-pool blocks (conv 3×3 → BatchNorm → ReLU → max-pool 2)
 *   flatten    global average pooling (the output no longer depends on the image size)
 *   neck       Dense → BatchNorm → Parametric ReLU                 → the embedding, optionally L2-normalised
 *   head       used only in training by some losses: a softmax classifier (center loss, cross-entropy baseline) or
 *              a cosine head ŵ_cᵀ ẑ (CosFace, ArcFace, sub-center ArcFace)
 *
 * `backbone: 'mlp'` swaps the conv blocks for flatten + dense-ReLU layers of sizes `widths` (the pure-JS cpu
 * backend computes convolution gradients very slowly: notebooks use it in smoke mode), and a LayersModel brings your
 * own backbone (image → feature maps [N,h,w,c], pooled, or features [N,F]).
 *
 * Two custom layers, registered for serialisation (model.save / tf.loadLayersModel find them by class name):
 *   `L2Normalize`      x / max(‖x‖₂, ε) over the last axis;
 *   `NormalizedDense`  cos α_{n,c} = (x_n/‖x_n‖)ᵀ (w_c/‖w_c‖), a dense layer without bias on the unit sphere.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { l2Normalize } from '../ops/distances.js';
import { check } from '../util/errors.js';
import { convBlock, denseBlock } from './layers.js';
import { checkPositiveInts, checkShape } from '../util/checks.js';

type LayerConfig = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Shape = (number | null)[];

/** x / max(‖x‖₂, epsilon) along the last axis: puts embeddings on the unit sphere. No weights. */
export class L2Normalize extends tfl.layers.Layer {
  static className = 'L2Normalize';
  readonly epsilon: number;

  constructor(config: LayerConfig & { epsilon?: number } = {}) {
    super(config);
    this.epsilon = config.epsilon ?? 1e-12;
    check(this.epsilon > 0, 'L2Normalize', 'epsilon', 'a positive number', this.epsilon);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => l2Normalize(Array.isArray(inputs) ? inputs[0]! : inputs, -1, this.epsilon));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}
tf.serialization.registerClass(L2Normalize);

/**
 * Cosine head: cos α_{n,c} = x̂_nᵀ ŵ_c for `units` weight vectors w_c (columns of the kernel [D, units]); no bias.
 * Output in [−1, 1]. For sub-centres, units = C·k, class-major (column c·k + j = sub-centre j of class c).
 */
export class NormalizedDense extends tfl.layers.Layer {
  static className = 'NormalizedDense';
  readonly units: number;
  readonly seed: number;
  private kernel: tfl.LayerVariable | null = null;

  constructor(config: LayerConfig & { units: number; seed?: number }) {
    super(config);
    check(Number.isInteger(config?.units) && config.units > 0, 'NormalizedDense', 'units', 'a positive integer (classes × sub-centres)', config?.units);
    this.units = config.units;
    this.seed = config.seed ?? 0;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const dim = shape[shape.length - 1];
    check(typeof dim === 'number' && dim > 0, 'NormalizedDense', 'input', 'a known feature dimension [N, D]', shape);
    this.kernel = this.addWeight('kernel', [dim, this.units], 'float32', tfl.initializers.glorotUniform({ seed: this.seed }));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = l2Normalize(Array.isArray(inputs) ? inputs[0]! : inputs, -1) as tf.Tensor2D;
      const w = l2Normalize(this.kernel!.read(), 0) as tf.Tensor2D;
      return tf.matMul(x, w);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, seed: this.seed };
  }
}
tf.serialization.registerClass(NormalizedDense);

export type SiameseHead = 'none' | 'softmax' | 'cosine';

export interface SiameseOptions {
  /** [height, width, channels]. */
  inputShape: [number, number, number];
  /** 'conv' (default: conv + max-pool blocks), 'mlp' (flatten + dense-ReLU layers), or your own model. */
  backbone?: 'conv' | 'mlp' | tfl.LayersModel;
  /** Filters of the conv + max-pool blocks (default [32, 64, 128]); hidden sizes for backbone 'mlp' (default [256]). */
  widths?: number[];
  /** K, the embedding size (the neck's Dense units; default 64). */
  embeddingDim?: number;
  /** End the encoder with an `L2Normalize` layer (default true). */
  normalize?: boolean;
  /** Training-only head (default 'none'): 'softmax' (dense → logits) or 'cosine' (`NormalizedDense` → cosines). */
  head?: SiameseHead;
  /** Classes of the head (required with a head). */
  numClasses?: number;
  /** Sub-centres per class of the cosine head (default 1). */
  subCenters?: number;
  seed?: number;
  name?: string;
}

export interface SiameseNetwork {
  /** f_θ: images [N,H,W,C] → embeddings [N, K] (what evaluation and retrieval use). */
  encoder: tfl.LayersModel;
  /** The training-only head on the embeddings, if asked for: [N, K] → logits or cosines [N, C·k]. */
  head?: tfl.LayersModel;
  embeddingDim: number;
}

/** Build a Siamese network (see the file comment). */
export function siameseNetwork(options: SiameseOptions): SiameseNetwork {
  const where = 'siameseNetwork';
  const { inputShape, backbone = 'conv', embeddingDim = 64, normalize = true, head = 'none', subCenters = 1, seed = 0, name = 'siamese' } = options;
  checkShape(where, 'inputShape', inputShape, 3, '[height, width, channels]');
  const custom = typeof backbone === 'object' && backbone !== null;
  check(backbone === 'conv' || backbone === 'mlp' || (custom && typeof backbone.apply === 'function'), where, 'backbone', "'conv', 'mlp' or a tfjs LayersModel", backbone);
  const widths = options.widths ?? (backbone === 'mlp' ? [256] : [32, 64, 128]);
  checkPositiveInts(where, 'widths', widths);
  check(widths.length > 0, where, 'widths', 'a non-empty list of filter counts', widths);
  check(Number.isInteger(embeddingDim) && embeddingDim > 0, where, 'embeddingDim', 'a positive integer', embeddingDim);
  check(head === 'none' || head === 'softmax' || head === 'cosine', where, 'head', "'none', 'softmax' or 'cosine'", head);
  check(Number.isInteger(subCenters) && subCenters >= 1, where, 'subCenters', 'a positive integer', subCenters);
  check(subCenters === 1 || head === 'cosine', where, 'subCenters', "1 unless head is 'cosine'", subCenters);
  if (head !== 'none') check(Number.isInteger(options.numClasses) && options.numClasses! >= 2, where, 'numClasses', 'an integer >= 2 (the classes of the training head)', options.numClasses);

  const input = tfl.input({ shape: inputShape });
  let h = input;
  if (custom) {
    const shape = backbone.inputs[0]!.shape.slice(1);
    check(shape.length === 3 && shape.every((d, k) => d === null || d === inputShape[k]), where, 'backbone', `a model taking images [N, ${inputShape.join(', ')}]`, `input shape [${shape.join(', ')}]`);
    h = backbone.apply(input) as tfl.SymbolicTensor;
    check(h.shape.length === 2 || h.shape.length === 4, where, 'backbone', 'a model returning feature maps [N,h,w,c] or features [N,F]', `output shape [${h.shape.join(', ')}]`);
    if (h.shape.length === 4) h = tfl.layers.globalAveragePooling2d({}).apply(h) as tfl.SymbolicTensor;
  } else if (backbone === 'mlp') {
    h = tfl.layers.flatten().apply(h) as tfl.SymbolicTensor;
    widths.forEach((w, i) => {
      h = denseBlock(h, w, { activation: 'relu', seed: seed + i });
    });
  } else {
    widths.forEach((w, i) => {
      h = convBlock(h, w, { batchNorm: true, pool: i < widths.length - 1 || widths.length === 1, seed: seed + i });
    });
    h = tfl.layers.globalAveragePooling2d({}).apply(h) as tfl.SymbolicTensor;
  }
  h = tfl.layers.dense({ units: embeddingDim, useBias: false, kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 100 }) }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.batchNormalization({ momentum: 0.9 }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.prelu({ alphaInitializer: tfl.initializers.constant({ value: 0.25 }) }).apply(h) as tfl.SymbolicTensor;
  if (normalize) h = new L2Normalize({ name: `${name}_l2_normalize` }).apply(h) as tfl.SymbolicTensor;
  const encoder = tfl.model({ inputs: input, outputs: h, name: `${name}_encoder` });
  const net: SiameseNetwork = { encoder, embeddingDim };
  if (head === 'softmax') net.head = softmaxHead({ inputDim: embeddingDim, numClasses: options.numClasses!, seed: seed + 200, name: `${name}_head` });
  if (head === 'cosine') net.head = cosineHead({ inputDim: embeddingDim, numClasses: options.numClasses!, subCenters, seed: seed + 200, name: `${name}_head` });
  return net;
}

/** Softmax classifier head (deck 000, center loss: "Dense layer + Softmax"): [N, D] → logits [N, C]. */
export function softmaxHead({ inputDim, numClasses, seed = 0, name = 'softmax_head' }: { inputDim: number; numClasses: number; seed?: number; name?: string }): tfl.LayersModel {
  check(Number.isInteger(inputDim) && inputDim > 0, 'softmaxHead', 'inputDim', 'a positive integer', inputDim);
  check(Number.isInteger(numClasses) && numClasses >= 2, 'softmaxHead', 'numClasses', 'an integer >= 2', numClasses);
  const input = tfl.input({ shape: [inputDim] });
  const out = tfl.layers.dense({ units: numClasses, kernelInitializer: tfl.initializers.glorotUniform({ seed }) }).apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name });
}

/**
 * Cosine head (deck 000, cosine loss: "Normalize + Dense layer (no bias, weights normalized)"): [N, D] → cosines
 * [N, C·k] with k sub-centres per class (class-major).
 */
export function cosineHead({ inputDim, numClasses, subCenters = 1, seed = 0, name = 'cosine_head' }: { inputDim: number; numClasses: number; subCenters?: number; seed?: number; name?: string }): tfl.LayersModel {
  check(Number.isInteger(inputDim) && inputDim > 0, 'cosineHead', 'inputDim', 'a positive integer', inputDim);
  check(Number.isInteger(numClasses) && numClasses >= 2, 'cosineHead', 'numClasses', 'an integer >= 2', numClasses);
  check(Number.isInteger(subCenters) && subCenters >= 1, 'cosineHead', 'subCenters', 'a positive integer', subCenters);
  const input = tfl.input({ shape: [inputDim] });
  const out = new NormalizedDense({ units: numClasses * subCenters, seed, name: `${name}_normalized_dense` }).apply(input) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: out, name });
}
