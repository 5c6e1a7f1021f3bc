// Making a method and disposing it leaves no tensor behind: the state variables (MoCo's queue, DINO's centre,
// metric-loss centres) take over the tensor they are made from (lib/ops/state.ts).
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { dino } from '../../lib/methods/dino.js';
import { moco } from '../../lib/methods/moco.js';
import { makeCenters } from '../../lib/losses/metric/center.js';
import { stateVariable } from '../../lib/ops/state.js';
import { useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

const leftAfter = (make: () => { dispose(): void }): number => {
  const before = tf.memory().numTensors;
  make().dispose();
  return tf.memory().numTensors - before;
};

describe('create + dispose leaks nothing', () => {
  it('moco (queue) and dino (centre)', () => {
    expect(leftAfter(() => moco({ inputShape: [8, 8, 1], queueSize: 64, batchSize: 8 }))).toBe(0);
    expect(leftAfter(() => dino({ inputShape: [8, 8, 1] }))).toBe(0);
  });
  it('makeCenters and stateVariable', () => {
    expect(leftAfter(() => makeCenters({ numClasses: 3, dim: 4, init: 'normal' }))).toBe(0);
    const v = stateVariable(() => tf.fill([2, 2], 3));
    expect(v.trainable).toBe(false);
    expect(Array.from(v.dataSync())).toEqual([3, 3, 3, 3]);
    expect(leftAfter(() => v)).toBe(-1);
  });
});
