import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { cosineHead, L2Normalize, NormalizedDense, siameseNetwork, softmaxHead } from '../../lib/models/siamese.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

const X = () => tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 7) as tf.Tensor4D;

async function roundTrip(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => {
    artifacts = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return tfl.loadLayersModel(tf.io.fromMemory(artifacts!));
}

describe('siameseNetwork (deck 000 architecture)', () => {
  it('backbone conv + max-pool, GAP, neck Dense + BN + PReLU, L2-normalised embedding', async () => {
    const { encoder, head, embeddingDim } = siameseNetwork({ inputShape: [8, 8, 1], widths: [4, 8], embeddingDim: 6 });
    expect(head).toBeUndefined();
    expect(embeddingDim).toBe(6);
    const kinds = encoder.layers.map((l) => l.getClassName());
    for (const k of ['Conv2D', 'MaxPooling2D', 'GlobalAveragePooling2D', 'Dense', 'BatchNormalization', 'PReLU', 'L2Normalize']) expect(kinds).toContain(k);
    expect(kinds.indexOf('GlobalAveragePooling2D')).toBeLessThan(kinds.indexOf('Dense'));
    expect(kinds.at(-1)).toBe('L2Normalize');
    const x = X();
    const e = encoder.predict(x) as tf.Tensor2D;
    expect(e.shape).toEqual([3, 6]);
    const rows = (await e.array()) as number[][];
    for (const r of rows) expect(Math.hypot(...r)).toBeCloseTo(1, 5);
    tf.dispose([x, e]);
    encoder.dispose();
  });
  it('training-only heads: softmax logits [N, C], cosine head [N, C·k] in [−1, 1]', async () => {
    const s = siameseNetwork({ inputShape: [8, 8, 1], widths: [4], embeddingDim: 5, head: 'softmax', numClasses: 4, normalize: false });
    expect(s.encoder.layers.map((l) => l.getClassName())).not.toContain('L2Normalize');
    const c = siameseNetwork({ inputShape: [8, 8, 1], widths: [4], embeddingDim: 5, head: 'cosine', numClasses: 4, subCenters: 3 });
    const x = X();
    const logits = s.head!.predict(s.encoder.predict(x) as tf.Tensor) as tf.Tensor;
    const cos = c.head!.predict(c.encoder.predict(x) as tf.Tensor) as tf.Tensor;
    expect(logits.shape).toEqual([3, 4]);
    expect(cos.shape).toEqual([3, 12]);
    for (const v of await cos.data()) expect(Math.abs(v)).toBeLessThanOrEqual(1 + 1e-5);
    tf.dispose([x, logits, cos]);
    for (const m of [s.encoder, s.head!, c.encoder, c.head!]) m.dispose();
  });
  it("backbone 'mlp' (flatten + dense) or your own model (feature maps are pooled)", async () => {
    const m = siameseNetwork({ inputShape: [8, 8, 1], backbone: 'mlp', widths: [16], embeddingDim: 3 });
    const kinds = m.encoder.layers.map((l) => l.getClassName());
    expect(kinds).toContain('Flatten');
    expect(kinds).not.toContain('Conv2D');
    const own = tfl.sequential({ layers: [tfl.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 })] });
    const o = siameseNetwork({ inputShape: [8, 8, 1], backbone: own, embeddingDim: 3 });
    const x = X();
    for (const net of [m, o]) {
      const e = net.encoder.predict(x) as tf.Tensor;
      expect(e.shape).toEqual([3, 3]);
      e.dispose();
    }
    expect(() => siameseNetwork({ inputShape: [9, 9, 1], backbone: own })).toThrow(/'backbone'.*\[N, 9, 9, 1\]/);
    expect(() => siameseNetwork({ inputShape: [8, 8, 1], backbone: 'resnet' as never })).toThrow(/'backbone'/);
    x.dispose();
    m.encoder.dispose();
    o.encoder.dispose();
  });
  it('same seed, same weights', async () => {
    const a = siameseNetwork({ inputShape: [8, 8, 1], widths: [4], embeddingDim: 3, seed: 5 });
    const b = siameseNetwork({ inputShape: [8, 8, 1], widths: [4], embeddingDim: 3, seed: 5 });
    const x = X();
    const ya = a.encoder.predict(x) as tf.Tensor, yb = b.encoder.predict(x) as tf.Tensor;
    expectClose(await ya.data(), await yb.data(), 0, 0);
    tf.dispose([x, ya, yb]);
    a.encoder.dispose();
    b.encoder.dispose();
  });
  it('no leak in predict and training-mode apply', async () => {
    const { encoder } = siameseNetwork({ inputShape: [8, 8, 1], widths: [4], embeddingDim: 3 });
    const x = X();
    tf.dispose(encoder.predict(x)); // build
    await expectNoLeak(() => tf.dispose(encoder.predict(x)));
    await expectNoLeak(() => tf.tidy(() => encoder.apply(x, { training: true }) as tf.Tensor).dispose());
    x.dispose();
    encoder.dispose();
  });
});

