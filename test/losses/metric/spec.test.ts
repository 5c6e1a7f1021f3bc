import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  arcFaceLoss, metricLosses, metricLossSpec, onlineTripletLoss, resolveLossOptions, subCenterArcFaceLoss,
  type MetricLossName, type MetricLossOptionsOf,
} from '../../../lib/losses/metric/index.js';
import { useBackend } from '../../helpers.js';
import { randomRows, value } from './ref.js';

beforeAll(() => useBackend('cpu'));

describe('metric loss specs (spec.ts): name, head kind, option defaults, function', () => {
  const toy = () => metricLossSpec({ name: 'toy', head: 'none', defaults: { margin: 1, strength: 2 }, loss: (b, o) => tf.mul(tf.sum(b.embeddings), o.margin * o.strength) as tf.Scalar });

  it('metricLossSpec checks the spec and freezes it', () => {
    const s = toy();
    expect(Object.isFrozen(s) && Object.isFrozen(s.defaults)).toBe(true);
    const loss = () => tf.scalar(0);
    expect(() => metricLossSpec({ name: '', head: 'none', defaults: {}, loss })).toThrow(/metricLossSpec: argument 'name'/);
    expect(() => metricLossSpec({ name: 'x', head: 'cosine' as never, defaults: {}, loss })).toThrow(/metricLossSpec: argument 'head' must be 'none', 'classifier', 'centres', 'subCentres'/);
    expect(() => metricLossSpec({ name: 'x', head: 'none', defaults: {}, loss: 3 as never })).toThrow(/argument 'loss'/);
    expect(() => metricLossSpec({ name: 'x', head: 'subCentres', defaults: { margin: 1 }, loss })).toThrow(/argument 'defaults' must be an option 'subCenters'/);
  });

  it('resolveLossOptions: defaults fill what is not given (undefined = not given); an unknown name is an error naming it', () => {
    const s = toy();
    expect(resolveLossOptions('f', s, undefined)).toEqual({ margin: 1, strength: 2 });
    expect(resolveLossOptions('f', s, { strength: 5, margin: undefined })).toEqual({ margin: 1, strength: 5 });
    expect(() => resolveLossOptions('f', s, { margn: 0.3 }, 'lossOptions')).toThrow("f: argument 'lossOptions.margn' must be an option of the 'toy' loss: margin, strength (got 0.3)");
    expect(resolveLossOptions('f', s, { scale: 30 }, 'options', ['scale'])).toEqual({ margin: 1, strength: 2 }); // passed over
    expect(() => resolveLossOptions('f', metricLossSpec({ name: 'bare', head: 'none', defaults: {}, loss: () => tf.scalar(0) }), { margin: 1 }))
      .toThrow(/argument 'options.margin' must be absent: the 'bare' loss takes no option/);
  });

  it("the registry's functions: the spec's defaults, options passed whole, older flat settings passed over, a misspelt one an error", async () => {
    const cos = tf.tensor2d([[0.8, 0.6, -0.2], [0.1, 0.9, 0.3]]);
    const y = [0, 2];
    const arc = metricLosses.get('arcface');
    expect(await value(arc({ embeddings: cos, head: cos, labels: y }, {}))).toBeCloseTo(await value(arcFaceLoss(cos, y)), 6);
    expect(await value(arc({ embeddings: cos, head: cos, labels: y }, { margin: 0.2, scale: 8, mining: 'all' }))).toBeCloseTo(await value(arcFaceLoss(cos, y, { margin: 0.2, scale: 8 })), 6);
    expect(() => arc({ embeddings: cos, head: cos, labels: y }, { scael: 8 })).toThrow(/arcface: argument 'options.scael' must be an option of the 'arcface' loss: margin, scale/);
    const sub = tf.tensor2d([[0.8, 0.6, -0.2, 0.1], [0.1, 0.9, 0.3, 0.2]]);
    expect(await value(metricLosses.get('subcenterArcface')({ embeddings: sub, head: sub, labels: [0, 1] }, { subCenters: 2 })))
      .toBeCloseTo(await value(subCenterArcFaceLoss(sub, [0, 1], { subCenters: 2 })), 6);
    const e = tf.tensor2d(randomRows(6, 3, 1));
    const labels = [0, 0, 1, 1, 2, 2];
    expect(await value(metricLosses.get('triplet')({ embeddings: e, labels }, { mining: 'all', average: 'nonzero', margin: 0.5 })))
      .toBeCloseTo(await value(onlineTripletLoss(e, labels, { strategy: 'all', reduction: 'nonzero', margin: 0.5 })), 6);
    tf.dispose([cos, sub, e]);
  });

  it('types: MetricLossName and MetricLossOptionsOf are derived from the list', () => {
    expectTypeOf<'arcface'>().toMatchTypeOf<MetricLossName>();
    expectTypeOf<'supCon'>().toMatchTypeOf<MetricLossName>();
    expectTypeOf<{ temperature: number }>().toMatchTypeOf<MetricLossOptionsOf<'supCon'>>();
    expectTypeOf<MetricLossOptionsOf<'arcface'>>().toHaveProperty('scale');
  });
});
