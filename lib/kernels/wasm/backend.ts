/**
 * What our wasm kernels need from tfjs-backend-wasm: its backend object (tensors live in the WebAssembly heap,
 * addressed through `dataIdMap`), and the stock kernels, called directly (a kernel may not call tf ops).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface WasmBackend {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number; shape: number[]; dtype: tf.DataType; refCount: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): tf.TypedArray;
  disposeData(dataId: object, force?: boolean): boolean;
}

export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: WasmBackend;
  attrs: tf.NamedAttrMap;
}

export type WasmKernelFunc = (args: KernelArgs) => tf.TensorInfo;

export const WASM = 'wasm';

/** The stock kernel `name` of the wasm backend (before ours replace it: see index.ts), or an error naming it. */
export function stockKernel(name: string): WasmKernelFunc {
  const k = stock.get(name) ?? tf.getKernel(name, WASM);
  if (!k) throw new Error(`reprlab: the wasm backend has no '${name}' kernel (is @tensorflow/tfjs-backend-wasm 4.22 loaded?)`);
  if (!stock.has(name) && !(k as { reprlab?: boolean }).reprlab) stock.set(name, k);
  return k.kernelFunc as unknown as WasmKernelFunc;
}

/** Stock configs saved before ours were registered under the same names. */
export const stock = new Map<string, tf.KernelConfig>();

/** Run the stock wasm kernel `name` on tensor infos. */
export function run(backend: WasmBackend, name: string, inputs: tf.NamedTensorInfoMap, attrs: object = {}): tf.TensorInfo {
  return stockKernel(name)({ inputs, backend, attrs: attrs as tf.NamedAttrMap });
}

/** Free intermediate results (a reshape shares its input's data and only drops a reference). */
export function free(backend: WasmBackend, ...infos: tf.TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}

/** A float32 view of a tensor in the wasm heap. Make every output first: allocating may move the heap. */
export function f32(backend: WasmBackend, t: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(t) as Float32Array;
}
