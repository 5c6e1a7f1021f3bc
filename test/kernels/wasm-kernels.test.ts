// Our wasm Tile, Sum/Mean (leading axes) and MaxPoolGrad against the cpu backend on odd shapes, values and
// gradients; no tensor leaks; and a kernel that neither wasm nor we have fails with an error naming it.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { registerWasmKernels, WASM_KERNELS } from '../../lib/kernels/wasm/index.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

function values(n: number, seed: number, ties = false): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    const v = (s / 2147483648) * 2 - 1;
    out[i] = ties ? Math.max(0, Math.round(v * 3) / 3) : v; // ties: ReLU-like zeros and repeated values
  }
  return out;
}

/** Run `f` on cpu and on wasm (with our kernels) and compare every output. */
async function sameOnBoth(f: () => tf.Tensor[], atol = 1e-5, rtol = 1e-4): Promise<void> {
  const read = async () => {
    const outs = tf.tidy(f);
    const data = await Promise.all(outs.map((t) => t.data()));
    const shapes = outs.map((t) => t.shape);
    tf.dispose(outs);
    return { data, shapes };
  };
  await useBackend('cpu');
  const want = await read();
  await useBackend('wasm');
  const got = await expectNoLeak(read);
  await useBackend('cpu');
  expect(got.shapes).toEqual(want.shapes);
  for (let i = 0; i < want.data.length; i++) expectClose(got.data[i]!, want.data[i]!, atol, rtol);
}

describe('wasm kernels', () => {
  it('registers ours for wasm when the backend starts', async () => {
    await useBackend('wasm');
    expect(registerWasmKernels().sort()).toEqual(Object.keys(WASM_KERNELS).sort());
    for (const name of Object.keys(WASM_KERNELS)) expect((tf.getKernel(name, 'wasm') as { reprlab?: boolean }).reprlab, name).toBe(true);
    await useBackend('cpu');
  });

  it('Tile equals cpu on odd shapes, float32 and int32, ranks 1-4', async () => {
    await sameOnBoth(() => [
      tf.tile(tf.tensor1d(values(3, 1)), [5]),
      tf.tile(tf.tensor2d(values(6, 2), [2, 3]), [3, 1]),
      tf.tile(tf.tensor2d(values(6, 3), [3, 2]), [1, 4]),
      tf.tile(tf.tensor4d(values(5, 4), [1, 1, 1, 5]), [3, 7, 9, 1]),
      tf.tile(tf.tensor4d(values(2 * 3 * 1 * 3, 5), [2, 3, 1, 3]), [2, 1, 5, 2]),
      tf.tile(tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 2, 3], 'int32'), [2, 3, 1]),
      tf.tile(tf.tensor2d(values(6, 6), [2, 3]), [1, 1]),
      tf.tile(tf.zeros([0, 3]), [2, 2]),
    ], 0, 0);
  });

  it('Sum and Mean equal cpu over leading, trailing, middle and all axes, keepDims or not', async () => {
    const x = () => tf.tensor4d(values(3 * 5 * 7 * 3, 7), [3, 5, 7, 3]);
    await sameOnBoth(() => {
      const t = x();
      const outs = [
        tf.sum(t, [0, 1, 2]), tf.mean(t, [0, 1, 2]), tf.sum(t, [0, 1, 2], true), tf.mean(t, [2, 0, 1], true),
        tf.sum(t, 0), tf.mean(t, [0, 1]), tf.sum(t, -1), tf.mean(t, [1, 2]), tf.sum(t, [0, 2]), tf.sum(t), tf.mean(t),
        tf.sum(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2], 'int32'), 0),
      ];
      t.dispose();
      return outs;
    });
  });

  it('MaxPoolGrad equals cpu (ties after ReLU, odd sizes, same/valid, strides 1/2, 3×3 windows)', async () => {
    for (const [shape, size, stride, pad] of [
      [[2, 7, 9, 3], 2, 2, 'same'], [[1, 8, 8, 1], 2, 2, 'valid'], [[2, 9, 7, 2], 3, 2, 'same'], [[1, 6, 5, 3], 3, 1, 'valid'], [[2, 5, 5, 1], 3, 1, 'same'],
    ] as const) {
      await sameOnBoth(() => {
        const x = tf.tensor4d(values((shape as readonly number[]).reduce((a, b) => a * b, 1), 8, true), shape as unknown as [number, number, number, number]);
        const r = tf.tensor(values(tf.maxPool(x, size, stride, pad).size, 9));
        const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, size, stride, pad).reshape([-1]), r)))(x);
        const y = tf.maxPool(x, size, stride, pad);
        tf.dispose([x, r]);
        return [y, g];
      });
    }
  });

  it('UnsortedSegmentSum (the gradient of gather) equals cpu, repeated and unused rows, rank 1 and 3', async () => {
    await sameOnBoth(() => {
      const x = tf.tensor2d(values(5 * 4, 10), [5, 4]);
      const idx = tf.tensor1d([3, 0, 3, 3, 1, 0, 4], 'int32');
      const v = tf.tensor1d(values(6, 11));
      const t = tf.tensor3d(values(6 * 2 * 3, 12), [6, 2, 3]);
      const outs = [
        tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.gather(a, idx), tf.range(1, 29).reshape([7, 4]))))(x),
        tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.gather(a, tf.tensor1d([5, 5, 2], 'int32')))))(v),
        tf.grad((a: tf.Tensor) => tf.sum(tf.gather(a, tf.tensor1d([1, 4, 1], 'int32'))))(t),
        tf.unsortedSegmentSum(x, tf.tensor1d([2, 0, 2, 1, 0], 'int32'), 4),
      ];
      tf.dispose([x, idx, v, t]);
      return outs;
    });
  });

  it('a kernel that wasm does not have fails with an error naming the kernel and the backend', async () => {
    await useBackend('wasm');
    expect(tf.getKernel('Einsum', 'wasm')).toBeUndefined(); // neither tfjs-backend-wasm 4.22 nor lib/kernels/wasm has it
    const a = tf.ones([2, 3]), b = tf.ones([3, 2]);
    expect(() => tf.einsum('ij,jk->ik', a, b)).toThrow(/Kernel 'Einsum' not registered for backend 'wasm'/);
    expect(tf.getBackend()).toBe('wasm'); // no fallback to cpu
    tf.dispose([a, b]);
    await useBackend('cpu');
  });
});
