import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { supervised } from '../../lib/methods/supervised.js';
import { toTensor } from '../../lib/data/tensor.js';
import { useBackend } from '../helpers.js';
import { tinyShapes } from './fixtures.js';

beforeAll(() => useBackend('cpu'));
const rgb = { inputShape: [8, 8, 3] as [number, number, number], widths: [4, 8], batchSize: 8 };

describe('supervised: labels >= numClasses are an error where they enter', () => {
  it('train (fit) checks the whole training set once, before the first step', async () => {
    const data = tinyShapes(32);
    const at = data.labels.findIndex((y) => y >= 2);
    expect(at).toBeGreaterThanOrEqual(0);
    const m = supervised({ ...rgb, numClasses: 2 });
    let steps = 0;
    const step = m.step;
    m.step = (x, i, y) => (steps++, step(x, i, y));
    await expect(m.train(data, { steps: 3, progress: false })).rejects.toThrow(
      `fit: argument 'data.labels' must be integers in [0, numClasses=2) (got "${data.labels[at]} at index ${at} of the training set"). ` +
        'Fix: relabel the classes to 0..C-1 (filterClasses does) or raise numClasses',
    );
    expect(steps).toBe(0);
    m.dispose();
  });

  it('a direct step with a label tensor out of range', () => {
    const data = tinyShapes(8);
    const m = supervised({ ...rgb, numClasses: 2 });
    const { x } = toTensor(data, [0, 1]);
    const y = tf.tensor1d([1, 5], 'int32');
    expect(() => m.step(x, 0, y)).toThrow("supervised: argument 'y' must be integers in [0, numClasses=2) (got \"5 at index 1\").");
    tf.dispose([x, y]);
    m.dispose();
  });
});
