/**
 * A faster Conv2DBackpropFilter for the `cpu` backend (the gradient of a convolution with respect to its filter).
 * tfjs-backend-cpu 4.22 reads every element through `TensorBuffer.get(b, r, c, d)` in its innermost loop, which
 * made one small-CNN training step on 28×28 images take minutes: this version walks the flat NHWC arrays,
 * skipping zero inputs (after ReLU, half of them), and accumulates in float64. Same results within float32
 * round-off (test/kernels/cpu-conv.test.ts). Registered on import for 'cpu' only (channels-last; the stock kernel
 * still handles channels-first).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';

type CpuBackend = { data: { get(id: unknown): { values: ArrayLike<number> } }; makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo };

const stock = tf.getKernel(tf.Conv2DBackpropFilter, 'cpu');

function conv2DBackpropFilterFast(args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const { inputs, attrs } = args;
  const backend = args.backend as CpuBackend;
  const x = inputs.x!, dy = inputs.dy!;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false,
    tf.backend_util.convertConv2DDataFormat(dataFormat));
  if (info.dataFormat !== 'channelsLast' || x.dtype !== 'float32' || dy.dtype !== 'float32') return stock!.kernelFunc(args as never) as tf.TensorInfo;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top, left = info.padInfo.left;
  const xv = backend.data.get(x.dataId).values as Float32Array;
  const dyv = backend.data.get(dy.dataId).values as Float32Array;
  const acc = new Float64Array(filterHeight * filterWidth * inChannels * outChannels);
  for (let b = 0; b < batchSize; b++)
    for (let yR = 0; yR < outHeight; yR++)
      for (let yC = 0; yC < outWidth; yC++) {
        const dyOff = ((b * outHeight + yR) * outWidth + yC) * outChannels;
        for (let wR = 0; wR < filterHeight; wR++) {
          const xR = yR * strideHeight - top + wR;
          if (xR < 0 || xR >= inHeight) continue;
          for (let wC = 0; wC < filterWidth; wC++) {
            const xC = yC * strideWidth - left + wC;
            if (xC < 0 || xC >= inWidth) continue;
            const xOff = ((b * inHeight + xR) * inWidth + xC) * inChannels;
            const wOff = (wR * filterWidth + wC) * inChannels * outChannels;
            for (let d1 = 0; d1 < inChannels; d1++) {
              const xval = xv[xOff + d1]!;
              if (xval === 0) continue;
              const row = wOff + d1 * outChannels;
              for (let d2 = 0; d2 < outChannels; d2++) acc[row + d2]! += xval * dyv[dyOff + d2]!;
            }
          }
        }
      }
  return backend.makeTensorInfo(filterShape as number[], 'float32', Float32Array.from(acc));
}

/** Register the fast kernel for 'cpu' (idempotent). Returns whether it is active. */
export function useFastCpuConvGrad(): boolean {
  if (!stock) return false;
  const current = tf.getKernel(tf.Conv2DBackpropFilter, 'cpu');
  if (current?.kernelFunc === (conv2DBackpropFilterFast as unknown)) return true;
  if (current) tf.unregisterKernel(tf.Conv2DBackpropFilter, 'cpu');
  tf.registerKernel({ kernelName: tf.Conv2DBackpropFilter, backendName: 'cpu', kernelFunc: conv2DBackpropFilterFast as unknown as tf.KernelFunc });
  return true;
}

useFastCpuConvGrad();
