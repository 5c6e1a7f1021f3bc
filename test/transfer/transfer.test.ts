import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { smallCnn } from '../../lib/models/encoders.js';
import {
  cloneModel, describeLayers, finetune, freeze, freezeAllBut, reinitializeTop, replaceHead, selectLayers, truncate, unfreeze, weightLayers,
} from '../../lib/transfer/index.js';
import { trainTestSplit } from '../../lib/data/split.js';
import { expectClose, useBackend } from '../helpers.js';
import { tinyShapes } from '../methods/fixtures.js';

beforeAll(() => useBackend('cpu'));
const enc = (seed = 0) => smallCnn({ inputShape: [8, 8, 3], widths: [4, 8], seed });
const flat = async (m: { weights: { read(): tf.Tensor }[] }) => (await Promise.all(m.weights.map((w) => w.read().data()))).flatMap((a) => Array.from(a));

describe('freezing', () => {
  it('freeze / unfreeze by name, prefix, RegExp, index, predicate; trainable weights follow', () => {
    const m = enc();
    const all = m.trainableWeights.length;
    const names = describeLayers(m).map((l) => l.name);
    expect(describeLayers(m)[0]!.type).toBe('Conv2D');
    expect(freeze(m, names[0]!)).toEqual([names[0]]);
    expect(m.trainableWeights.length).toBe(all - 1);
    unfreeze(m);
    expect(freeze(m, /batch_normalization/).length).toBe(2);
    unfreeze(m);
    expect(freeze(m, -1)).toHaveLength(1);
    expect(selectLayers(m, { prefix: 'conv2d' }).length).toBe(2);
    expect(selectLayers(m, (l) => l.getClassName() === 'MaxPooling2D').length).toBe(1);
    freeze(m);
    expect(m.trainableWeights.length).toBe(0);
    freezeAllBut(m, 2);
    expect(m.trainableWeights.length).toBe(3); // last conv kernel + BN gamma, beta
    expect(() => freeze(m, 'nope')).toThrow(/'selector'.*Fix: see describeLayers/);
    m.dispose();
  });

  it('a frozen layer does not change when the model trains', async () => {
    const m = enc();
    const clf = replaceHead(m, { numClasses: 4 });
    freeze(m, weightLayers(m)[0]!.name);
    const before = Array.from(await weightLayers(m)[0]!.weights[0]!.read().data());
    const last = Array.from(await weightLayers(m)[2]!.weights[0]!.read().data());
    const opt = tf.train.adam(0.05);
    const x = tf.randomUniform([8, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D, y = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 0, 1, 2, 3], 'int32'), 4);
    for (let i = 0; i < 3; i++) tf.dispose(opt.minimize(() => tf.losses.softmaxCrossEntropy(y, clf.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, true, clf.trainableWeights.map((w) => w.read() as tf.Variable))!);
    expect(Array.from(await weightLayers(m)[0]!.weights[0]!.read().data())).toEqual(before);
    expect(Array.from(await weightLayers(m)[2]!.weights[0]!.read().data())).not.toEqual(last);
    tf.dispose([x, y]);
  });
});

describe('surgery', () => {
  it('replaceHead gives [N, classes] sharing the encoder; truncate cuts at a layer; cloneModel copies', async () => {
    const m = enc(3);
    const clf = replaceHead(m, { numClasses: 5 });
    const x = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const out = clf.predict(x) as tf.Tensor;
    expect(out.shape).toEqual([2, 5]);
    const t = truncate(m, weightLayers(m)[1]!.name);
    const f = t.predict(x) as tf.Tensor;
    expect(f.shape).toEqual([2, 4]);
    const c = cloneModel(m);
    expectClose(await flat(c), await flat(m), 0);
    const [a, b] = [m.predict(x) as tf.Tensor, c.predict(x) as tf.Tensor];
    expectClose(await a.data(), await b.data(), 1e-6);
    tf.dispose([x, out, f, a, b]);
  });

  it('reinitializeTop changes exactly the top n weight layers', async () => {
    const m = enc(5);
    const wl = weightLayers(m);
    const before = await Promise.all(wl.map(async (l) => Array.from(await l.weights[0]!.read().data())));
    const names = reinitializeTop(m, 2);
    expect(names).toEqual([wl[2]!.name, wl[3]!.name]);
    const after = await Promise.all(wl.map(async (l) => Array.from(await l.weights[0]!.read().data())));
    expect(after[0]).toEqual(before[0]);
    expect(after[1]).toEqual(before[1]);
    expect(after[2]).not.toEqual(before[2]);
    expect(() => reinitializeTop(m, 9)).toThrow(/'n'/);
  });
});

describe('finetune', () => {
  it('all four modes run at a label fraction, return accuracies, leave the encoder unchanged and leak nothing', async () => {
    const set = tinyShapes(160, 2);
    const { train, test } = trainTestSplit(set, { testFraction: 0.25, seed: 1 });
    const e = enc(7);
    const w0 = await flat(e);
    const before = tf.memory().numTensors;
    for (const mode of ['frozen', 'finetune', 'partial', 'scratch'] as const) {
      const r = await finetune(e, { train, test }, { mode, labelFraction: 0.5, steps: 3, batchSize: 16, probe: { epochs: 3 }, progress: false });
      expect(r.mode).toBe(mode);
      expect(r.labelled).toBeGreaterThan(50);
      expect(r.labelled).toBeLessThan(70);
      expect(r.accuracy).toBeGreaterThanOrEqual(0);
      expect(r.accuracy).toBeLessThanOrEqual(1);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(await flat(e)).toEqual(w0);
    await expect(finetune(e, { train, test }, { mode: 'bogus' as 'frozen' })).rejects.toThrow(/'mode'/);
    await expect(finetune(e, { train, test }, { labelFraction: 0 })).rejects.toThrow(/'labelFraction'/);
  });
});
