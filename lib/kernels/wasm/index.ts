/**
 * Our kernels for tfjs' wasm backend (@tensorflow/tfjs-backend-wasm 4.22): the training kernels it lacks and
 * faster versions of stock ones that dominate a training step (profiled in docs/performance.md). Registered for
 * backend 'wasm' by initBackend when it starts wasm ({@link registerWasmKernels}); the stock config of a kernel we
 * replace is saved first (backend.ts) and ours call it or other stock kernels for the maths.
 *
 * A kernel the course needs that neither tfjs-backend-wasm nor this folder has fails with tfjs' own error,
 * "Kernel 'X' not registered for backend 'wasm'" (no silent fallback to cpu; test/kernels/wasm-kernels.test.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { stock, WASM, type WasmKernelFunc } from './backend.js';
import { conv2DBackpropFilter } from './conv2d-backprop-filter.js';
import { conv2DBackpropInput } from './conv2d-backprop-input.js';
import { batchMatMul } from './batch-mat-mul.js';
import { maxPoolGrad } from './max-pool-grad.js';
import { mean, sum } from './reduce.js';
import { tile } from './tile.js';
import { transpose } from './transpose.js';
import { unsortedSegmentSum } from './unsorted-segment-sum.js';

/** Our wasm kernels, by tfjs kernel name. */
export const WASM_KERNELS: Readonly<Record<string, WasmKernelFunc>> = {
  Conv2DBackpropFilter: conv2DBackpropFilter,
  Conv2DBackpropInput: conv2DBackpropInput,
  Tile: tile,
  Sum: sum,
  Mean: mean,
  MaxPoolGrad: maxPoolGrad,
  UnsortedSegmentSum: unsortedSegmentSum,
  Transpose: transpose,
  BatchMatMul: batchMatMul,
};

/** Register ours for 'wasm' (idempotent; after the wasm package is loaded). Returns the kernel names. */
export function registerWasmKernels(): string[] {
  for (const [name, kernelFunc] of Object.entries(WASM_KERNELS)) {
    const current = tf.getKernel(name, WASM);
    if ((current as { reprlab?: boolean } | undefined)?.reprlab) continue;
    if (current) {
      stock.set(name, current);
      tf.unregisterKernel(name, WASM);
    }
    tf.registerKernel({ kernelName: name, backendName: WASM, kernelFunc: kernelFunc as unknown as tf.KernelFunc, reprlab: true } as tf.KernelConfig);
  }
  return Object.keys(WASM_KERNELS);
}
