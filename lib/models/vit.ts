/**
 * A tiny Vision Transformer (deck 002, "Masked Autoencoder (MAE)": "patches as visual tokens (Vision
 * Transformer)"; deck 003, "Masked AE"): cut the image into non-overlapping p×p patches, embed each linearly, add a
 * positional embedding, run pre-norm transformer blocks
 *
 *   x ← x + MHSA(LN(x)),     MHSA: softmax(Q Kᵀ / √d_h) V per head, heads concatenated, then a linear map
 *   x ← x + MLP(LN(x)),      MLP: linear (D → rD) → GELU → linear (rD → D)
 *
 * and pool the tokens (mean) into one vector. The pieces are tfjs-layers custom layers (registered for
 * serialisation), so the models are ordinary LayersModels: `encoder.predict`, lib/eval `embed`, lib/train
 * checkpoints and `trainableVariables` all work. MAE (lib/methods/mae.ts) uses the parts separately: the
 * `tokenizer` on whole images, the `blocks` on the visible tokens only.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { check } from '../util/errors.js';
import { initSeed } from '../util/rng.js';
import { checkShape } from '../util/checks.js';

type Shape = (number | null)[];
type Kwargs = Record<string, unknown>;

function checkPatchSize(where: string, patchSize: number, h: number, w: number): void {
  check(Number.isInteger(patchSize) && patchSize > 0, where, 'patchSize', 'a positive integer', patchSize);
  check(h % patchSize === 0 && w % patchSize === 0, where, 'patchSize', `a divisor of the image height ${h} and width ${w}`, patchSize,
    `choose a patch size that divides the image (for ${h}×${w}: ${divisors(h).filter((d) => w % d === 0 && d > 1).join(', ') || 'none'}), or resize the images`);
}

function divisors(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);
}

/**
 * Cut images [N, H, W, C] into patches [N, L, p·p·C], L = (H/p)(W/p), patches in row-major order over the grid and
 * the pixels of a patch in (row, column, channel) order. Returns a new tensor (caller disposes).
 */
export function patchify(x: tf.Tensor4D, patchSize: number): tf.Tensor3D {
  check(x instanceof tf.Tensor && x.rank === 4, 'patchify', 'x', 'a rank-4 tensor [N, H, W, C] of images', x);
  const [n, h, w, c] = x.shape;
  checkPatchSize('patchify', patchSize, h, w);
  const p = patchSize;
  return tf.tidy(() => {
    const g = tf.reshape(x, [n, h / p, p, w / p, p, c]);
    return tf.reshape(tf.transpose(g, [0, 1, 3, 2, 4, 5]), [n, (h / p) * (w / p), p * p * c]) as tf.Tensor3D;
  });
}

/** The inverse of {@link patchify}: patches [N, L, p·p·C] back to images [N, H, W, C] (caller disposes). */
export function unpatchify(patches: tf.Tensor3D, patchSize: number, imageShape: [number, number, number]): tf.Tensor4D {
  checkShape('unpatchify', 'imageShape', imageShape, 3, '[height, width, channels]');
  const [h, w, c] = imageShape;
  checkPatchSize('unpatchify', patchSize, h, w);
  const p = patchSize;
  const l = (h / p) * (w / p);
  check(patches instanceof tf.Tensor && patches.rank === 3 && patches.shape[1] === l && patches.shape[2] === p * p * c, 'unpatchify', 'patches',
    `a tensor [N, ${l}, ${p * p * c}] (patches of a ${h}×${w}×${c} image with patch size ${p})`, patches);
  const n = patches.shape[0];
  return tf.tidy(() => {
    const g = tf.reshape(patches, [n, h / p, w / p, p, p, c]);
    return tf.reshape(tf.transpose(g, [0, 1, 3, 2, 4, 5]), [n, h, w, c]) as tf.Tensor4D;
  });
}

/**
 * Fixed 2-D sine-cosine positional embedding (Vaswani et al.; MAE's `get_2d_sincos_pos_embed`): half of the D
 * dimensions encode the grid row, half the column; each half is [sin(pos·ω_i), cos(pos·ω_i)] with
 * ω_i = 10000^(−i/(D/4)), i = 0 … D/4 − 1. Returns row-major [gridH·gridW, D]; D must be a multiple of 4.
 */
