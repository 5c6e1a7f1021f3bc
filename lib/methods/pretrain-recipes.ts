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
import type { Method } from '../train/method.js';
import { barlowTwins } from './barlow-twins.js';
import { byol } from './byol.js';
import type { MethodOptions } from './common.js';
import { dino } from './dino.js';
import { moco } from './moco.js';
import { simclr } from './simclr.js';
import { simsiam } from './simsiam.js';
import { swav } from './swav.js';
import { vicreg } from './vicreg.js';

/** The augmentation of the SSL-parity protocol for greyscale images: crop (scale 0.35–1) → flip → brightness/contrast. */
export const GREYSCALE_VIEWS = { scale: [0.35, 1] as [number, number], brightness: 0.4, contrast: 0.4 };

/**
 * Two views for greyscale images (Fashion-MNIST): {@link GREYSCALE_VIEWS}, seeded. `crop` changes the crop's scale
 * range and output size (DINO's local crops: a small part, at half size).
 */
export function greyscaleViews(seed = 0, crop: { scale?: [number, number]; size?: [number, number] } = {}): Transform {
  const { brightness, contrast } = GREYSCALE_VIEWS;
  const scale = crop.scale ?? GREYSCALE_VIEWS.scale;
  return compose([randomResizedCrop({ scale, size: crop.size }), randomFlip(), colorJitter({ brightness, contrast, saturation: 0, hue: 0 })], { seed, name: 'greyscaleViews' });
}

/** Sizes of the pre-training runs per mode. */
export interface PretrainSize {
  /** Image side (28: full resolution; smoke trains on 14×14). */
  size: number;
  /** Training images (the first n of Fashion-MNIST's training split). */
  n: number;
  batch: number;
  /** Steps of SimCLR's run in notebook 06 (the suite has its own, `suite`). */
  steps: number;
  widths: number[];
  queue: number;
  /**
   * The budget of notebook 07's comparison ({@link SUITE_NAMES}: the six non-contrastive methods with SimCLR and MoCo
   * beside them, each trained for the same steps of the same batch size): smaller than SimCLR's own run in 06, since
   * eight methods share it.
   */
  suite: { batch: number; steps: number };
}

export const PRETRAIN_SIZES: Readonly<Record<RunMode, PretrainSize>> = {
  smoke: { size: 14, n: 512, batch: 32, steps: 20, widths: [8, 16], queue: 128, suite: { batch: 32, steps: 10 } },
  laptop: { size: 28, n: 60000, batch: 256, steps: 300, widths: [32, 64, 128], queue: 4096, suite: { batch: 128, steps: 200 } },
  full: { size: 28, n: 60000, batch: 256, steps: 3000, widths: [32, 64, 128], queue: 4096, suite: { batch: 256, steps: 1000 } },
};

/**
 * The comparison at equal budget (`PretrainSize.suite`) of notebook 07: the six non-contrastive methods, and the two
 * contrastive ones beside them ('simclr-suite': SimCLR's recipe at the suite's budget; MoCo, which notebook 06
 * also loads).
 */
export const SUITE_NAMES = ['byol', 'simsiam', 'barlow-twins', 'vicreg', 'dino', 'swav', 'simclr-suite', 'moco'] as const;
/** The names `npm run pretrain` knows: SimCLR's own run of notebook 06 and the suite. */
export const PRETRAIN_NAMES = ['simclr', ...SUITE_NAMES] as const;
export type PretrainName = (typeof PRETRAIN_NAMES)[number];
/** The recipes the notebooks load (06: simclr, moco; 07: the suite): what `npm run pretrain` makes when no name is given. */
export const PRETRAIN_USED: readonly PretrainName[] = PRETRAIN_NAMES;

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
  const inSuite = (SUITE_NAMES as readonly string[]).includes(name);
  const { batch, steps } = inSuite ? s.suite : s;
  // init 'torch': PyTorch's initialisation, with which SimCLR learns per step as PyTorch does (lib/models/layers.ts)
  const common = { inputShape, widths: s.widths, batchSize: batch, learningRate: 1e-3, seed: o.seed, augment: greyscaleViews(o.seed), init: 'torch' as const };
  const describe = { data: { name: o.data.name, n: o.data.n, size: s.size }, augment: { greyscaleViews: GREYSCALE_VIEWS, ...(name === 'dino' ? { local: DINO_LOCAL_CROP } : {}) } };
  const build = () => buildPretrainMethod(name, common, s);
  return { name: `${name}-${o.mode}`, build, data: o.data, describe, steps, batchSize: batch, seed: o.seed };
}

/** DINO's local crops in the suite: 5–35 % of the image, at half the side. */
const DINO_LOCAL_CROP = { scale: [0.05, 0.35] as [number, number], side: 0.5 };

type Common = Required<Pick<MethodOptions, 'inputShape' | 'widths' | 'batchSize' | 'learningRate' | 'seed' | 'augment' | 'init'>>;

/**
 * Each name's method and settings. Heads are small (the encoder's features are 128-d): projector 128-128-64, as
 * SimCLR's; Barlow Twins and VICReg project to 128 (their losses act per dimension; Barlow Twins' redundancy weight
 * λ = 1/128, i.e. 1/D, as notebook 07's quick comparison uses 1/32 at 32 dimensions); BYOL's and DINO's EMA momentum 0.99 → 1 (cosine,
 * the short-run choice); DINO: 2 global crops (35–100 %) + 2 local crops (5–35 %, 14×14); SwAV: 64 prototypes.
 */
function buildPretrainMethod(name: PretrainName, common: Common, s: PretrainSize): Method<unknown> {
  const head = { projectionDim: 64, hiddenDim: 128 };
  switch (name) {
    case 'simclr':
    case 'simclr-suite':
      return simclr({ ...common, temperature: 0.5, ...head });
    case 'moco':
      return moco({ ...common, temperature: 0.2, momentum: 0.99, queueSize: s.queue, ...head });
    case 'byol':
      return byol({ ...common, ...head, predictorHiddenDim: 128, momentum: 0.99 });
    case 'simsiam':
      return simsiam({ ...common, ...head });
    case 'barlow-twins':
      return barlowTwins({ ...common, projectionDim: 128, hiddenDim: 128, lambda: 1 / 128 });
    case 'vicreg':
      return vicreg({ ...common, projectionDim: 128, hiddenDim: 128 });
    case 'dino': {
      const side = Math.round(s.size * DINO_LOCAL_CROP.side);
      const local: [number, number] = [side, side];
      const { augment: _views, ...rest } = common;
      return dino({ ...rest, outputDim: 256, hiddenDim: 128, bottleneckDim: 64, momentum: 0.99, localCrops: 2, localSize: local,
        globalAugment: greyscaleViews(common.seed), localAugment: greyscaleViews(common.seed + 1, { scale: DINO_LOCAL_CROP.scale, size: local }) });
    }
    case 'swav':
      return swav({ ...common, ...head, prototypes: 64 });
  }
}
