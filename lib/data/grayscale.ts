/**
 * Greyscale copy of an image set (one channel), for transfer between datasets of different channel counts
 * (notebook 05: an encoder pre-trained on greyscale Fashion-MNIST, transferred to the coloured synthetic shapes).
 * Luma of ITU-R BT.601, the weights of tfjs/PIL/OpenCV's RGB → grey conversion:
 *
 *   Y = 0.299·R + 0.587·G + 0.114·B
 *
 * A one-channel set is copied unchanged. Labels, class names and factors are kept.
 */
import { check } from '../util/errors.js';
import { checkImageSet } from './imageset.js';
import type { ImageSet } from './types.js';

/** BT.601 luma weights of R, G and B. */
export const LUMA_WEIGHTS: readonly [number, number, number] = [0.299, 0.587, 0.114];

export function toGrayscale<T extends ImageSet>(set: T): T {
  const where = 'toGrayscale';
  checkImageSet(set, where);
  const pixels = set.n * set.height * set.width;
  check(set.channels === 1 || set.channels === 3, where, 'set.channels', '1 or 3 (grey or RGB)', set.channels, 'pass a greyscale or RGB image set');
  const images = new Float32Array(pixels);
  if (set.channels === 1) images.set(set.images);
  else {
    const [r, g, b] = LUMA_WEIGHTS;
    for (let p = 0; p < pixels; p++) images[p] = r * set.images[3 * p]! + g * set.images[3 * p + 1]! + b * set.images[3 * p + 2]!;
  }
  const factors = set.factors ? Object.fromEntries(Object.entries(set.factors).map(([k, v]) => [k, v.slice()])) : undefined;
  return { ...set, images, labels: set.labels.slice(), channels: 1, classNames: [...set.classNames], ...(factors ? { factors } : {}) };
}