export function sincosPositionalEmbedding(gridH: number, gridW: number, dim: number): Float32Array {
  check(Number.isInteger(dim) && dim > 0 && dim % 4 === 0, 'sincosPositionalEmbedding', 'dim', 'a positive multiple of 4', dim, "use a multiple of 4, or positionalEmbedding: 'learned'");
  const quarter = dim / 4;
  const out = new Float32Array(gridH * gridW * dim);
  for (let r = 0; r < gridH; r++) for (let c = 0; c < gridW; c++) {
    const o = (r * gridW + c) * dim;
    for (let i = 0; i < quarter; i++) {
      const omega = 1 / Math.pow(10000, i / quarter);
      out[o + i] = Math.sin(r * omega);
      out[o + quarter + i] = Math.cos(r * omega);
      out[o + 2 * quarter + i] = Math.sin(c * omega);
      out[o + 3 * quarter + i] = Math.cos(c * omega);
    }
  }
  return out;
}

export type PositionalEmbedding = 'sincos' | 'learned';

type Initializer = ReturnType<typeof tfl.initializers.ones>;

/** Add the [gridH·gridW, dim] positional embedding weight to `layer`: sin-cos values (fixed) or learned. */
function addPositionWeight(
  addWeight: (name: string, shape: number[], dtype: 'float32', init: Initializer, reg: undefined, trainable: boolean) => tfl.LayerVariable,
  kind: PositionalEmbedding, gridH: number, gridW: number, dim: number, seed: number,
): tfl.LayerVariable {
  if (kind === 'learned') return addWeight('position', [gridH * gridW, dim], 'float32', tfl.initializers.truncatedNormal({ stddev: 0.02, seed: initSeed(seed) }), undefined, true);
  const v = addWeight('position', [gridH * gridW, dim], 'float32', tfl.initializers.zeros(), undefined, false);
  tf.tidy(() => {
    v.write(tf.tensor2d(sincosPositionalEmbedding(gridH, gridW, dim), [gridH * gridW, dim]));
  });
  return v;
}

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0]! : inputs;
}

/** Layer normalisation over the last axis: (x − μ)/√(σ² + ε)·γ + β. */
function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, eps = 1e-6): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
}

/** GELU, tanh approximation: ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))));
}

/** x [N, L, Din] · W [Din, Dout] + b along the last axis. */
function linear(x: tf.Tensor, w: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [n, l, d] = x.shape as [number, number, number];
  return tf.reshape(tf.add(tf.matMul(tf.reshape(x, [n * l, d]), w as tf.Tensor2D), b), [n, l, w.shape[1]!]);
}

export interface PatchEmbeddingArgs {
  patchSize: number;
  dim: number;
  /** 'sincos' (fixed, default) or 'learned'. */
  positionalEmbedding?: PositionalEmbedding;
  seed?: number;
  name?: string;
}

/** Images [N, H, W, C] → tokens [N, L, D]: patchify, a linear map of each patch, plus the positional embedding. */
export class PatchEmbedding extends tfl.layers.Layer {
  static className = 'ReprlabPatchEmbedding';
  readonly patchSize: number;
  readonly dim: number;
  readonly positionalEmbedding: PositionalEmbedding;
  readonly seed: number;
  private kernel!: tfl.LayerVariable;
  private bias!: tfl.LayerVariable;
  private position!: tfl.LayerVariable;

  constructor(args: PatchEmbeddingArgs) {
    super({ name: args.name });
    this.patchSize = args.patchSize;
    this.dim = args.dim;
    this.positionalEmbedding = args.positionalEmbedding ?? 'sincos';
    this.seed = args.seed ?? 0;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const [h, w, c] = [s[1], s[2], s[3]] as number[];
    checkPatchSize('PatchEmbedding', this.patchSize, h!, w!);
    const p = this.patchSize;
    const [gh, gw] = [h! / p, w! / p];
    this.kernel = this.addWeight('kernel', [p * p * c!, this.dim], 'float32', tfl.initializers.glorotUniform({ seed: this.seed }));
    this.bias = this.addWeight('bias', [this.dim], 'float32', tfl.initializers.zeros());
    this.position = addPositionWeight(this.addWeight.bind(this), this.positionalEmbedding, gh, gw, this.dim, this.seed + 1);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor4D;
      return tf.add(linear(patchify(x, this.patchSize), this.kernel.read(), this.bias.read()), this.position.read());
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [s[0]!, ((s[1] as number) / this.patchSize) * ((s[2] as number) / this.patchSize), this.dim];
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), patchSize: this.patchSize, dim: this.dim, positionalEmbedding: this.positionalEmbedding, seed: this.seed };
  }
}

