import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { metricLossSpec, type MetricBatch } from '../../lib/losses/metric/index.js';
import { metricLearner, type MetricLearnerOptions } from '../../lib/methods/metric-learning.js';
import { useBackend } from '../helpers.js';
import { quadrants } from './fixtures.js';

beforeAll(() => useBackend('cpu'));

const base = { inputShape: [8, 8, 1] as [number, number, number], numClasses: 4, backbone: 'mlp' as const, widths: [16], embeddingDim: 8, learningRate: 0.01, seed: 1 };
const data = quadrants(8);

/** Losses of 4 steps on K×M batches, and the learner's resolved loss options. */
async function run(o: MetricLearnerOptions) {
  const l = metricLearner(o);
  const r = await l.train(data, { steps: 4, classesPerBatch: 2, perClass: 3, progress: false, seed: 3 });
  const out = { losses: r.losses, lossOptions: l.lossOptions, headUnits: l.head?.outputs[0]!.shape[1] };
  l.dispose();
  return out;
}

describe('metricLearner: the loss options nested (lossOptions), passed whole; the flat form still works', () => {
  it('nested = flat, value for value (arcface, triplet, subcenterArcface, center)', async () => {
    const cases: [MetricLearnerOptions, MetricLearnerOptions, Record<string, unknown>][] = [
      [{ ...base, loss: 'arcface', lossOptions: { margin: 0.3, scale: 8 } }, { ...base, loss: 'arcface', margin: 0.3, scale: 8 }, { margin: 0.3, scale: 8 }],
      [{ ...base, loss: 'triplet', lossOptions: { mining: 'all', average: 'nonzero' } }, { ...base, loss: 'triplet', mining: 'all', average: 'nonzero' },
        { mining: 'all', average: 'nonzero', margin: 0.2, distance: 'squared' }],
      [{ ...base, loss: 'subcenterArcface', lossOptions: { subCenters: 2 } }, { ...base, loss: 'subcenterArcface', subCenters: 2 }, { margin: 0.5, scale: 30, subCenters: 2 }],
      [{ ...base, loss: 'center', lossOptions: { centerWeight: 0.3, centerRate: 0.2 } }, { ...base, loss: 'center', centerWeight: 0.3, centerRate: 0.2 }, { centerWeight: 0.3, centerRate: 0.2 }],
    ];
    for (const [nested, flat, resolved] of cases) {
      const a = await run(nested);
      const b = await run(flat);
      expect(a.losses).toEqual(b.losses);
      expect(a.lossOptions).toEqual(resolved);
      expect(b.lossOptions).toEqual(resolved);
    }
    expect((await run(cases[2]![0]!)).headUnits).toBe(4 * 2); // k = 2 sub-centres a class
  });

  it('a flat setting the loss does not take is ignored, as before; the defaults are the spec\'s', async () => {
    const a = await run({ ...base, loss: 'softmax', margin: 0.3, mining: 'all' });
    const b = await run({ ...base, loss: 'softmax' });
    expect(a.losses).toEqual(b.losses);
    expect(a.lossOptions).toEqual({});
    expect((await run({ ...base, loss: 'pair' })).lossOptions).toEqual({ margin: 1, distance: 'euclidean', form: 'hadsell', reduction: 'balanced' });
  });

  it('a misspelt option is an error naming it (nested or flat); an option given both ways must agree', () => {
    expect(() => metricLearner({ ...base, loss: 'arcface', lossOptions: { margn: 0.3 } as never }))
      .toThrow("metricLearner: argument 'lossOptions.margn' must be an option of the 'arcface' loss: margin, scale (got 0.3)");
    expect(() => metricLearner({ ...base, loss: 'softmax', lossOptions: { margin: 0.3 } as never })).toThrow(/argument 'lossOptions.margin' must be absent: the 'softmax' loss takes no option/);
    expect(() => metricLearner({ ...base, loss: 'supCon', lossOptions: { margin: 0.3 } as never })).toThrow(/argument 'lossOptions.margin' must be an option of the 'supCon' loss: temperature/);
    expect(() => metricLearner({ ...base, loss: 'arcface', margn: 0.3 } as never)).toThrow(/metricLearner: argument 'margn' must be an option of metricLearner \(loss, lossOptions, inputShape/);
    expect(() => metricLearner({ ...base, loss: 'triplet', strategy: 'all' } as never)).toThrow(/argument 'strategy'.*Fix: .*lossOptions/);
    expect(() => metricLearner({ ...base, loss: 'supCon', temperature: 0.2 } as never)).toThrow(/argument 'temperature'.*Fix: .*lossOptions/);
    expect(() => metricLearner({ ...base, loss: 'arcface', margin: 0.2, lossOptions: { margin: 0.3 } })).toThrow(/metricLearner: argument 'margin' must be given once: in lossOptions/);
    expect(() => metricLearner({ ...base, loss: 'arcface', lossOptions: 3 as never })).toThrow(/argument 'lossOptions' must be an object/);
  });

  it('a loss of your own: a spec (options checked against its defaults) or a function (flat settings + lossOptions, handed whole)', async () => {
    const seen: object[] = [];
    const spec = metricLossSpec({
      name: 'spread', head: 'none', defaults: { weight: 1 },
      loss: (b: MetricBatch, o) => { seen.push(o); return tf.mul(o.weight, tf.mean(tf.matMul(b.embeddings, b.embeddings, false, true))) as tf.Scalar; },
    });
    const r = await run({ ...base, loss: spec, lossOptions: { weight: 2 } as never });
    expect(r.lossOptions).toEqual({ weight: 2 });
    expect(seen.at(-1)).toEqual({ weight: 2 });
    expect(() => metricLearner({ ...base, loss: spec, lossOptions: { wieght: 2 } as never })).toThrow(/argument 'lossOptions.wieght' must be an option of the 'spread' loss: weight/);
    const got: object[] = [];
    const fn = Object.assign((b: MetricBatch, o: object) => { got.push(o); return tf.mean(tf.square(b.embeddings)) as tf.Scalar; }, { head: 'none' as const });
    await run({ ...base, loss: fn, margin: 0.4, lossOptions: { anything: 'mine' } as never });
    expect(got.at(-1)).toEqual({ margin: 0.4, scale: undefined, mining: undefined, average: undefined, distance: undefined, subCenters: 3, centerWeight: 0.1, anything: 'mine' });
  });
});
