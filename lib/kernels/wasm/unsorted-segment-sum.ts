/**
 * UnsortedSegmentSum for the wasm backend (tfjs-backend-wasm 4.22 has none; it is tf.gather's gradient, used by
 * the metric losses that pick rows of a distance matrix): out[s, j] = Σ_{i : ids[i] = s} x[i, j], for segment ids
 * in [0, numSegments) (others are dropped, as in TensorFlow), x viewed as [ids.size, rest].
 */
import type * as tf from '@tensorflow/tfjs-core';
import type { KernelArgs } from './backend.js';

export function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const x = inputs.x!, segmentIds = inputs.segmentIds!;
  const { numSegments } = attrs as unknown as tf.UnsortedSegmentSumAttrs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32') throw new Error(`reprlab wasm UnsortedSegmentSum: dtype '${x.dtype}' is not supported (float32, int32)`);
  const n = segmentIds.shape.reduce((a, b) => a * b, 1);
  const rest = x.shape.slice(segmentIds.shape.length);
  const inner = rest.reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...rest], x.dtype);
  const dst = backend.typedArrayFromHeap(out);
  const src = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  dst.fill(0);
  for (let i = 0; i < n; i++) {
    const s = ids[i]!;
    if (s < 0 || s >= numSegments) continue;
    const o = s * inner, p = i * inner;
    for (let j = 0; j < inner; j++) dst[o + j]! += src[p + j]!;
  }
  return out;
}
