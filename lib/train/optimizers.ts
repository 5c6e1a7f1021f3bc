/** Optimizer factory with the course's defaults (Adam 1e-3). */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';

export type OptimizerName = 'adam' | 'sgd' | 'momentum';

export interface OptimizerOptions {
  name?: OptimizerName;
  learningRate?: number;
  /** SGD momentum (name 'momentum'), default 0.9. */
  momentum?: number;
}

export function makeOptimizer({ name = 'adam', learningRate = 1e-3, momentum = 0.9 }: OptimizerOptions = {}): tf.Optimizer {
  check(typeof learningRate === 'number' && learningRate > 0 && Number.isFinite(learningRate), 'makeOptimizer', 'learningRate', 'a positive number', learningRate);
  switch (name) {
    case 'adam':
      return tf.train.adam(learningRate);
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, momentum);
    default:
      check(false, 'makeOptimizer', 'name', "one of 'adam', 'sgd', 'momentum'", name);
  }
}
