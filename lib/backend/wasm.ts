/**
 * Start tfjs' WebAssembly backend (@tensorflow/tfjs-backend-wasm: XNNPACK kernels, SIMD) and describe it.
 *
 * Its Node bundle finds its .wasm files next to itself (`__dirname`), whether loaded by `import` (our ESM) or by
 * tslab's `require`; we still point it at the package's dist/ folder explicitly, so a bundler or a copied
 * dist/ cannot make it look elsewhere. Threads: the multi-threaded build does not initialise in Node 20 as shipped
 * (`WASM_HAS_MULTITHREAD_SUPPORT` is false there), so this is the single-threaded SIMD build; the report says how many
 * threads it runs.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';

type WasmPackage = { setWasmPaths(prefix: string, usePlatformFetch?: boolean): void; getThreadsCount(): number };

let pkg: WasmPackage | undefined;

/** Load the wasm backend's package (registers backend 'wasm' and its kernels); returns it. */
export async function loadWasmPackage(): Promise<WasmPackage> {
  if (pkg) return pkg;
  const mod = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmPackage & { default?: WasmPackage };
  const p = typeof mod.setWasmPaths === 'function' ? mod : mod.default!;
  const dist = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  p.setWasmPaths(dist + path.sep);
  pkg = p;
  return p;
}

/** Load the package; the one-line description "XNNPACK, SIMD, 1 thread" is finished by {@link describeWasm}. */
export async function startWasm(): Promise<string> {
  await loadWasmPackage();
  if (!(tf.engine() as unknown as { registryFactory: Record<string, unknown> }).registryFactory.wasm) throw new Error("@tensorflow/tfjs-backend-wasm loaded but registered no 'wasm' backend");
  return 'XNNPACK';
}

/** After tf.setBackend('wasm'): "XNNPACK, SIMD, 1 thread" (or "no SIMD", "N threads"). */
export function describeWasm(): string {
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = pkg?.getThreadsCount() ?? 1;
  return `XNNPACK, ${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'}`;
}
