/**
 * BatchMatMul and _FusedMatMul (bias + activation epilogue) on our tiled GEMM, all four transpose combinations,
 * with batch broadcasting when one side has batch 1. Anything else (int32, prelu, a bias that is not one value per
 * output column, batch dims that broadcast both ways) goes to the stock kernel.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { type GemmLoaders, runGemm } from './gemm.js';
import { i32, sizeOf, type KernelArgs, type WebGPUBackendLike } from './program.js';

type Fallback = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

function loaders(transposeA: boolean, transposeB: boolean): GemmLoaders {
  return {
    key: `mm_${transposeA ? 'T' : 'N'}${transposeB ? 'T' : 'N'}`,
    variableNames: ['A', 'B'],
    uniforms: ' aBatchStride : i32, bBatchStride : i32,',
    // A is [batch, M, K] (or [batch, K, M] transposed): the row data is the offset of element (m, 0).
    aContig: transposeA ? 'm' : 'k',
    aRow: transposeA ? 'return vec4<i32>(batch * uniforms.aBatchStride + m, 0, 0, 0);' : 'return vec4<i32>(batch * uniforms.aBatchStride + m * uniforms.K, 0, 0, 0);',
    aLoad: transposeA ? 'return A[r.x + k * uniforms.M];' : 'return A[r.x + k];',
    // B is [batch, K, N] (or [batch, N, K] transposed).
    bContig: transposeB ? 'k' : 'n',
    bRow: transposeB ? 'return vec4<i32>(batch * uniforms.bBatchStride + n * uniforms.K, 0, 0, 0);' : 'return vec4<i32>(batch * uniforms.bBatchStride + n, 0, 0, 0);',
    bLoad: transposeB ? 'return B[r.x + k];' : 'return B[r.x + k * uniforms.N];',
  };
}

interface MatMulAttrs {
  transposeA?: boolean;
  transposeB?: boolean;
  activation?: string | null;
  leakyreluAlpha?: number;
}

/** Our matmul, or undefined when the case is not covered (the caller uses the stock kernel). */
function matMul(args: KernelArgs): tf.TensorInfo | undefined {
  const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const attrs = (args.attrs ?? {}) as MatMulAttrs;
  const activation = attrs.activation ?? 'linear';
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || preluActivationWeights || activation === 'prelu') return undefined;
  const transposeA = !!attrs.transposeA;
  const transposeB = !!attrs.transposeB;
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return undefined;
  const K = transposeA ? a.shape[ra - 2]! : a.shape[ra - 1]!;
  const M = transposeA ? a.shape[ra - 1]! : a.shape[ra - 2]!;
  const kB = transposeB ? b.shape[rb - 1]! : b.shape[rb - 2]!;
  const N = transposeB ? b.shape[rb - 2]! : b.shape[rb - 1]!;
  if (K !== kB || M === 0 || N === 0 || K === 0) return undefined;
  const outerA = a.shape.slice(0, -2);
  const outerB = b.shape.slice(0, -2);
  const batchA = sizeOf(outerA);
  const batchB = sizeOf(outerB);
  // Broadcast only "all batch dims equal" or "one side has a single batch"; leave the rest to the stock kernel.
  let outer: number[];
  if (batchA === 1) outer = outerB.length >= outerA.length ? outerB : outerA;
  else if (batchB === 1) outer = outerA.length >= outerB.length ? outerA : outerB;
  else if (outerA.length === outerB.length && outerA.every((d, i) => d === outerB[i])) outer = outerA;
  else return undefined;
  const batch = Math.max(batchA, batchB);
  if (bias) {
    if (bias.dtype !== 'float32' || sizeOf(bias.shape) !== N || (bias.shape.length > 0 && bias.shape[bias.shape.length - 1] !== N)) return undefined;
  }
  const outShape = [...outer, M, N];
  return runGemm(
    args.backend as WebGPUBackendLike,
    loaders(transposeA, transposeB),
    [a, b],
    { M, N, K, batch },
    outShape,
    [i32(batchA === 1 ? 0 : M * K), i32(batchB === 1 ? 0 : K * N)],
    { allowSplit: true, epilogue: { activation, bias: bias ? 'bias' : undefined }, bias, alpha: attrs.leakyreluAlpha },
  );
}

export function makeMatMulKernel(stock: Fallback) {
  return (args: KernelArgs) => matMul(args) ?? stock(args);
}
