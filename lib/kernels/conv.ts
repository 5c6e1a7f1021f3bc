/**
 * 2-D convolutions (NHWC, any stride/padding; dilation on the forward pass) as implicit GEMMs on our tiled kernel:
 * the patch matrix is never materialised, the loaders index the image directly.
 *
 * - forward (Conv2D, FusedConv2D): C[m=(b,oy,ox)][n=co] = Σ_{k=(ky,kx,ci)} x[b, oy·sh−pt+ky·dh, ox·sw−pl+kx·dw, ci] · W[k][co]
 * - backprop input (Conv2DBackpropInput): dX[m=(b,iy,ix)][n=ci] = Σ_{k=(ky,kx,co)} dy[b, (iy+pt−ky)/sh, (ix+pl−kx)/sw, co] · W[ky,kx,ci,co]
 *   (terms where the division is not exact or falls outside dy are zero)
 * - backprop filter (Conv2DBackpropFilter): dW[m=(ky,kx,ci)][n=co] = Σ_{k=(b,oy,ox)} x[b, oy·sh−pt+ky, ox·sw−pl+kx, ci] · dy[k][co],
 *   a small output with a very long k: split-K + reduce.
 * NCHW, non-float32 inputs, prelu, and biases that are not one value per output channel go to the stock kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import { type GemmLoaders, runGemm } from './gemm.js';
import { i32, sizeOf, type KernelArgs, type WebGPUBackendLike } from './program.js';

type Fallback = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];
type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/** Uniforms every conv loader uses (declared in this order). */
const CONV_UNIFORMS =
  ' inH : i32, inW : i32, inC : i32, outH : i32, outW : i32, outC : i32, fH : i32, fW : i32,' +
  ' strideH : i32, strideW : i32, padT : i32, padL : i32, dilH : i32, dilW : i32,';

function convUniforms(c: ConvInfo) {
  return [
    i32(c.inHeight), i32(c.inWidth), i32(c.inChannels), i32(c.outHeight), i32(c.outWidth), i32(c.outChannels),
    i32(c.filterHeight), i32(c.filterWidth), i32(c.strideHeight), i32(c.strideWidth),
    i32(c.padInfo.top), i32(c.padInfo.left), i32(c.dilationHeight), i32(c.dilationWidth),
  ];
}

const FORWARD: GemmLoaders = {
  key: 'conv_fwd',
  variableNames: ['x', 'W'],
  uniforms: CONV_UNIFORMS,
  aContig: 'k',
  // row m = (b, oy, ox): x offset of image b, top-left input corner of the window.
  aRow: `let hw = uniforms.outH * uniforms.outW; let b = m / hw; let p = m - b * hw; let oy = p / uniforms.outW; let ox = p - oy * uniforms.outW;
    return vec4<i32>(b * uniforms.inH * uniforms.inW * uniforms.inC, oy * uniforms.strideH - uniforms.padT, ox * uniforms.strideW - uniforms.padL, 0);`,
  aLoad: `let kwc = uniforms.fW * uniforms.inC; let ky = k / kwc; let q = k - ky * kwc; let kx = q / uniforms.inC; let ci = q - kx * uniforms.inC;
    let iy = r.y + ky * uniforms.dilH; let ix = r.z + kx * uniforms.dilW;
    if (iy < 0 || iy >= uniforms.inH || ix < 0 || ix >= uniforms.inW) { return 0.0; }
    return x[r.x + (iy * uniforms.inW + ix) * uniforms.inC + ci];`,
  bContig: 'n',
  bRow: 'return vec4<i32>(n, 0, 0, 0);',
  bLoad: 'return W[k * uniforms.N + r.x];',
};

const BACKPROP_INPUT: GemmLoaders = {
  key: 'conv_bpi',
  variableNames: ['dy', 'W'],
  uniforms: CONV_UNIFORMS,
  aContig: 'k',
  // row m = (b, iy, ix): dy offset of image b, and (iy + padT, ix + padL).
  aRow: `let hw = uniforms.inH * uniforms.inW; let b = m / hw; let p = m - b * hw; let iy = p / uniforms.inW; let ix = p - iy * uniforms.inW;
    return vec4<i32>(b * uniforms.outH * uniforms.outW * uniforms.outC, iy + uniforms.padT, ix + uniforms.padL, 0);`,
  // k = (ky, kx, co).
  aLoad: `let kk = k / uniforms.outC; let co = k - kk * uniforms.outC; let ky = kk / uniforms.fW; let kx = kk - ky * uniforms.fW;
    let ty = r.y - ky; let tx = r.z - kx;
    if (ty < 0 || tx < 0) { return 0.0; }
    let oy = ty / uniforms.strideH; let ox = tx / uniforms.strideW;
    if (oy * uniforms.strideH != ty || ox * uniforms.strideW != tx || oy >= uniforms.outH || ox >= uniforms.outW) { return 0.0; }
    return dy[r.x + (oy * uniforms.outW + ox) * uniforms.outC + co];`,
  bContig: 'k',
  // W[ky, kx, n, co] for k = (ky, kx, co).
  bRow: 'return vec4<i32>(n * uniforms.outC, 0, 0, 0);',
  bLoad: 'let kk = k / uniforms.outC; let co = k - kk * uniforms.outC; return W[kk * uniforms.inC * uniforms.outC + r.x + co];',
};

