/**
 * Sum and Mean for the wasm backend when the reduced axes are the leading ones (a [rows, cols] view reduced over
 * rows: the batch-norm and bias gradients, Σ over batch × height × width per channel). The stock kernels
 * transpose the tensor first so that the reduced axes come last (a full copy with strided reads), then reduce;
 * here one pass adds each row into a float64 accumulator of `cols` sums: out[c] = Σ_r x[r·cols + c] (Mean: ÷ rows).
 * Other axes, dtypes other than float32, and full reductions go to the stock kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { run, type KernelArgs, type WasmKernelFunc } from './backend.js';

/** The number of leading axes reduced, when `axis` is exactly [0, …, k−1] with 0 < k < rank; else 0. */
function leadingAxes(shape: number[], axis: number | number[]): number {
  const axes = [...new Set(tf.util.parseAxisParam(axis, shape))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= shape.length) return 0;
  return axes.every((a, i) => a === i) ? axes.length : 0;
}

function leadingReduce(name: 'Sum' | 'Mean'): WasmKernelFunc {
  return ({ inputs, backend, attrs }: KernelArgs) => {
    const x = inputs.x!;
    const { axis, keepDims } = attrs as unknown as tf.SumAttrs;
    const k = x.dtype === 'float32' ? leadingAxes(x.shape, axis) : 0;
    if (k === 0) return run(backend, name, { x }, attrs);
    const rest = x.shape.slice(k);
    const rows = x.shape.slice(0, k).reduce((a, b) => a * b, 1);
    const cols = rest.reduce((a, b) => a * b, 1);
    const out = backend.makeOutput(keepDims ? [...x.shape.slice(0, k).map(() => 1), ...rest] : rest, 'float32');
    const src = backend.typedArrayFromHeap(x) as Float32Array;
    const dst = backend.typedArrayFromHeap(out) as Float32Array;
    const acc = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const base = r * cols;
      for (let c = 0; c < cols; c++) acc[c]! += src[base + c]!;
    }
    const scale = name === 'Mean' ? 1 / rows : 1;
    for (let c = 0; c < cols; c++) dst[c] = acc[c]! * scale;
    return out;
  };
}

export const sum = leadingReduce('Sum');
export const mean = leadingReduce('Mean');
