import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { LossRegistry } from '../../lib/losses/registry.js';
import { byolLoss, jointEmbeddingLosses, simsiamLoss } from '../../lib/losses/noncontrastive/index.js';
import { METRIC_LOSS_SPECS, METRIC_LOSSES, metricLosses } from '../../lib/losses/metric/index.js';
import { siameseHeadOf } from '../../lib/losses/metric/spec.js';
import { useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

describe('loss registries (tfjs-layers losses.get: a name or a function)', () => {
  it('get: a name gives the registered function, a function comes back as it is, an unknown name names every choice', () => {
    const r = new LossRegistry<(x: number) => number>('toy loss', { double: (x) => 2 * x });
    expect(r.get('double')(3)).toBe(6);
    const own = (x: number) => x + 1;
    expect(r.get(own)).toBe(own);
    expect(() => r.get('triple', 'toy', 'loss')).toThrow("toy: argument 'loss' must be a toy loss function or one of 'double' (got \"triple\")");
    r.register('triple', (x) => 3 * x);
    expect(r.names()).toEqual(['double', 'triple']);
    expect(() => r.register('double', (x) => x)).toThrow(/a name not registered yet/);
  });

  it('metricLosses holds the seven losses of notebook 04 with the head each needs', () => {
    expect(metricLosses.names()).toEqual([...METRIC_LOSSES]);
    // notebook 04's seven come first, in its order; losses added since follow (derived: no list here to extend)
    expect(METRIC_LOSSES.slice(0, 7)).toEqual(['softmax', 'center', 'pair', 'triplet', 'cosface', 'arcface', 'subcenterArcface']);
    expect(METRIC_LOSSES.slice(0, 7).map((n) => metricLosses.get(n).head)).toEqual(['softmax', 'softmax', 'none', 'none', 'cosine', 'cosine', 'cosine']);
  });

  it('the registry, METRIC_LOSSES and each function\'s head are derived from METRIC_LOSS_SPECS (one line per loss)', () => {
    expect(METRIC_LOSSES).toEqual(METRIC_LOSS_SPECS.map((s) => s.name));
    expect(METRIC_LOSS_SPECS.slice(0, 7).map((s) => s.head)).toEqual(['classifier', 'classifier', 'none', 'none', 'centres', 'centres', 'subCentres']);
    for (const s of METRIC_LOSS_SPECS) {
      const fn = metricLosses.get(s.name);
      expect(fn.spec).toBe(s);
      expect(fn.head).toBe(siameseHeadOf(s.head));
      expect(fn.centers).toBe(s.name === 'center');
    }
  });

  it("jointEmbeddingLosses: 'byol' is byolLoss, 'simsiam' is simsiamLoss on the same four tensors", async () => {
    const [p1, z2, p2, z1] = [1, 2, 3, 4].map((s) => tf.randomNormal([4, 3], 0, 1, 'float32', s) as tf.Tensor2D);
    const w = { lambda: 5e-3, invarianceWeight: 25 };
    const same = async (a: tf.Scalar, b: tf.Scalar) => { expect((await a.data())[0]).toBe((await b.data())[0]); tf.dispose([a, b]); };
    await same(jointEmbeddingLosses.get('byol')(p1!, z2!, p2!, z1!, w), byolLoss(p1!, z2!, p2!, z1!));
    await same(jointEmbeddingLosses.get('simsiam')(p1!, z2!, p2!, z1!, w), simsiamLoss(p1!, z2!, p2!, z1!));
    tf.dispose([p1!, z2!, p2!, z1!]);
  });
});