const BACKPROP_FILTER: GemmLoaders = {
  key: 'conv_bpf',
  variableNames: ['x', 'dy'],
  uniforms: CONV_UNIFORMS,
  // m = (ky, kx, ci), contiguous in x along ci (and along (kx, ci) for a fixed input row).
  aContig: 'm',
  aRow: `let kwc = uniforms.fW * uniforms.inC; let ky = m / kwc; let q = m - ky * kwc; let kx = q / uniforms.inC; let ci = q - kx * uniforms.inC;
    return vec4<i32>(ky - uniforms.padT, kx - uniforms.padL, ci, 0);`,
  // k = (b, oy, ox).
  aLoad: `let hw = uniforms.outH * uniforms.outW; let b = k / hw; let p = k - b * hw; let oy = p / uniforms.outW; let ox = p - oy * uniforms.outW;
    let iy = oy * uniforms.strideH + r.x; let ix = ox * uniforms.strideW + r.y;
    if (iy < 0 || iy >= uniforms.inH || ix < 0 || ix >= uniforms.inW) { return 0.0; }
    return x[((b * uniforms.inH + iy) * uniforms.inW + ix) * uniforms.inC + r.z];`,
  bContig: 'n',
  bRow: 'return vec4<i32>(n, 0, 0, 0);',
  bLoad: 'return dy[k * uniforms.N + r.x];',
};

interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  dataFormat?: 'NHWC' | 'NCHW';
  dilations?: number | [number, number];
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  activation?: string;
  leakyreluAlpha?: number;
  filterShape?: [number, number, number, number];
  inputShape?: [number, number, number, number];
}

/** Below this many input channels Conv2DBackpropInput stays with the stock kernel (see backpropInput). */
export const MIN_GEMM_CHANNELS = 4;

const channelsLast = (a: ConvAttrs) => a.dataFormat === undefined || a.dataFormat === 'NHWC';

function forward(args: KernelArgs): tf.TensorInfo | undefined {
  const { x, filter, bias, preluActivationWeights } = args.inputs;
  const a = (args.attrs ?? {}) as unknown as ConvAttrs;
  const activation = a.activation ?? 'linear';
  if (!x || !filter || x.dtype !== 'float32' || filter.dtype !== 'float32' || !channelsLast(a) || preluActivationWeights || activation === 'prelu') return undefined;
  if (x.shape.length !== 4) return undefined;
  const c = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filter.shape as [number, number, number, number], a.strides, a.dilations ?? 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  if (bias && (bias.dtype !== 'float32' || sizeOf(bias.shape) !== c.outChannels)) return undefined;
  const M = c.batchSize * c.outHeight * c.outWidth;
  const N = c.outChannels;
  const K = c.filterHeight * c.filterWidth * c.inChannels;
  return runGemm(args.backend as WebGPUBackendLike, FORWARD, [x, filter], { M, N, K, batch: 1 }, c.outShape, convUniforms(c), {
    allowSplit: false,
    epilogue: { activation, bias: bias ? 'bias' : undefined },
    bias,
    alpha: a.leakyreluAlpha,
  });
}

function backpropInput(args: KernelArgs): tf.TensorInfo | undefined {
  const { dy, filter } = args.inputs;
  const a = (args.attrs ?? {}) as unknown as ConvAttrs;
  if (!dy || !filter || dy.dtype !== 'float32' || filter.dtype !== 'float32' || !channelsLast(a) || !a.inputShape) return undefined;
  const c = tf.backend_util.computeConv2DInfo(a.inputShape, filter.shape as [number, number, number, number], a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  // With 1-3 input channels (an RGB or grey first layer) a GEMM tile is mostly empty columns, while the stock kernel
  // (one thread per input element, a loop over kh·kw·Cout) is already parallel enough: leave it that case.
  if (c.inChannels < MIN_GEMM_CHANNELS) return undefined;
  const M = c.batchSize * c.inHeight * c.inWidth;
  const N = c.inChannels;
  const K = c.filterHeight * c.filterWidth * c.outChannels;
  return runGemm(args.backend as WebGPUBackendLike, BACKPROP_INPUT, [dy, filter], { M, N, K, batch: 1 }, c.inShape, convUniforms(c), { allowSplit: false });
}

function backpropFilter(args: KernelArgs): tf.TensorInfo | undefined {
  const { x, dy } = args.inputs;
  const a = (args.attrs ?? {}) as unknown as ConvAttrs;
  if (!x || !dy || x.dtype !== 'float32' || dy.dtype !== 'float32' || !channelsLast(a) || !a.filterShape || x.shape.length !== 4) return undefined;
  const c = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], a.filterShape, a.strides, 1, a.pad, a.dimRoundingMode, false, 'channelsLast');
  const M = c.filterHeight * c.filterWidth * c.inChannels;
  const N = c.outChannels;
  const K = c.batchSize * c.outHeight * c.outWidth;
  return runGemm(args.backend as WebGPUBackendLike, BACKPROP_FILTER, [x, dy], { M, N, K, batch: 1 }, c.filterShape, convUniforms(c), { allowSplit: true });
}

export const makeConv2DKernel = (stock: Fallback) => (args: KernelArgs) => forward(args) ?? stock(args);
export const makeConv2DBackpropInputKernel = (stock: Fallback) => (args: KernelArgs) => backpropInput(args) ?? stock(args);
export const makeConv2DBackpropFilterKernel = (stock: Fallback) => (args: KernelArgs) => backpropFilter(args) ?? stock(args);
