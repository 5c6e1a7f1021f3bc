/**
 * Transpose for the wasm backend: out[j₀, …, j_{r−1}] = x[i_{perm⁻¹…}], i.e. out's axis a is x's axis perm[a].
 * Axes that stay neighbours in the same order are merged first (a [B, T, H, d] → [B, H, T, d] transpose is a
 * rank-3 copy of d-long runs), then the copy runs in the heap: `set` of contiguous runs when x's last axis stays
 * last, else a loop with x's strides. The stock kernel's generic index arithmetic took 13 ms for the
 * [32, 32, 3, 4, 16] transposes of multi-head attention and 1.5–2.5 ms for a [1024, 192] matrix (profiled on
 * the character transformer of notebook 08), ~10× these loops. Numeric dtypes; strings go to the stock kernel.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { run, type KernelArgs, type WasmBackend } from './backend.js';

/** Merge the axes that stay adjacent and in order under `perm` (and drop size-1 axes). */
export function mergeTransposeAxes(shape: readonly number[], perm: readonly number[]): { shape: number[]; perm: number[] } {
  const keep = perm.filter((a) => shape[a] !== 1);
  if (keep.length === 0) return { shape: [], perm: [] };
  // groups of x's axes, in out order: a run of consecutive x axes a, a+1, … stays one group
  const groups: number[][] = [];
  for (const a of keep) {
    const last = groups.at(-1);
    if (last && last.at(-1)! + 1 === a) last.push(a);
    else groups.push([a]);
  }
  // the merged x shape lists the groups in x's order; perm maps out's groups to it
  const byX = [...groups].sort((g, h) => g[0]! - h[0]!);
  const mergedShape = byX.map((g) => g.reduce((n, a) => n * shape[a]!, 1));
  const mergedPerm = groups.map((g) => byX.indexOf(g));
  return { shape: mergedShape, perm: mergedPerm };
}

/** Copy x (heap view, `shape`) transposed by `perm` into dst. */
export function transposeInto(src: tf.TypedArray, dst: tf.TypedArray, shape: readonly number[], perm: readonly number[]): void {
  const m = mergeTransposeAxes(shape, perm);
  const rank = m.shape.length;
  if (rank <= 1) {
    dst.set(src.subarray(0, dst.length));
    return;
  }
  const xStride = new Array<number>(rank);
  xStride[rank - 1] = 1;
  for (let a = rank - 2; a >= 0; a--) xStride[a] = xStride[a + 1]! * m.shape[a + 1]!;
  const outShape = m.perm.map((a) => m.shape[a]!);
  const stride = m.perm.map((a) => xStride[a]!); // x's stride along each out axis
  const contiguous = m.perm[rank - 1] === rank - 1;
  const runLen = contiguous ? outShape[rank - 1]! : 1;
  const outer = contiguous ? rank - 1 : rank; // out axes walked by the loop
  if (!contiguous && rank === 2) {
    // a matrix: blocks of 32 × 32 keep both sides in cache
    const [R, C] = outShape as [number, number];
    const sR = stride[0]!, sC = stride[1]!;
    for (let r0 = 0; r0 < R; r0 += 32) for (let c0 = 0; c0 < C; c0 += 32) {
      const r1 = Math.min(R, r0 + 32), c1 = Math.min(C, c0 + 32);
      for (let r = r0; r < r1; r++) for (let c = c0, o = r * C + c0, i = r * sR + c0 * sC; c < c1; c++, o++, i += sC) dst[o] = src[i]!;
    }
    return;
  }
  const idx = new Array<number>(outer).fill(0);
  const inner = contiguous ? 0 : outShape[rank - 1]!, innerStride = contiguous ? 0 : stride[rank - 1]!;
  const last = contiguous ? outer - 1 : outer - 2; // the loop's counter axes: all but the innermost
  let o = 0, i = 0;
  for (;;) {
    if (contiguous && runLen >= 64) {
      dst.set(src.subarray(i, i + runLen), o);
      o += runLen;
    } else if (contiguous) {
      for (let c = 0; c < runLen; c++) dst[o++] = src[i + c]!; // a short run: cheaper than a subarray
    } else {
      for (let c = 0, k = i; c < inner; c++, k += innerStride) dst[o++] = src[k]!;
    }
    let a = last;
    while (a >= 0) {
      idx[a]!++;
      i += stride[a]!;
      if (idx[a]! < outShape[a]!) break;
      i -= stride[a]! * outShape[a]!;
      idx[a] = 0;
      a--;
    }
    if (a < 0) return;
  }
}

/** out = transpose(x, perm) in a new heap tensor. */
export function transposeInfo(backend: WasmBackend, x: tf.TensorInfo, perm: readonly number[]): tf.TensorInfo {
  const out = backend.makeOutput(perm.map((a) => x.shape[a]!), x.dtype);
  if (out.shape.some((d) => d === 0)) return out;
  transposeInto(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out), x.shape, perm);
  return out;
}

export function transpose({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const x = inputs.x!;
  const perm = (attrs as unknown as tf.TransposeAttrs).perm;
  if (x.dtype === 'string' || x.dtype === 'complex64') return run(backend, 'Transpose', { x }, attrs);
  return transposeInfo(backend, x, perm);
}
