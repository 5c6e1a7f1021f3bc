/** Gradient control. */
import * as tf from '@tensorflow/tfjs-core';

const stopGradientOp = tf.customGrad(((x: tf.Tensor) => ({
  value: tf.clone(x),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
})) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * sg(x): the identity forward, zero gradient backward — the "stop-gradient" of SimSiam and of the target branch
 * in BYOL/MoCo (deck 003, the ME/SG/PR/BN ablation table).
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return stopGradientOp(x) as T;
}
