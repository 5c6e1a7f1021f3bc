// The course's conv net (smallCnn with BatchNorm + projection head, training mode) on wasm: the NT-Xent loss and
// the gradient of every trainable weight equal the cpu backend's; no tensor leaks.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { ntXent } from '../../lib/losses/index.js';
import { projectionHead, smallCnn } from '../../lib/models/index.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

async function lossAndGrads(): Promise<{ loss: number; grads: Float32Array[]; names: string[] }> {
  const encoder = smallCnn({ inputShape: [11, 9, 3], widths: [4, 8, 6], seed: 1 });
  const head = projectionHead({ inputDim: 6, hiddenDim: 8, outputDim: 5, seed: 2 });
  const x = tf.randomUniform([6, 11, 9, 3], 0, 1, 'float32', 3);
  const vars = [encoder, head].flatMap((m) => m.trainableWeights.map((w) => w.read() as tf.Variable));
  const out = await expectNoLeak(async () => {
    const { value, grads } = tf.variableGrads(() => {
      const z = head.apply(encoder.apply(tf.concat([x, tf.reverse(x, 2)], 0), { training: true }), { training: true }) as tf.Tensor2D;
      return ntXent(z.slice([0, 0], [6, -1]), z.slice([6, 0], [6, -1]), { temperature: 0.5 });
    }, vars);
    const names = Object.keys(grads);
    const res = { loss: (await value.data())[0]!, grads: await Promise.all(names.map((n) => grads[n]!.data() as Promise<Float32Array>)), names };
    tf.dispose([value, ...Object.values(grads)]);
    return res;
  });
  x.dispose();
  encoder.dispose();
  head.dispose();
  return out;
}

describe('conv net on wasm', () => {
  it('loss and every weight gradient equal cpu', async () => {
    await useBackend('cpu');
    const want = await lossAndGrads();
    await useBackend('wasm');
    const got = await lossAndGrads();
    await useBackend('cpu');
    expect(want.names.length).toBeGreaterThanOrEqual(12); // 3 conv + 3 BN (γ, β) + head layers
    expect(got.names.length).toBe(want.names.length);
    expectClose([got.loss], [want.loss], 1e-5, 1e-5);
    for (let i = 0; i < want.grads.length; i++) expectClose(got.grads[i]!, want.grads[i]!, 1e-5, 1e-3);
  });
});