export interface PositionEmbeddingArgs {
  /** Number of tokens L and their grid (gridH · gridW = L) for the sin-cos form. */
  gridH: number;
  gridW: number;
  dim: number;
  positionalEmbedding?: PositionalEmbedding;
  seed?: number;
  name?: string;
}

/** Tokens [N, L, D] + a positional embedding [L, D] (MAE's decoder adds its own). */
export class AddPositionEmbedding extends tfl.layers.Layer {
  static className = 'ReprlabAddPositionEmbedding';
  readonly gridH: number;
  readonly gridW: number;
  readonly dim: number;
  readonly positionalEmbedding: PositionalEmbedding;
  readonly seed: number;
  private position!: tfl.LayerVariable;

  constructor(args: PositionEmbeddingArgs) {
    super({ name: args.name });
    this.gridH = args.gridH;
    this.gridW = args.gridW;
    this.dim = args.dim;
    this.positionalEmbedding = args.positionalEmbedding ?? 'sincos';
    this.seed = args.seed ?? 0;
  }

  override build(): void {
    const { gridH, gridW, dim } = this;
    this.position = addPositionWeight(this.addWeight.bind(this), this.positionalEmbedding, gridH, gridW, dim, this.seed);
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => tf.add(single(inputs), this.position.read()));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), gridH: this.gridH, gridW: this.gridW, dim: this.dim, positionalEmbedding: this.positionalEmbedding, seed: this.seed };
  }
}

export interface TransformerBlockArgs {
  dim: number;
  numHeads: number;
  /** Hidden size of the MLP as a multiple of dim (default 2; ViT uses 4). */
  mlpRatio?: number;
  /** Causal self-attention: token t attends to tokens ≤ t only (GPT-style next-token prediction). Default false. */
  causal?: boolean;
  seed?: number;
  name?: string;
}

/** A pre-norm transformer block on tokens [N, L, D] (any L): x + MHSA(LN(x)), then x + MLP(LN(x)). */
export class TransformerBlock extends tfl.layers.Layer {
  static className = 'ReprlabTransformerBlock';
  readonly dim: number;
  readonly numHeads: number;
  readonly mlpRatio: number;
  readonly causal: boolean;
  readonly seed: number;
  private w: Record<string, tfl.LayerVariable> = {};

  constructor(args: TransformerBlockArgs) {
    super({ name: args.name });
    this.dim = args.dim;
    this.numHeads = args.numHeads;
    this.mlpRatio = args.mlpRatio ?? 2;
    this.causal = args.causal ?? false;
    this.seed = args.seed ?? 0;
    check(Number.isInteger(this.dim) && this.dim > 0, 'TransformerBlock', 'dim', 'a positive integer', this.dim);
    check(Number.isInteger(this.numHeads) && this.numHeads > 0 && this.dim % this.numHeads === 0, 'TransformerBlock', 'numHeads', `a positive divisor of dim = ${this.dim}`, this.numHeads);
    check(typeof this.mlpRatio === 'number' && this.mlpRatio > 0 && Number.isInteger(this.mlpRatio * this.dim), 'TransformerBlock', 'mlpRatio', 'a positive number with mlpRatio·dim an integer', this.mlpRatio);
  }

