/**
 * Jigsaw puzzles (Noroozi & Favaro, 2016; deck 001, "Jigsaw puzzles: placing image patches in the right place"):
 * cut each image into a g×g grid of tiles, shuffle them by a permutation π drawn from a fixed set of P
 * permutations, and train a network to tell which permutation was used:
 *
 *   L(θ, φ) = −1/N Σ_n log softmax(c_φ([f_θ(t_{π_n(1)}), …, f_θ(t_{π_n(g²)})]))_{π_n}
 *
 * as the context-free network (CFN) does: every tile goes through the same encoder f (tiles are resized to the
 * encoder's input size, so the encoder keeps working on whole images afterwards), the g² features are
 * concatenated in the shuffled order, and a head c classifies the permutation. The permutation set is chosen
 * greedily for a large minimum Hamming distance (the paper's recipe); each tile is cut with a small random
 * jitter so that edges do not line up exactly (against low-level shortcuts).
 *
 * Paper (Noroozi & Favaro 2016, arXiv:1603.09246): a context-free network: 3×3 tiles through shared-weight
 * AlexNet-like columns, concatenated, classified into one of 1000 permutations chosen for a large Hamming distance.
 * The defaults here are the small-scale version of that recipe (see the options below), sized for 28×28–32×32
 * images on a CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { cropBoxes } from '../augment/crop.js';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { pretextClassifier } from './pretext-heads.js';
import { type Augment, type MethodOptions, resolveEncoder, resolveOptimizer } from './common.js';
import { makeMethod, type Method, viewSeed } from '../train/method.js';
import { checkInt } from '../util/checks.js';
import { featureDim } from '../models/encoders.js';

/**
 * `count` permutations of `tiles` positions with a large minimum pairwise Hamming distance: greedy max-min
 * selection from the full set (tiles ≤ 6) or from 4000 random candidates (seeded). The identity comes first.
 */
export function jigsawPermutations(tiles: number, count: number, seed = 0): number[][] {
  checkInt('jigsawPermutations', 'tiles', tiles, 2);
  let factorial = 1;
  for (let i = 2; i <= tiles; i++) factorial *= i;
  check(Number.isInteger(count) && count >= 2 && count <= factorial, 'jigsawPermutations', 'count', `an integer in [2, ${tiles}! = ${factorial}]`, count);
  const rng = new Rng(seed);
  let candidates: number[][];
  if (tiles <= 6) {
    candidates = [];
    const rec = (prefix: number[], rest: number[]) => {
      if (!rest.length) candidates.push(prefix);
      rest.forEach((v, i) => rec([...prefix, v], [...rest.slice(0, i), ...rest.slice(i + 1)]));
    };
    rec([], Array.from({ length: tiles }, (_, i) => i));
  } else {
    const seen = new Set<string>();
    candidates = [];
    while (candidates.length < Math.min(4000, factorial)) {
      const p = Array.from(rng.permutation(tiles));
      const key = p.join(',');
      if (!seen.has(key)) (seen.add(key), candidates.push(p));
    }
  }
  const identity = Array.from({ length: tiles }, (_, i) => i);
  const chosen = [identity];
  const hamming = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v === b[i] ? 0 : 1), 0);
  const minDist = candidates.map((p) => hamming(p, identity));
  while (chosen.length < count) {
    let best = -1, bestD = -1;
    // ties broken at random (seeded) so the set is not biased to the enumeration order
    const offset = rng.int(candidates.length);
    for (let j = 0; j < candidates.length; j++) {
      const k = (j + offset) % candidates.length;
      if (minDist[k]! > bestD) (bestD = minDist[k]!, best = k);
    }
    const p = candidates[best]!;
    chosen.push(p);
    candidates.forEach((q, k) => (minDist[k] = Math.min(minDist[k]!, hamming(p, q))));
  }
  return chosen;
}

export interface JigsawOptions extends MethodOptions {
  /** Tiles per side g (default 2: 4 tiles; 3 is the paper's 3×3). */
  grid?: number;
  /** Number of permutations P (default 24 for 2×2 — all of them — and 64 for 3×3). */
  permutations?: number;
  /** Random shift of each tile as a fraction of the tile side (default 0.1). */
  jitter?: number;
  head?: 'mlp' | 'linear';
}

export type JigsawResolved = { batchSize: number; seed: number; grid: number; permutations: number; jitter: number; head: 'mlp' | 'linear'; inputShape: [number, number, number] };

export interface Jigsaw extends Method<JigsawResolved> {
  head: tfl.LayersModel;
  /** The fixed permutation set (π[j] = which tile sits at position j). */
  permutationSet: number[][];
  /**
   * Shuffled puzzles for a batch: tiles [N·g², H, W, C] (each resized to the input size, position-major per
   * image), labels [N] (permutation index), and the puzzles reassembled as images [N, H, W, C] for display.
   */
  puzzles(x: tf.Tensor4D, i?: number): { tiles: tf.Tensor4D; labels: tf.Tensor1D; shuffled: tf.Tensor4D };
  /** Permutation accuracy on a batch (async). */
  accuracy(x: tf.Tensor4D, i?: number): Promise<number>;
}