describe('custom layers', () => {
  it('NormalizedDense computes cos(x_n, w_c)', async () => {
    const layer = new NormalizedDense({ units: 2, seed: 3 });
    const x = tf.tensor2d([[3, 4], [1, 0]]);
    const out = layer.apply(x) as tf.Tensor;
    const w = (await layer.getWeights()[0]!.array()) as number[][];
    const cols = [0, 1].map((c) => [w[0]![c]!, w[1]![c]!]);
    const cos = (a: number[], b: number[]) => (a[0]! * b[0]! + a[1]! * b[1]!) / (Math.hypot(...a) * Math.hypot(...b));
    expectClose(await out.data(), [cos([3, 4], cols[0]!), cos([3, 4], cols[1]!), cos([1, 0], cols[0]!), cos([1, 0], cols[1]!)], 1e-5);
    tf.dispose([x, out]);
    layer.dispose();
  });
  it('L2Normalize and NormalizedDense survive save/load (registered classes)', async () => {
    const { encoder } = siameseNetwork({ inputShape: [8, 8, 1], widths: [4], embeddingDim: 4 });
    const head = cosineHead({ inputDim: 4, numClasses: 3, subCenters: 2 });
    const x = X();
    for (const m of [encoder, head]) {
      const loaded = await roundTrip(m);
      const input = m === encoder ? x : (encoder.predict(x) as tf.Tensor);
      const a = m.predict(input) as tf.Tensor, b = loaded.predict(input) as tf.Tensor;
      expectClose(await a.data(), await b.data(), 1e-6, 1e-6);
      expect(loaded.layers.at(-1)!.getClassName()).toBe(m === encoder ? L2Normalize.className : NormalizedDense.className);
      tf.dispose([a, b, ...(m === encoder ? [] : [input])]);
      loaded.dispose();
    }
    x.dispose();
    encoder.dispose();
    head.dispose();
  });
});

describe('bad input', () => {
  it('names the argument', () => {
    expect(() => siameseNetwork({ inputShape: [8, 8] as never })).toThrow(/'inputShape'/);
    expect(() => siameseNetwork({ inputShape: [8, 8, 1], head: 'cosine' })).toThrow(/'numClasses'/);
    expect(() => siameseNetwork({ inputShape: [8, 8, 1], head: 'softmax', numClasses: 3, subCenters: 2 })).toThrow(/'subCenters'/);
    expect(() => siameseNetwork({ inputShape: [8, 8, 1], embeddingDim: 0 })).toThrow(/'embeddingDim'/);
    expect(() => new NormalizedDense({ units: 0 })).toThrow(/'units'/);
    expect(() => softmaxHead({ inputDim: 4, numClasses: 1 })).toThrow(/'numClasses'/);
  });
});
