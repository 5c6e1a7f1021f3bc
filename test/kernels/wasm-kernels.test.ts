// Our wasm Tile, Sum/Mean (leading axes), MaxPoolGrad, Transpose and BatchMatMul (transposed operands) against the cpu backend on odd shapes, values and
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

  it('Transpose equals cpu: every perm of rank 3 and 4, merged and size-1 axes, long and short runs, int32', async () => {
    const perms = (r: number): number[][] => (r === 1 ? [[0]] : perms(r - 1).flatMap((p) => Array.from({ length: r }, (_, i) => [...p.slice(0, i), r - 1, ...p.slice(i)])));
    await sameOnBoth(() => {
      const x3 = tf.tensor3d(values(3 * 5 * 7, 13), [3, 5, 7]);
      const x4 = tf.tensor4d(values(2 * 3 * 1 * 65, 14), [2, 3, 1, 65]); // a size-1 axis; runs of 65 (the `set` path)
      const outs = [
        ...perms(3).map((p) => tf.transpose(x3, p)),
        ...perms(4).map((p) => tf.transpose(x4, p)),
        tf.transpose(tf.tensor2d(values(33 * 70, 15), [33, 70])), // a matrix beyond one 32 × 32 block
        tf.transpose(tf.tensor(values(4 * 5 * 3 * 2 * 6, 16), [4, 5, 3, 2, 6]), [2, 0, 3, 1, 4]), // multi-head attention's
        tf.transpose(tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 2, 3], 'int32'), [2, 0, 1]),
        tf.transpose(tf.zeros([0, 3, 2]), [2, 1, 0]),
        tf.transpose(tf.tensor1d(values(5, 17)), [0]),
      ];
      tf.dispose([x3, x4]);
      return outs;
    }, 0, 0);
  });

  it('BatchMatMul equals cpu in all four transpose combinations, batched, broadcast, and in a dense layer\'s gradients', async () => {
    await sameOnBoth(() => {
      const outs: tf.Tensor[] = [];
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const a = tf.tensor3d(values(4 * 7 * 5, 18), ta ? [4, 5, 7] : [4, 7, 5]);
        const b = tf.tensor3d(values(4 * 5 * 3, 19), tb ? [4, 3, 5] : [4, 5, 3]);
        const b1 = tf.tensor3d(values(5 * 3, 20), tb ? [1, 3, 5] : [1, 5, 3]); // batch broadcast
        const m = tf.tensor2d(values(33 * 70, 21), ta ? [70, 33] : [33, 70]);
        const n = tf.tensor2d(values(70 * 9, 22), tb ? [9, 70] : [70, 9]);
        outs.push(tf.matMul(a, b, ta, tb), tf.matMul(a, b1, ta, tb), tf.matMul(m, n, ta, tb));
        tf.dispose([a, b, b1, m, n]);
      }
      const x = tf.tensor3d(values(2 * 6 * 5, 23), [2, 6, 5]), w = tf.tensor2d(values(5 * 4, 24), [5, 4]);
      const [gx, gw] = tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(tf.reshape(p, [12, 5]), q))))([x, w]);
      outs.push(gx!, gw!);
      tf.dispose([x, w]);
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