  override build(): void {
    const d = this.dim, hidden = this.mlpRatio * d;
    const glorot = (k: number) => tfl.initializers.glorotUniform({ seed: this.seed * 16 + k });
    const add = (name: string, shape: number[], init: Initializer) => (this.w[name] = this.addWeight(name, shape, 'float32', init));
    add('ln1_gamma', [d], tfl.initializers.ones());
    add('ln1_beta', [d], tfl.initializers.zeros());
    add('qkv_kernel', [d, 3 * d], glorot(0));
    add('qkv_bias', [3 * d], tfl.initializers.zeros());
    add('proj_kernel', [d, d], glorot(1));
    add('proj_bias', [d], tfl.initializers.zeros());
    add('ln2_gamma', [d], tfl.initializers.ones());
    add('ln2_beta', [d], tfl.initializers.zeros());
    add('fc1_kernel', [d, hidden], glorot(2));
    add('fc1_bias', [hidden], tfl.initializers.zeros());
    add('fc2_kernel', [hidden, d], glorot(3));
    add('fc2_bias', [d], tfl.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const r = (k: string) => this.w[k]!.read();
      const [n, l, d] = x.shape as [number, number, number];
      const h = this.numHeads, dh = d / h;
      // multi-head self-attention
      const qkv = linear(layerNorm(x, r('ln1_gamma'), r('ln1_beta')), r('qkv_kernel'), r('qkv_bias'));
      const heads = tf.transpose(tf.reshape(qkv, [n, l, 3, h, dh]), [2, 0, 3, 1, 4]); // [3, N, H, L, dh]
      const [q, k, v] = tf.split(heads, 3, 0).map((t) => tf.reshape(t, [n * h, l, dh]) as tf.Tensor3D);
      let logits = tf.div(tf.matMul(q!, k!, false, true), Math.sqrt(dh));
      if (this.causal) logits = tf.add(logits, causalMask(l)); // −1e9 above the diagonal: no peeking at later tokens
      const attn = tf.softmax(logits);
      const mixed = tf.reshape(tf.transpose(tf.reshape(tf.matMul(attn, v!), [n, h, l, dh]), [0, 2, 1, 3]), [n, l, d]);
      const y = tf.add(x, linear(mixed, r('proj_kernel'), r('proj_bias')));
      // MLP
      const m = linear(gelu(linear(layerNorm(y, r('ln2_gamma'), r('ln2_beta')), r('fc1_kernel'), r('fc1_bias'))), r('fc2_kernel'), r('fc2_bias'));
      return tf.add(y, m);
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, numHeads: this.numHeads, mlpRatio: this.mlpRatio, causal: this.causal, seed: this.seed };
  }
}

/**
 * Layer normalisation over the last axis with learned γ, β. (tfjs-layers' own LayerNormalization tiles γ and β to
 * the input's shape; the gradient of that tile is a slice-and-add per repeated row, very slow on the cpu backend.)
 */
export class LayerNorm extends tfl.layers.Layer {
  static className = 'ReprlabLayerNorm';
  readonly epsilon: number;
  private gamma!: tfl.LayerVariable;
  private beta!: tfl.LayerVariable;

  constructor(args: { epsilon?: number; name?: string } = {}) {
    super({ name: args.name });
    this.epsilon = args.epsilon ?? 1e-6;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const d = s[s.length - 1];
    check(typeof d === 'number' && d > 0, 'LayerNorm', 'input', 'a known last dimension', s);
    this.gamma = this.addWeight('gamma', [d as number], 'float32', tfl.initializers.ones());
    this.beta = this.addWeight('beta', [d as number], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => layerNorm(single(inputs), this.gamma.read(), this.beta.read(), this.epsilon));
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

/** [L, L] additive attention mask: 0 on and below the diagonal, −1e9 above (caller disposes). */
export function causalMask(l: number): tf.Tensor2D {
  return tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([l, l]), -1, 0)), -1e9) as tf.Tensor2D);
}

/** Inputs [tokens [N, L, D], mask [N, L, 1]] → tokens where mask = 0, a learned mask token where mask = 1 (MAE's decoder input). */
export class MaskTokenFill extends tfl.layers.Layer {
  static className = 'ReprlabMaskTokenFill';
  readonly dim: number;
  readonly seed: number;
  private token!: tfl.LayerVariable;

  constructor(args: { dim: number; seed?: number; name?: string }) {
    super({ name: args.name });
    this.dim = args.dim;
    this.seed = args.seed ?? 0;
  }

  override build(): void {
    this.token = this.addWeight('mask_token', [this.dim], 'float32', tfl.initializers.truncatedNormal({ stddev: 0.02, seed: initSeed(this.seed) }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    check(Array.isArray(inputs) && inputs.length === 2, 'MaskTokenFill', 'inputs', '[tokens [N, L, D], mask [N, L, 1]]', inputs);
    return tf.tidy(() => {
      const [x, m] = inputs as tf.Tensor[];
      return tf.add(tf.mul(x!, tf.sub(1, m!)), tf.mul(m!, this.token.read()));
    });
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (inputShape as Shape[])[0]!;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), dim: this.dim, seed: this.seed };
  }
}

for (const cls of [PatchEmbedding, AddPositionEmbedding, TransformerBlock, MaskTokenFill, LayerNorm]) tf.serialization.registerClass(cls);

export interface VitOptions {
  /** [H, W, C] of the images. */
  inputShape: [number, number, number];
  /** Patch side p (must divide H and W; default 4 → 7×7 = 49 tokens on 28×28). */
  patchSize?: number;
  /** Token width D (default 64). */
  dim?: number;
  /** Transformer blocks (default 4). */
  depth?: number;
  /** Attention heads (default 4; must divide dim). */
  numHeads?: number;
  /** MLP hidden size / D (default 2). */
  mlpRatio?: number;
  positionalEmbedding?: PositionalEmbedding;
  seed?: number;
  name?: string;
}

