/// <reference path="../node_modules/@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.d.ts" />
/**
 * Register tfjs's chained tensor methods (`x.square().sum()`) on the Tensor class.
 *
 * The `@tensorflow/tfjs` union package registers them; its parts (`tfjs-core` + `tfjs-layers`, which is what we
 * depend on) do not in their Node bundles, although their typings declare them. This fills the gap, in the same
 * way: each method calls the op of the same name with `this` as the first argument.
 */
import * as tfc from '@tensorflow/tfjs-core';

// prettier-ignore
const SAME_NAME = [
  'abs', 'acos', 'acosh', 'add', 'all', 'any', 'argMax', 'argMin', 'asin', 'asinh', 'atan', 'atan2', 'atanh',
  'batchToSpaceND', 'batchNorm', 'broadcastTo', 'cast', 'ceil', 'clipByValue', 'conv1d', 'conv2d', 'cos', 'cosh',
  'cumprod', 'cumsum', 'depthToSpace', 'divNoNan', 'div', 'dot', 'elu', 'equal', 'erf', 'euclideanNorm', 'exp',
  'expandDims', 'expm1', 'fft', 'floor', 'floorDiv', 'gather', 'greaterEqual', 'greater', 'ifft', 'irfft', 'isInf',
  'isFinite', 'isNaN', 'leakyRelu', 'lessEqual', 'less', 'logSigmoid', 'logSoftmax', 'logSumExp', 'log', 'log1p',
  'logicalAnd', 'logicalNot', 'logicalOr', 'logicalXor', 'matMul', 'max', 'maximum', 'mean', 'min', 'minimum',
  'mirrorPad', 'mod', 'mul', 'neg', 'norm', 'notEqual', 'oneHot', 'onesLike', 'pad', 'pool', 'pow', 'prelu', 'prod',
  'reciprocal', 'relu', 'relu6', 'reshape', 'reverse', 'rfft', 'round', 'rsqrt', 'selu', 'sigmoid', 'sign', 'sin',
  'sinh', 'slice', 'softmax', 'softplus', 'spaceToBatchND', 'split', 'sqrt', 'square', 'squaredDifference',
  'squeeze', 'step', 'stridedSlice', 'sub', 'sum', 'tan', 'tanh', 'tile', 'topk', 'transpose', 'unique', 'unstack',
  'zerosLike',
] as const;

type AnyTensor = tfc.Tensor & { throwIfDisposed(): void };
type Method = (this: AnyTensor, ...args: never[]) => unknown;

const reshapeTo = (shape: (t: AnyTensor, args: number[]) => number[]): Method =>
  function (this: AnyTensor, ...args: number[]) {
    return tfc.reshape(this, shape(this, args));
  } as Method;

const SPECIAL: Record<string, Method> = {
  asScalar: function (this: AnyTensor) {
    if (this.size !== 1) throw new Error('asScalar: the tensor must have exactly 1 element');
    return tfc.reshape(this, []);
  },
  asType: function (this: AnyTensor, dtype: tfc.DataType) {
    return tfc.cast(this, dtype);
  } as Method,
  as1D: reshapeTo((t) => [t.size]),
  flatten: reshapeTo((t) => [t.size]),
  as2D: reshapeTo((_, a) => a.slice(0, 2)),
  as3D: reshapeTo((_, a) => a.slice(0, 3)),
  as4D: reshapeTo((_, a) => a.slice(0, 4)),
  as5D: reshapeTo((_, a) => a.slice(0, 5)),
  reshapeAs: function (this: AnyTensor, x: tfc.Tensor) {
    return tfc.reshape(this, x.shape);
  } as Method,
  concat: function (this: AnyTensor, x: tfc.Tensor | tfc.Tensor[], axis?: number) {
    return tfc.concat([this, ...(Array.isArray(x) ? x : [x])], axis);
  } as Method,
  stack: function (this: AnyTensor, x: tfc.Tensor | tfc.Tensor[], axis?: number) {
    return tfc.stack([this, ...(Array.isArray(x) ? x : [x])], axis);
  } as Method,
  toBool: function (this: AnyTensor) {
    return tfc.cast(this, 'bool');
  },
  toFloat: function (this: AnyTensor) {
    return tfc.cast(this, 'float32');
  },
  toInt: function (this: AnyTensor) {
    return tfc.cast(this, 'int32');
  },
  where: function (this: AnyTensor, condition: tfc.Tensor, x: tfc.Tensor) {
    return tfc.where(condition, this, x);
  } as Method,
};

/** Install the chained methods once (idempotent); returns how many were added. */
export function registerChainedOps(): number {
  const proto = tfc.Tensor.prototype as unknown as Record<string, unknown>;
  const ops = tfc as unknown as Record<string, (...args: unknown[]) => unknown>;
  let added = 0;
  const define = (name: string, fn: Method) => {
    if (typeof proto[name] === 'function') return;
    proto[name] = function (this: AnyTensor, ...args: never[]) {
      this.throwIfDisposed();
      return fn.apply(this, args);
    };
    added++;
  };
  for (const name of SAME_NAME) {
    const op = ops[name];
    if (typeof op !== 'function') continue;
    define(name, function (this: AnyTensor, ...args: never[]) {
      return op(this, ...args);
    } as Method);
  }
  for (const [name, fn] of Object.entries(SPECIAL)) define(name, fn);
  return added;
}

registerChainedOps();
