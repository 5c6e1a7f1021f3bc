/**
 * Conv2DBackpropFilter for the wasm backend (tfjs-backend-wasm 4.22 has none): the gradient of a convolution
 * y = conv2d(x, W; stride s, padding p) with respect to its filter,
 *
 *   dW[kh, kw, ci, co] = Σ_{b, oh, ow} x[b, oh·s_h + kh − p_top, ow·s_w + kw − p_left, ci] · dy[b, oh, ow, co],
 *
 * which is itself a convolution with the batch as the reduction ("channel") axis: with Xᵀ = x transposed to
 * [ci, h, w, b] and Dᵀ = dy transposed to [oh, ow, b, co] as the filter, dW = conv2d(Xᵀ, Dᵀ; stride 1,
 * dilation s, padding p_top / p_left and whatever makes the output kh × kw) transposed back to [kh, kw, ci, co].
 * All four steps are the backend's own XNNPACK/SIMD kernels (Transpose, Slice, Conv2D), so the maths runs at
 * Conv2D speed. Channels-last only (as the wasm backend's Conv2D).
 */
import * as tf from '@tensorflow/tfjs-core';
import { free, run, type KernelArgs } from './backend.js';
import { transposeInfo } from './transpose.js';

export function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const x = inputs.x!, dy = inputs.dy!;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false,
    tf.backend_util.convertConv2DDataFormat(dataFormat));
  if (info.dataFormat !== 'channelsLast') throw new Error(`reprlab wasm Conv2DBackpropFilter: dataFormat '${dataFormat}' is not supported; use 'NHWC' (channels last)`);
  const { inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top, left = info.padInfo.left;
  // Padding after the image so that the output is exactly filterHeight × filterWidth; negative: crop instead.
  let bottom = filterHeight + (outHeight - 1) * strideHeight - inHeight - top;
  let right = filterWidth + (outWidth - 1) * strideWidth - inWidth - left;
  const temps: tf.TensorInfo[] = [];
  let xt = transposeInfo(backend, x, [3, 1, 2, 0]); // [ci, h, w, b]
  temps.push(xt);
  if (bottom < 0 || right < 0) {
    const [c, h, w, b] = xt.shape;
    xt = run(backend, 'Slice', { x: xt }, { begin: [0, 0, 0, 0], size: [c!, h! + Math.min(bottom, 0), w! + Math.min(right, 0), b!] });
    temps.push(xt);
    bottom = Math.max(bottom, 0);
    right = Math.max(right, 0);
  }
  const dyt = transposeInfo(backend, dy, [1, 2, 0, 3]); // [oh, ow, b, co]
  temps.push(dyt);
  const g = run(backend, 'Conv2D', { x: xt, filter: dyt }, {
    strides: [1, 1],
    dilations: [strideHeight, strideWidth],
    pad: [[0, 0], [top, bottom], [left, right], [0, 0]],
    dataFormat: 'NHWC',
  }); // [ci, kh, kw, co]
  temps.push(g);
  const out = transposeInfo(backend, g, [1, 2, 0, 3]);
  free(backend, ...temps);
  return out;
}
