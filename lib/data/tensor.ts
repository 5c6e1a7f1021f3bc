/** From CPU typed arrays to tensors, one batch at a time (the caller disposes what these return). */
import * as tf from '@tensorflow/tfjs-core';
import { checkImageSet, checkIndices } from './imageset.js';
import { gatherRows } from './rows.js';
import type { ImageSet, SegmentationSet } from './types.js';
import { check } from '../util/errors.js';

/**
 * The images (all, or those at `indices`) as x: float32 [k, H, W, C] and their labels as y: int32 [k].
 * Returns new tensors: the caller owns and disposes them (`tf.dispose([x, y])`).
 */
export function toTensor(set: ImageSet, indices?: ArrayLike<number>): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const where = 'toTensor';
  checkImageSet(set, where);
  const { height: h, width: w, channels: c } = set;
  const d = h * w * c;
  if (indices === undefined) {
    return {
      x: tf.tensor4d(set.images.slice(), [set.n, h, w, c], 'float32'),
      y: tf.tensor1d(set.labels.slice(), 'int32'),
    };
  }
  checkIndices(indices, set.n, where);
  return {
    x: tf.tensor4d(gatherRows(set.images, d, indices), [indices.length, h, w, c], 'float32'),
    y: tf.tensor1d(gatherRows(set.labels, 1, indices), 'int32'),
  };
}

/** The masks of a SegmentationSet (all, or at `indices`) as int32 [k, H, W]. The caller disposes it. */
export function masksToTensor(set: SegmentationSet, indices?: ArrayLike<number>): tf.Tensor3D {
  const where = 'masksToTensor';
  checkImageSet(set, where);
  const p = set.height * set.width;
  check(set.masks instanceof Int32Array && set.masks.length === set.n * p, where, 'set.masks', `an Int32Array of length n*H*W = ${set.n * p}`, set.masks);
  if (indices === undefined) return tf.tensor3d(set.masks.slice(), [set.n, set.height, set.width], 'int32');
  checkIndices(indices, set.n, where);
  return tf.tensor3d(gatherRows(set.masks, p, indices), [indices.length, set.height, set.width], 'int32');
}
