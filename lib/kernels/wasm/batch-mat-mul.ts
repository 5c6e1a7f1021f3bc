/**
 * BatchMatMul for the wasm backend: C = op(A)·op(B), op = transpose of the last two axes where asked. The stock
 * kernel multiplies a transposed operand 4–8× slower than a plain one (a [1024, 192]·[64, 192]ᵀ product: 12 ms,
 * vs 3.4 ms as an explicit transpose and a plain product; backward passes of dense layers are all of this kind),
 * so a transposed operand is transposed first (transpose.ts, in the heap) and the stock kernel multiplies plain
 * matrices. Plain products go straight to the stock kernel.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { free, run, type KernelArgs } from './backend.js';
import { transposeInfo } from './transpose.js';

/** perm that swaps the last two axes of a rank-r tensor. */
const swapLast = (r: number) => [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];

export function batchMatMul({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = attrs as unknown as tf.BatchMatMulAttrs;
  if ((!transposeA && !transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') return run(backend, 'BatchMatMul', { a, b }, attrs);
  const at = transposeA ? transposeInfo(backend, a, swapLast(a.shape.length)) : a;
  const bt = transposeB ? transposeInfo(backend, b, swapLast(b.shape.length)) : b;
  try {
    return run(backend, 'BatchMatMul', { a: at, b: bt }, { transposeA: false, transposeB: false });
  } finally {
    if (at !== a) free(backend, at);
    if (bt !== b) free(backend, bt);
  }
}
