/**
 * MaxPoolGrad for the wasm backend: dx[argmax of each pooling window] += dy[window], in one pass over the windows
 * with the channels innermost (the stock kernel took ≈ 1 s for a 2×2 pool of [512, 28, 28, 32]). The argmax is
 * the first maximum in row-major window order, as in the cpu backend (ties are common after a ReLU: zeros), so
 * the gradients equal cpu's. Padded positions are skipped.
 */
import * as tf from '@tensorflow/tfjs-core';
import { run, type KernelArgs } from './backend.js';

export function maxPoolGrad({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const dy = inputs.dy!, input = inputs.input!;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  if (input.dtype !== 'float32') return run(backend, 'MaxPoolGrad', inputs, attrs);
  const info = tf.backend_util.computePool2DInfo(input.shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
  const { batchSize, inHeight: H, inWidth: W, inChannels: C, outHeight, outWidth, strideHeight, strideWidth, dilationHeight, dilationWidth, effectiveFilterHeight, effectiveFilterWidth } = info;
  const top = info.padInfo.top, left = info.padInfo.left;
  const out = backend.makeOutput(input.shape, 'float32');
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  const x = backend.typedArrayFromHeap(input) as Float32Array;
  const g = backend.typedArrayFromHeap(dy) as Float32Array;
  dx.fill(0);
  const best = new Float32Array(C);
  const arg = new Int32Array(C);
  for (let b = 0; b < batchSize; b++)
    for (let oh = 0; oh < outHeight; oh++)
      for (let ow = 0; ow < outWidth; ow++) {
        best.fill(-Infinity);
        arg.fill(-1);
        for (let kh = 0; kh < effectiveFilterHeight; kh += dilationHeight) {
          const ih = oh * strideHeight - top + kh;
          if (ih < 0 || ih >= H) continue;
          for (let kw = 0; kw < effectiveFilterWidth; kw += dilationWidth) {
            const iw = ow * strideWidth - left + kw;
            if (iw < 0 || iw >= W) continue;
            const base = ((b * H + ih) * W + iw) * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c]!;
              if (v > best[c]!) {
                best[c] = v;
                arg[c] = base + c;
              }
            }
          }
        }
        const gBase = ((b * outHeight + oh) * outWidth + ow) * C;
        for (let c = 0; c < C; c++) if (arg[c]! >= 0) dx[arg[c]!]! += g[gBase + c]!;
      }
  return out;
}