export interface Vit {
  /** Images → pooled representation [N, D] (mean of the output tokens): what evaluation uses. */
  encoder: tfl.LayersModel;
  /** Images → patch tokens with positions [N, L, D]. */
  tokenizer: tfl.LayersModel;
  /** Tokens [N, any L, D] → transformer blocks → layer norm [N, L, D]. Shares its weights with `encoder`. */
  blocks: tfl.LayersModel;
  /** Number of patches L and the grid. */
  numPatches: number;
  grid: [number, number];
  patchSize: number;
  dim: number;
}

/** Check the common ViT options; returns them resolved. */
export function resolveVitOptions(where: string, o: VitOptions): Required<Omit<VitOptions, 'name'>> & { name: string } {
  checkShape(where, 'inputShape', o.inputShape, 3, '[height, width, channels]');
  const r = { patchSize: 4, dim: 64, depth: 4, numHeads: 4, mlpRatio: 2, positionalEmbedding: 'sincos' as PositionalEmbedding, seed: 0, name: 'vit', ...o };
  checkPatchSize(where, r.patchSize, o.inputShape[0], o.inputShape[1]);
  for (const k of ['dim', 'depth', 'numHeads'] as const) check(Number.isInteger(r[k]) && r[k] > 0, where, k, 'a positive integer', r[k]);
  check(r.dim % r.numHeads === 0, where, 'numHeads', `a divisor of dim = ${r.dim}`, r.numHeads);
  check(r.positionalEmbedding === 'sincos' || r.positionalEmbedding === 'learned', where, 'positionalEmbedding', "'sincos' or 'learned'", r.positionalEmbedding);
  if (r.positionalEmbedding === 'sincos') check(r.dim % 4 === 0, where, 'dim', "a multiple of 4 (for the sin-cos positional embedding)", r.dim, "use a multiple of 4, or positionalEmbedding: 'learned'");
  return r;
}

/** Transformer blocks + final LayerNorm as a model on tokens [N, any L, D]. */
export function transformerStack({ dim, depth, numHeads, mlpRatio = 2, causal = false, seed = 0, name = 'transformer' }: { dim: number; depth: number; numHeads: number; mlpRatio?: number; causal?: boolean; seed?: number; name?: string }): tfl.LayersModel {
  const input = tfl.input({ shape: [null, dim] });
  let h: tfl.SymbolicTensor = input;
  for (let i = 0; i < depth; i++) h = new TransformerBlock({ dim, numHeads, mlpRatio, causal, seed: seed + i, name: `${name}_block${i}` }).apply(h) as tfl.SymbolicTensor;
  h = new LayerNorm({ epsilon: 1e-6, name: `${name}_norm` }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: h, name });
}

/** A tiny ViT: patch embedding + positions → `depth` transformer blocks → LayerNorm → mean over tokens. */
export function vit(options: VitOptions): Vit {
  const o = resolveVitOptions('vit', options);
  const [h, w] = o.inputShape;
  const grid: [number, number] = [h / o.patchSize, w / o.patchSize];
  const image = tfl.input({ shape: o.inputShape });
  const tokensOut = new PatchEmbedding({ patchSize: o.patchSize, dim: o.dim, positionalEmbedding: o.positionalEmbedding, seed: o.seed, name: `${o.name}_patch_embed` }).apply(image) as tfl.SymbolicTensor;
  const tokenizer = tfl.model({ inputs: image, outputs: tokensOut, name: `${o.name}_tokenizer` });
  const blocks = transformerStack({ dim: o.dim, depth: o.depth, numHeads: o.numHeads, mlpRatio: o.mlpRatio, seed: o.seed + 10, name: `${o.name}_blocks` });
  const img2 = tfl.input({ shape: o.inputShape });
  const pooled = tfl.layers.globalAveragePooling1d({ name: `${o.name}_pool` }).apply(blocks.apply(tokenizer.apply(img2))) as tfl.SymbolicTensor;
  const encoder = tfl.model({ inputs: img2, outputs: pooled, name: o.name });
  return { encoder, tokenizer, blocks, numPatches: grid[0] * grid[1], grid, patchSize: o.patchSize, dim: o.dim };
}
