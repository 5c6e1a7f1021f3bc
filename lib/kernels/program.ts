/**
 * The small slice of tfjs-backend-webgpu's internals our kernels use, typed locally (the backend's own typings pull
 * in the DOM WebGPU types): a `WebGPUProgram` is an object with the WGSL body (`getUserCode`), the names of its
 * input buffers, the output shape, a workgroup size and a dispatch grid; `backend.runWebGPUProgram(program, inputs,
 * dtype, uniforms)` compiles it once per `shaderKey` (+ ranks/dtypes), binds `result` (binding 0), the inputs
 * (bindings 1..n, named by `variableNames`) and a uniform struct (NAN, INFINITY, every buffer's shape and strides,
 * then the fields of `program.uniforms`, filled in order from the `uniforms` argument), and records one dispatch.
 *
 * The prelude the backend adds defines `localId`, `localIndex`, `globalId`, `workgroupId`, `numWorkgroups` (private
 * copies of the builtins), and calls `main()` — or `main(index)` when the dispatch layout is flat (x only).
 */
import type * as tf from '@tensorflow/tfjs-core';

export interface UniformData {
  type: 'int32' | 'float32' | 'uint32';
  data: number[];
}

export interface WebGPUProgramLike {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  /** Extra uniform fields, WGSL struct syntax, each ending with a comma: 'M : i32, N : i32,'. */
  uniforms?: string;
  size?: boolean;
  getUserCode(): string;
}

export interface WebGPUBackendLike {
  runWebGPUProgram(program: WebGPUProgramLike, inputs: tf.TensorInfo[], outputDtype: tf.DataType, uniforms?: UniformData[], output?: tf.TensorInfo): tf.TensorInfo;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/** Arguments a kernel function receives from the engine. */
export interface KernelArgs {
  inputs: Record<string, tf.TensorInfo | undefined>;
  backend: unknown;
  attrs?: Record<string, unknown>;
}

export const i32 = (...data: number[]): UniformData => ({ type: 'int32', data });
export const f32 = (...data: number[]): UniformData => ({ type: 'float32', data });

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * Fused activations our epilogues implement (tfjs' `Activation` names); 'prelu' is left to the stock kernel.
 * `alpha` is the leaky-ReLU slope, read from the uniform `alpha`.
 */
export const ACTIVATIONS: Record<string, string> = {
  linear: 'v',
  relu: 'select(v, 0.0, v < 0.0)',
  relu6: 'clamp(v, 0.0, 6.0)',
  elu: 'select(exp(v) - 1.0, v, v >= 0.0)',
  sigmoid: '1.0 / (1.0 + exp(-v))',
  leakyrelu: 'select(uniforms.alpha * v, v, v >= 0.0)',
};
