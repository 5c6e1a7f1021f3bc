/**
 * Conv2DBackpropInput for the wasm backend, composed from the backend's XNNPACK Conv2D (the stock kernel is a
 * scalar C++ loop, ≈ 8× slower than the forward convolution of the same size). The gradient of
 * y = conv2d(x, W; stride s, padding p) with respect to its input,
 *
 *   dx[b, ih, iw, ci] = Σ_{kh, kw, co} dy[b, oh, ow, co] · W[kh, kw, ci, co]   over ih = oh·s_h + kh − p_top,
 *
 * is a stride-1 convolution of dy dilated by s (s − 1 zeros between its rows/columns) with the filter flipped in
 * space and its channel axes swapped, Wᶠ[kh, kw, co, ci] = W[KH−1−kh, KW−1−kw, ci, co], padded by KH−1−p_top above
 * (and below, whatever makes the output H rows; cropped where that is negative). Channels-last only.
 */
import * as tf from '@tensorflow/tfjs-core';
import { free, run, type KernelArgs } from './backend.js';
import { transposeInfo } from './transpose.js';

export function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): tf.TensorInfo {
  const dy = inputs.dy!, filter = inputs.filter!;
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const info = tf.backend_util.computeConv2DInfo(inputShape, filter.shape as [number, number, number, number], strides, 1, pad, dimRoundingMode, false,
    tf.backend_util.convertConv2DDataFormat(dataFormat));
  if (info.dataFormat !== 'channelsLast') throw new Error(`reprlab wasm Conv2DBackpropInput: dataFormat '${dataFormat}' is not supported; use 'NHWC' (channels last)`);
  const { batchSize, inHeight, inWidth, outHeight, outWidth, outChannels, strideHeight: sh, strideWidth: sw, filterHeight: kh, filterWidth: kw } = info;
  const temps: tf.TensorInfo[] = [];
  let d = dy;
  let dh = outHeight, dw = outWidth;
  if (sh > 1 || sw > 1) {
    // Dilate: [b, oh, 1, ow, 1, co] padded after the unit axes to [b, oh, sh, ow, sw, co].
    const r = run(backend, 'Reshape', { x: dy }, { shape: [batchSize, outHeight, 1, outWidth, 1, outChannels] });
    const p = run(backend, 'PadV2', { x: r }, { paddings: [[0, 0], [0, 0], [0, sh - 1], [0, 0], [0, sw - 1], [0, 0]], constantValue: 0 });
    dh = outHeight * sh;
    dw = outWidth * sw;
    d = run(backend, 'Reshape', { x: p }, { shape: [batchSize, dh, dw, outChannels] });
    temps.push(r, p, d);
  }
  let top = kh - 1 - info.padInfo.top, left = kw - 1 - info.padInfo.left;
  let bottom = inHeight + kh - 1 - dh - top, right = inWidth + kw - 1 - dw - left;
  if (top < 0 || left < 0 || bottom < 0 || right < 0) {
    const t0 = Math.max(-top, 0), l0 = Math.max(-left, 0);
    const size = [batchSize, dh - t0 - Math.max(-bottom, 0), dw - l0 - Math.max(-right, 0), outChannels];
    d = run(backend, 'Slice', { x: d }, { begin: [0, t0, l0, 0], size });
    temps.push(d);
    [top, left, bottom, right] = [top, left, bottom, right].map((v) => Math.max(v, 0)) as [number, number, number, number];
  }
  const flipped = run(backend, 'Reverse', { x: filter }, { dims: [0, 1] });
  const wf = transposeInfo(backend, flipped, [0, 1, 3, 2]); // [kh, kw, co, ci]
  temps.push(flipped, wf);
  const out = run(backend, 'Conv2D', { x: d, filter: wf }, { strides: [1, 1], dilations: [1, 1], pad: [[0, 0], [top, bottom], [left, right], [0, 0]], dataFormat: 'NHWC' });
  free(backend, ...temps);
  return out;
}
