/** The data contract of lib/data (docs/architecture.md): images as typed arrays on the CPU, NHWC in [0, 1]. */

/** A labelled set of images held on the CPU. */
export interface ImageSet {
  name: string;
  images: Float32Array; // N*H*W*C, NHWC, values in [0, 1]
  labels: Int32Array; // N, in [0, numClasses)
  n: number;
  height: number;
  width: number;
  channels: number;
  numClasses: number;
  classNames: string[];
  factors?: Record<string, Float32Array>; // generative factors (synthetic sets), one value per image
}

/**
 * An image set with a per-pixel class mask (segmentation). `labels`/`classNames`/`numClasses` are the
 * image-level labels (the class of the largest object); `masks` holds, for each pixel, 0 for background or
 * 1 + the class of the object covering it, so mask values lie in [0, maskClassNames.length).
 */
export interface SegmentationSet extends ImageSet {
  masks: Int32Array; // N*H*W
  maskClassNames: string[]; // ['background', ...classNames]
}

/** Which half of a dataset: the training or the test images. */
export type Split = 'train' | 'test';