export function jigsaw(options: JigsawOptions): Jigsaw {
  const where = 'jigsaw';
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, ... }', options);
  const { batchSize = 64, seed = 0, grid = 2, jitter = 0.1, head: kind = 'mlp' } = options;
  checkInt(where, 'batchSize', batchSize);
  checkInt(where, 'grid', grid, 2);
  check(grid <= 4, where, 'grid', 'an integer in [2, 4]', grid);
  const tiles = grid * grid;
  const permutations = options.permutations ?? (grid === 2 ? 24 : 64);
  check(typeof jitter === 'number' && jitter >= 0 && jitter < 0.5, where, 'jitter', 'a fraction in [0, 0.5)', jitter);
  check(kind === 'mlp' || kind === 'linear', where, 'head', "'mlp' or 'linear'", kind);
  const permutationSet = jigsawPermutations(tiles, permutations, seed);
  const { encoder, inputShape } = resolveEncoder(where, options);
  const [h, w] = inputShape;
  check(h >= 2 * grid && w >= 2 * grid, where, 'grid', `small enough for ${h}×${w} images (tiles of at least 2 pixels)`, grid);
  const augment: Augment | undefined = options.augment;
  const k = featureDim(encoder);
  const head = pretextClassifier(k * tiles, permutations, kind, seed, 'jigsaw_head');

  const puzzles = (x0: tf.Tensor4D, i = 0) => {
    const n = x0.shape[0];
    const rng = new Rng(viewSeed(seed, i, 2));
    const labels = Int32Array.from({ length: n }, () => rng.int(permutations));
    const boxes = new Float32Array(n * tiles * 4);
    const ind = new Int32Array(n * tiles);
    const side = 1 / grid, inner = side * (1 - jitter);
    for (let img = 0; img < n; img++) {
      const perm = permutationSet[labels[img]!]!;
      for (let pos = 0; pos < tiles; pos++) {
        const t = perm[pos]!;
        const y = Math.floor(t / grid) * side + rng.range(0, side - inner), xx = (t % grid) * side + rng.range(0, side - inner);
        boxes.set([y, xx, y + inner, xx + inner], (img * tiles + pos) * 4);
        ind[img * tiles + pos] = img;
      }
    }
    return tf.tidy(() => {
      const x = augment ? augment(x0, viewSeed(seed, i)) : x0;
      const tilesT = tf.image.cropAndResize(x, tf.tensor2d(boxes, [n * tiles, 4]), tf.tensor1d(ind, 'int32'), [h, w], 'bilinear') as tf.Tensor4D;
      // reassemble for display: each position's tile at 1/grid of the size
      const small = tf.image.resizeBilinear(tilesT, [Math.floor(h / grid), Math.floor(w / grid)]);
      const [sh, sw] = [small.shape[1], small.shape[2]];
      const c = x.shape[3];
      const rows = tf.reshape(small, [n, grid, grid, sh, sw, c]);
      const shuffled = tf.reshape(tf.transpose(rows, [0, 1, 3, 2, 4, 5]), [n, grid * sh, grid * sw, c]) as tf.Tensor4D;
      return { tiles: tilesT, labels: tf.tensor1d(labels, 'int32'), shuffled };
    });
  };
  const logits = (t: tf.Tensor4D, n: number, training: boolean) => {
    const f = encoder.apply(t, { training }) as tf.Tensor2D;
    return head.apply(tf.reshape(f, [n, tiles * k]), { training }) as tf.Tensor2D;
  };
  const method = makeMethod<JigsawResolved, { tiles: tf.Tensor4D; labels: tf.Tensor1D }>({
    name: where,
    encoder,
    models: { encoder, head },
    optimizer: resolveOptimizer(options),
    options: { batchSize, seed, grid, permutations, jitter, head: kind, inputShape },
    trainable: [encoder, head],
    prepare: (x, i) => {
      const p = puzzles(x, i);
      p.shuffled.dispose();
      return { tiles: p.tiles, labels: p.labels };
    },
    loss: (x, _i, _y, p) => tf.losses.softmaxCrossEntropy(tf.oneHot(p.labels, permutations), logits(p.tiles, x.shape[0], true)) as tf.Scalar,
  });
  return Object.assign(method, {
    head,
    permutationSet,
    puzzles,
    accuracy: async (x: tf.Tensor4D, i = 0) => {
      const p = puzzles(x, i);
      const acc = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(logits(p.tiles, x.shape[0], false), 1), p.labels), 'float32')));
      const v = (await acc.data())[0]!;
      tf.dispose([p.tiles, p.labels, p.shuffled, acc]);
      return v;
    },
  });
}
