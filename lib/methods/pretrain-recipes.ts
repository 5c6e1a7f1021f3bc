/**
 * The course's named pre-training runs, shared by the notebooks and `npm run pretrain` (scripts/pretrain.mjs):
 * a notebook cell and the command build the same recipe for a mode and seed, so the command fills the encoder
 * cache (lib/train/encoder-cache.ts) that the notebooks then load.
 *
 * The laptop size is the SSL-parity protocol (docs/results.md, "SSL parity"): Fashion-MNIST at full resolution
 * (28×28), all 60,000 training images, smallCnn 32-64-128 + BatchNorm, projection head 128-128-64 (PyTorch's
 * initialisation, `init: 'torch'`), Adam 1e-3,
 * batch 256, two views of {@link greyscaleViews} (random resized crop of scale 0.35–1, flip, brightness/contrast
 * 0.4). At that size PyTorch on one CPU thread shows "SimCLR > random init > raw pixels" after 100 steps.
 */
import { compose } from '../augment/compose.js';
import { colorJitter } from '../augment/color.js';
import { randomResizedCrop } from '../augment/crop.js';
import { randomFlip } from '../augment/flip.js';
import type { Transform } from '../augment/transform.js';
import { loadFashionMnist } from '../data/fashion-mnist.js';
import { resizeImages } from '../augment/resize.js';
import type { ImageSet } from '../data/types.js';
import type { RunMode } from '../notebook/mode.js';
import type { PretrainRecipe } from '../train/encoder-cache.js';
import { check } from '../util/errors.js';
import { moco } from './moco.js';
import { simclr } from './simclr.js';

/** The augmentation of the SSL-parity protocol for greyscale images: crop (scale 0.35–1) → flip → brightness/contrast. */
export const GREYSCALE_VIEWS = { scale: [0.35, 1] as [number, number], brightness: 0.4, contrast: 0.4 };

/** Two views for greyscale images (Fashion-MNIST): {@link GREYSCALE_VIEWS}, seeded. */
export function greyscaleViews(seed = 0): Transform {
  const { scale, brightness, contrast } = GREYSCALE_VIEWS;
  return compose([randomResizedCrop({ scale }), randomFlip(), colorJitter({ brightness, contrast, saturation: 0, hue: 0 })], { seed, name: 'greyscaleViews' });
}

/** Sizes of the pre-training runs per mode. */
export interface PretrainSize {
  /** Image side (28: full resolution; smoke trains on 14×14). */
  size: number;
  /** Training images (the first n of Fashion-MNIST's training split). */
  n: number;
  batch: number;
  /** SimCLR / MoCo steps. */
  steps: number;
  widths: number[];
  queue: number;
}

export const PRETRAIN_SIZES: Readonly<Record<RunMode, PretrainSize>> = {
  smoke: { size: 14, n: 512, batch: 32, steps: 20, widths: [8, 16], queue: 128 },
  laptop: { size: 28, n: 60000, batch: 256, steps: 300, widths: [32, 64, 128], queue: 4096 },
  full: { size: 28, n: 60000, batch: 256, steps: 3000, widths: [32, 64, 128], queue: 4096 },
};

/** The names `npm run pretrain` knows. */
export const PRETRAIN_NAMES = ['simclr', 'moco'] as const;
export type PretrainName = (typeof PRETRAIN_NAMES)[number];
/** The recipes the notebooks load today (notebook 06: simclr): what `npm run pretrain` makes when no name is given. */
export const PRETRAIN_USED: readonly PretrainName[] = ['simclr'];

/** The training images of a mode's pre-training runs (labels unused): Fashion-MNIST, resized in smoke mode. */
export async function pretrainData(mode: RunMode): Promise<ImageSet> {
  const s = PRETRAIN_SIZES[mode];
  check(s !== undefined, 'pretrainData', 'mode', "'smoke', 'laptop' or 'full'", mode);
  const set = await loadFashionMnist({ split: 'train', limit: s.n });
  return s.size === set.height ? set : resizeImages(set, [s.size, s.size]);
}

/**
 * The recipe of pre-training run `name` in `mode` with `seed` (the notebooks' run seed): pass it to `pretrained`.
 * `data` is {@link pretrainData}(mode) (loaded once by the caller and shared by several recipes).
 */
export function pretrainRecipe(name: PretrainName, o: { mode: RunMode; seed: number; data: ImageSet }): PretrainRecipe {
  const where = 'pretrainRecipe';
  check((PRETRAIN_NAMES as readonly string[]).includes(name), where, 'name', `one of ${PRETRAIN_NAMES.join(', ')}`, name);
  const s = PRETRAIN_SIZES[o.mode];
  check(s !== undefined, where, 'mode', "'smoke', 'laptop' or 'full'", o.mode);
  check(o.data.height === s.size && o.data.width === s.size, where, 'data', `${s.size}×${s.size} images (pretrainData('${o.mode}'))`, `${o.data.height}×${o.data.width}`);
  const inputShape: [number, number, number] = [s.size, s.size, 1];
  // init 'torch': PyTorch's initialisation, with which SimCLR learns per step as PyTorch does (lib/models/layers.ts)
  const common = { inputShape, widths: s.widths, batchSize: s.batch, learningRate: 1e-3, seed: o.seed, augment: greyscaleViews(o.seed), init: 'torch' as const };
  const describe = { data: { name: o.data.name, n: o.data.n, size: s.size }, augment: { greyscaleViews: GREYSCALE_VIEWS } };
  const build = name === 'simclr'
    ? () => simclr({ ...common, temperature: 0.5, projectionDim: 64, hiddenDim: 128 })
    : () => moco({ ...common, temperature: 0.2, momentum: 0.99, queueSize: s.queue, projectionDim: 64, hiddenDim: 128 });
  return { name: `${name}-${o.mode}`, build, data: o.data, describe, steps: s.steps, batchSize: s.batch, seed: o.seed };
}
