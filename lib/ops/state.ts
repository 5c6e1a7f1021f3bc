/**
 * A non-trainable tf.Variable made from a freshly computed tensor, which it takes over: `tf.variable(t)` keeps `t`
 * alive beside the variable, so code that builds state as `tf.variable(tf.zeros(...))` leaks one tensor per
 * variable after `dispose()`. Used for method state (MoCo's queue, DINO's centre) and metric-loss centres.
 */
import * as tf from '@tensorflow/tfjs-core';

export function stateVariable(make: () => tf.Tensor, name?: string): tf.Variable {
  const value = tf.tidy(make);
  const v = tf.variable(value, false, name);
  value.dispose();
  return v;
}
