import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { arcFaceLoss, batchPairLoss, centerLoss, cosFaceLoss, makeCenters, onlineTripletLoss } from '../../../lib/losses/metric/index.js';
import { metricLearner } from '../../../lib/methods/metric-learning.js';
import { checkLabelValues, hostLabels, readLabels } from '../../../lib/util/labels.js';
import { useBackend } from '../../helpers.js';

beforeAll(() => useBackend('cpu'));

const oneClass = "onlineTripletLoss: argument 'labels' must be a batch with at least two classes (negatives) (got \"a batch of 4 examples of one class\"). " +
  'Fix: sample K >= 2 classes per batch, e.g. classBalancedBatches(labels, { classesPerBatch: 8, perClass: 4 })';

describe('labels given as tensors are checked like JS labels (values in host memory: no GPU read)', () => {
  it('onlineTripletLoss with one class is an error, not 0', () => {
    const e = tf.randomNormal([4, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const y = tf.tensor1d([2, 2, 2, 2], 'int32');
    expect(() => onlineTripletLoss(e, y)).toThrow(oneClass);
    expect(() => onlineTripletLoss(e, [2, 2, 2, 2])).toThrow(oneClass); // the same as a JS array
    const distinct = tf.tensor1d([0, 1, 2, 3], 'int32');
    expect(() => batchPairLoss(e, distinct)).toThrow(
      "batchPairLoss: argument 'labels' must be a batch where some class has at least two examples (positives) (got \"4 examples of 4 distinct classes\"). Fix: sample M >= 2 examples per class",
    );
    tf.dispose([e, y, distinct]);
  });

  it('arcFaceLoss with label 7 for 2 classes is an error, not 0; cosFace and the center loss too', () => {
    const cos = tf.tensor2d([[0.5, 0.1], [0.2, 0.9]]);
    const y = tf.tensor1d([0, 7], 'int32');
    const msg = (where: string) => `${where}: argument 'labels' must be integers in [0, numClasses=2) (got "7 at index 1"). Fix: relabel the classes to 0..C-1 (filterClasses does) or raise numClasses`;
    expect(() => arcFaceLoss(cos, y)).toThrow(msg('arcFaceLoss'));
    expect(() => cosFaceLoss(cos, y)).toThrow(msg('cosFaceLoss'));
    const centers = makeCenters({ numClasses: 2, dim: 2 });
    expect(() => centerLoss(cos, y, centers)).toThrow(msg('centerLoss'));
    const negative = tf.tensor1d([-1, 0], 'int32');
    expect(() => arcFaceLoss(cos, negative)).toThrow("arcFaceLoss: argument 'labels' must be integers in [0, numClasses=2) (got \"-1 at index 0\")");
    const float = tf.tensor1d([0, 1], 'float32');
    expect(() => arcFaceLoss(cos, float as tf.Tensor1D)).toThrow("arcFaceLoss: argument 'labels' must be an int32 tensor (got a float32 tensor of shape [2]). Fix: cast with tf.cast(labels, 'int32') or pass an Int32Array");
    tf.dispose([cos, y, negative, float, centers]);
  });

  it('valid tensor labels still give the same loss as JS labels', async () => {
    const cos = tf.tensor2d([[0.5, 0.1], [0.2, 0.9], [0.3, -0.2]]);
    const a = arcFaceLoss(cos, tf.tensor1d([0, 1, 0], 'int32'));
    const b = arcFaceLoss(cos, [0, 1, 0]);
    expect((await a.data())[0]).toBeCloseTo((await b.data())[0]!, 6);
    tf.dispose([cos, a, b]);
  });

  it('hostLabels reads the cpu backend without a copy; readLabels checks and returns an Int32Array', async () => {
    const y = tf.tensor1d([1, 0, 1], 'int32');
    expect(Array.from(hostLabels(y)!)).toEqual([1, 0, 1]);
    expect([...(await readLabels('f', 'y', y, { numClasses: 2, pairs: true }, 3))]).toEqual([1, 0, 1]);
    await expect(readLabels('f', 'y', y, {}, 4)).rejects.toThrow("f: argument 'y' must be a tensor [4] (one label per row) (got a int32 tensor of shape [3]).");
    await expect(readLabels('f', 'y', [0, 1.5], {})).rejects.toThrow("f: argument 'y' must be non-negative integers (got \"1.5 at index 1\").");
    expect(() => checkLabelValues('fit', 'data.labels', new Int32Array([0, 3]), { numClasses: 3 }, 'the training set')).toThrow(
      "fit: argument 'data.labels' must be integers in [0, numClasses=3) (got \"3 at index 1 of the training set\").",
    );
    y.dispose();
  });
});

describe('metricLearner checks labels where they enter', () => {
  const images = new Float32Array(8 * 4).map((_, i) => (i % 7) / 7);
  it('train: labels >= numClasses in the training set, before any step', async () => {
    const learner = metricLearner({ loss: 'arcface', inputShape: [2, 2, 1], backbone: 'mlp', widths: [4], embeddingDim: 3, numClasses: 2 });
    const data = { images, labels: new Int32Array([0, 1, 0, 1, 7, 1, 0, 1]), n: 8, height: 2, width: 2, channels: 1 };
    await expect(learner.train(data, { steps: 2, progress: false, classesPerBatch: 2, perClass: 2 })).rejects.toThrow(
      "metricLearner.train: argument 'data.labels' must be integers in [0, numClasses=2) (got \"7 at index 4 of the training set\"). Fix: relabel the classes to 0..C-1 (filterClasses does) or raise numClasses",
    );
    learner.dispose();
  });

  it('step: a tensor batch of one class for the triplet loss', async () => {
    const learner = metricLearner({ loss: 'triplet', inputShape: [2, 2, 1], backbone: 'mlp', widths: [4], embeddingDim: 3 });
    const x = tf.tensor4d(images.slice(0, 16), [4, 2, 2, 1]);
    const y = tf.tensor1d([1, 1, 1, 1], 'int32');
    await expect(learner.step(x, 0, y)).rejects.toThrow(
      "metricLearner.step: argument 'y' must be a batch with at least two classes (negatives) (got \"a batch of 4 examples of one class\").",
    );
    tf.dispose([x, y]);
    learner.dispose();
  });
});

// wasm (the CPU engine: laptop mode) keeps tensors in its heap, which is host memory: reading labels there is a copy
// of N ints, no device sync, so tensor labels are checked in full there too.
describe('on wasm, tensor labels are checked like JS labels', () => {
  it('onlineTripletLoss with one class and arcFaceLoss with label 7 for 2 classes are errors, not 0', async () => {
    await useBackend('wasm');
    onTestFinished(() => useBackend('cpu'));
    const e = tf.randomNormal([4, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const y = tf.tensor1d([2, 2, 2, 2], 'int32');
    expect(() => onlineTripletLoss(e, y)).toThrow(oneClass);
    const cos = tf.tensor2d([[0.5, 0.1], [0.2, 0.9]]);
    const bad = tf.tensor1d([0, 7], 'int32');
    expect(() => arcFaceLoss(cos, bad)).toThrow("arcFaceLoss: argument 'labels' must be integers in [0, numClasses=2) (got \"7 at index 1\").");
    const good = tf.tensor1d([0, 1], 'int32');
    const before = tf.memory().numTensors;
    const a = arcFaceLoss(cos, good);
    const b = arcFaceLoss(cos, [0, 1]);
    expect((await a.data())[0]).toBeCloseTo((await b.data())[0]!, 6);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
    expect(Array.from(hostLabels(good)!)).toEqual([0, 1]);
    tf.dispose([e, y, cos, bad, good]);
  });
});
