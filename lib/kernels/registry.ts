/**
 * Switch between tfjs-backend-webgpu's stock kernels and ours, for the whole process, at any time:
 * `useCustomKernels(true|false|'auto')`, or `REPRLAB_KERNELS=ours|stock|auto` before `initBackend()` (default auto:
 * all of ours on a GPU; on a software adapter such as lavapipe only those that are faster there).
 *
 * Ours are registered for the 'webgpu' backend only, under the stock kernel names (tfjs looks the kernel up at every
 * op call, so the switch takes effect on the next op). The stock configs are saved first (`tf.getKernel`) and put
 * back when switched off; each of our kernels also falls back to the saved stock kernel for cases it does not cover.
 * Kernels of new names (the fused NT-Xent's) are registered when on and unregistered when off.
 */
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';
import { makeConv2DBackpropFilterKernel, makeConv2DBackpropInputKernel, makeConv2DKernel } from './conv.js';
import { planOptions } from './gemm.js';
import { makeMatMulKernel } from './matmul.js';
import { NTXENT_KERNELS } from './ntxent.js';
import type { KernelArgs } from './program.js';

type KernelFunc = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];
type Factory = (stock: KernelFunc) => KernelFunc;

/** Our kernels, by tfjs kernel name. */
const OURS: Record<string, Factory> = {
  BatchMatMul: makeMatMulKernel,
  _FusedMatMul: makeMatMulKernel,
  Conv2D: makeConv2DKernel,
  FusedConv2D: makeConv2DKernel,
  Conv2DBackpropInput: makeConv2DBackpropInputKernel,
  Conv2DBackpropFilter: makeConv2DBackpropFilterKernel,
};

/**
 * Our kernels of new names (no stock kernel behind them): registered for webgpu when switched on, unregistered when
 * off. The fused NT-Xent (lib/kernels/ntxent.ts): `ntXent` takes its fused path while these are registered.
 */
const NEW: Record<string, (args: KernelArgs) => tf.TensorInfo> = { ...NTXENT_KERNELS };

const REPLACED: readonly string[] = Object.keys(OURS);

/** Every kernel name of ours on webgpu: the stock names we replace, then our own new ones. */
export const CUSTOM_KERNEL_NAMES: readonly string[] = [...REPLACED, ...Object.keys(NEW)];

/**
 * On a software adapter (Mesa lavapipe/llvmpipe, SwiftShader: the GPU code path run by the CPU), 'auto' uses only
 * these: measured faster there (docs/performance.md). Our tiled kernels are built for GPUs; the stock
 * backprop-filter kernel is a serial loop over batch×H×W per filter element, slow on any device; the fused NT-Xent
 * (with the stock GEMMs) replaces ≈ 100 dispatches by 20 and was 1.7–2.3× faster on lavapipe.
 */
export const SOFTWARE_ADAPTER_KERNELS: readonly string[] = ['Conv2DBackpropFilter', ...Object.keys(NTXENT_KERNELS)];

export type KernelChoice = boolean | 'auto';

const BACKEND = 'webgpu';
const stock = new Map<string, tf.KernelConfig>();
const active = new Set<string>();
let wanted: KernelChoice | undefined;
let softwareAdapter = false;

function replace(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, BACKEND)) tf.unregisterKernel(config.kernelName, BACKEND);
  tf.registerKernel(config);
}

/**
 * Use our WebGPU kernels (true), the stock tfjs-backend-webgpu ones (false), or 'auto' (the default: all of ours on
 * a GPU, only {@link SOFTWARE_ADAPTER_KERNELS} on a software adapter). Takes effect at the next op. Before the
 * webgpu backend is loaded this only records the choice, which initBackend applies. Returns the kernel names that
 * are ours now.
 */
export function useCustomKernels(choice: KernelChoice): string[] {
  check(typeof choice === 'boolean' || choice === 'auto', 'useCustomKernels', 'choice', "true (ours), false (stock tfjs kernels) or 'auto'", choice);
  wanted = choice;
  return applyKernelChoice();
}

/** Whether every one of our kernels is in use (false under 'stock' and under 'auto' on a software adapter). */
export function customKernelsEnabled(): boolean {
  return active.size === CUSTOM_KERNEL_NAMES.length;
}

/** The kernel names that currently run our implementation. */
export function activeCustomKernels(): string[] {
  return CUSTOM_KERNEL_NAMES.filter((n) => active.has(n));
}

/** The choice: useCustomKernels()'s, else REPRLAB_KERNELS (ours | stock | auto), else 'auto'. */
export function wantedKernels(): KernelChoice {
  if (wanted !== undefined) return wanted;
  const env = (typeof process !== 'undefined' ? process.env.REPRLAB_KERNELS : undefined)?.toLowerCase();
  check(
    env === undefined || env === '' || env === 'ours' || env === 'stock' || env === 'auto',
    'REPRLAB_KERNELS',
    'REPRLAB_KERNELS',
    "'ours', 'stock' or 'auto'",
    env,
    'Unset it (auto), or set REPRLAB_KERNELS=stock to use the stock tfjs kernels, =ours to use all of ours.',
  );
  return env === 'ours' ? true : env === 'stock' ? false : 'auto';
}

/**
 * Register ours / restore the stock kernels according to {@link wantedKernels}. Called by initBackend once the
 * webgpu backend's kernels are registered (with whether the adapter is a software one); a no-op while they are not.
 */
export function applyKernelChoice(adapter?: { software: boolean }): string[] {
  if (adapter) {
    softwareAdapter = adapter.software;
    // A CPU runs a few workgroups at a time: prefer big tiles and little split-K there.
    planOptions.targetWorkgroups = softwareAdapter ? 16 : 256;
  }
  // Save the stock kernels the first time we see them.
  for (const name of REPLACED) {
    if (!stock.has(name)) {
      const k = tf.getKernel(name, BACKEND);
      if (k && !(k as { reprlab?: boolean }).reprlab) stock.set(name, k);
    }
  }
  if (stock.size < REPLACED.length) return [];
  const want = wantedKernels();
  for (const name of CUSTOM_KERNEL_NAMES) {
    const on = want === 'auto' ? !softwareAdapter || SOFTWARE_ADAPTER_KERNELS.includes(name) : want;
    if (on === active.has(name)) continue;
    if (name in NEW) {
      if (on) replace({ kernelName: name, backendName: BACKEND, kernelFunc: NEW[name] as unknown as tf.KernelFunc, reprlab: true } as tf.KernelConfig);
      else if (tf.getKernel(name, BACKEND)) tf.unregisterKernel(name, BACKEND);
    } else {
      const original = stock.get(name)!;
      const ours = () => OURS[name]!(original.kernelFunc as unknown as KernelFunc) as unknown as tf.KernelFunc;
      replace(on ? ({ ...original, kernelFunc: ours(), reprlab: true } as tf.KernelConfig) : original);
    }
    if (on) active.add(name);
    else active.delete(name);
  }
  return activeCustomKernels();
}
