/**
 * Pick, initialise and report the tfjs backend.
 *
 * Order (docs/architecture.md, "Engine notes"; measured in docs/performance.md): `tensorflow` (libtensorflow
 * through @tensorflow/tfjs-node-gpu, then @tensorflow/tfjs-node) > `webgpu` on a hardware adapter (Dawn's Node
 * binding from the `webgpu` package: Vulkan/Metal/D3D12) > `wasm` (@tensorflow/tfjs-backend-wasm: XNNPACK + SIMD,
 * with our training kernels from lib/kernels/wasm) > `webgpu` on a software adapter (Mesa lavapipe/llvmpipe,
 * SwiftShader) > `cpu` (pure JS, slow). The adapter is probed before the webgpu backend is touched, so a software
 * adapter is passed over without leaving webgpu half-initialised. `REPRLAB_BACKEND=tensorflow|webgpu|wasm|cpu` (or
 * `initBackend({ backend })`) forces one (a forced webgpu takes any adapter); a forced backend that cannot start
 * raises {@link BackendUnavailableError} saying how to get it, instead of falling back.
 */
import '../chained-ops.js';
import * as tf from '@tensorflow/tfjs-core';
import { BackendUnavailableError } from './errors.js';

export { BackendUnavailableError };

/** Every backend name, in the order of preference (webgpu: on a hardware adapter; see {@link AUTO_ORDER}). */
export const BACKEND_ORDER = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_ORDER)[number];

/** One step of the automatic choice: a backend, and for webgpu which kind of adapter it may take. */
export interface AutoStep {
  backend: BackendName;
  adapter?: 'hardware' | 'software';
}

/** The automatic choice: tensorflow > webgpu on a hardware adapter > wasm > webgpu on a software adapter > cpu. */
export const AUTO_ORDER: readonly AutoStep[] = [
  { backend: 'tensorflow' },
  { backend: 'webgpu', adapter: 'hardware' },
  { backend: 'wasm' },
  { backend: 'webgpu', adapter: 'software' },
  { backend: 'cpu' },
];

/** Adapter names of WebGPU implementations that run on the CPU. */
export const SOFTWARE_ADAPTER = /software|llvmpipe|lavapipe|swiftshader/i;

export interface BackendInfo {
  /** The tfjs backend now active. */
  backend: BackendName;
  /** What runs the maths: GPU adapter, CUDA device, or the JS engine. */
  device: string;
  /** Backends tried before this one, with why each was skipped. */
  skipped: { backend: BackendName; reason: string }[];
  /** One line for the top of a notebook or log. */
  summary: string;
}

export interface InitBackendOptions {
  /** Force one backend; default `process.env.REPRLAB_BACKEND`, else the first of BACKEND_ORDER that starts. */
  backend?: BackendName | string;
  /** Print the summary line (default true). */
  verbose?: boolean;
}

const FIX: Record<BackendName, string> = {
  tensorflow:
    'Install it with `npm install @tensorflow/tfjs-node-gpu` (NVIDIA, CUDA 11.2 + cuDNN 8.1) or ' +
    '`npm install @tensorflow/tfjs-node` (CPU, libtensorflow); both download libtensorflow at install time ' +
    '(see environment.md). Or unset REPRLAB_BACKEND to fall back to webgpu/cpu.',
  webgpu:
    'It needs the `webgpu` npm package and a Vulkan/Metal/D3D12 driver; on a CPU-only Debian machine install ' +
    "Mesa's lavapipe from bookworm-backports (`bash scripts/setup-system.sh`). Or unset REPRLAB_BACKEND.",
  wasm: '@tensorflow/tfjs-backend-wasm is a regular dependency: reinstall with `npm ci`. Or unset REPRLAB_BACKEND.',
  cpu: 'The cpu backend ships with the package; reinstall with `npm ci`.',
};

let current: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

/** The backend chosen by the last {@link initBackend}, or undefined before it. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

/**
 * Initialise the best available backend (once; later calls return the same info unless another backend is
 * forced). Resolves to what was chosen and prints one line such as
 * `reprlab: backend webgpu on llvmpipe (LLVM 19.1.7, 256 bits) [mesa]`.
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendInfo> {
  let forced: BackendName | undefined;
  try {
    forced = normalise(options.backend ?? process.env.REPRLAB_BACKEND);
  } catch (err) {
    return Promise.reject(err);
  }
  if (current && (!forced || forced === current.backend)) return Promise.resolve(current);
  if (pending && !forced) return pending;
  pending = choose(forced, options.verbose ?? true).finally(() => (pending = undefined));
  return pending;
}

function normalise(name: string | undefined): BackendName | undefined {
  if (name === undefined || name === '' || name === 'auto') return undefined;
  const lower = name.toLowerCase();
  if ((BACKEND_ORDER as readonly string[]).includes(lower)) return lower as BackendName;
  throw new BackendUnavailableError(
    name,
    'unknown backend name',
    `Use one of ${BACKEND_ORDER.join(', ')} (or 'auto'), e.g. REPRLAB_BACKEND=cpu.`,
  );
}

async function choose(forced: BackendName | undefined, verbose: boolean): Promise<BackendInfo> {
  const candidates: readonly AutoStep[] = forced ? [{ backend: forced }] : AUTO_ORDER;
  const skipped: BackendInfo['skipped'] = [];
  for (const { backend: name, adapter } of candidates) {
    try {
      if (adapter) {
        // Probe the adapter before loading/initialising tfjs-backend-webgpu, and pass over the wrong kind.
        const { installWebGPU } = await import('./webgpu.js');
        const software = SOFTWARE_ADAPTER.test(await installWebGPU());
        if (software !== (adapter === 'software')) throw new Error(software ? 'software adapter (wasm is faster; tried after it)' : 'hardware adapter (chosen before wasm)');
      }
      let device = await START[name]();
      if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
      await tf.ready();
      quietenBackends();
      let what = `${name} on ${device}`;
      if (name === 'wasm') {
        const { registerWasmKernels } = await import('../kernels/wasm/index.js');
        registerWasmKernels();
        const { describeWasm } = await import('./wasm.js');
        device = describeWasm();
        what = `wasm (${device})`;
      }
      const summary = `reprlab: backend ${what}` + (skipped.length ? ` (skipped: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')})` : '');
      current = { backend: name, device, skipped, summary };
      if (verbose) console.log(summary);
      return current;
    } catch (err) {
      const reason = firstLine(err);
      if (forced) throw new BackendUnavailableError(name, reason, FIX[name]);
      skipped.push({ backend: name, reason });
    }
  }
  throw new Error(`reprlab: no tfjs backend could start: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join('; ')}`);
}

/**
 * tfjs-backend-cpu prints an advert for tfjs-node on its first use in Node; a notebook should not show it.
 * tfjs-backend-webgpu's synchronous read needs OffscreenCanvas, which Node lacks: make it fail with a message
 * that says what to do instead of a ReferenceError.
 */
function quietenBackends(): void {
  const cpu = tf.findBackend('cpu') as { firstUse?: boolean } | null;
  if (cpu && 'firstUse' in cpu) cpu.firstUse = false;
  const gpu = tf.findBackend('webgpu') as { readSync?: (id: object) => unknown; tensorMap?: { get(id: object): { values?: unknown } | undefined } } | null;
  if (gpu && gpu.readSync && !(gpu.readSync as { reprlab?: boolean }).reprlab) {
    const original = gpu.readSync.bind(gpu);
    const patched = (dataId: object) => {
      const entry = gpu.tensorMap?.get(dataId);
      if (entry?.values != null || typeof OffscreenCanvas !== 'undefined') return original(dataId);
      throw new Error(
        'synchronous GPU read (dataSync/arraySync/print/toString) is not available on the webgpu backend in Node. ' +
          'Use the async form: `await t.data()`, `await t.array()`, or `await show(t)`.',
      );
    };
    (patched as { reprlab?: boolean }).reprlab = true;
    gpu.readSync = patched;
  }
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0]!.slice(0, 200);
}

/** Dynamic import that TypeScript does not try to resolve (the tensorflow packages are optional). */
const importOptional = (name: string): Promise<unknown> => import(name);

const START: Record<BackendName, () => Promise<string>> = {
  async tensorflow() {
    let lastError: unknown;
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      try {
        await importOptional(pkg);
        if (!tf.findBackend('tensorflow')) throw new Error(`${pkg} loaded but registered no 'tensorflow' backend`);
        return `libtensorflow via ${pkg}` + (pkg.endsWith('gpu') ? ' (CUDA)' : ' (CPU)');
      } catch (err) {
        lastError = err;
      }
    }
    const detail = firstLine(lastError);
    throw new Error(/Cannot find (package|module)/.test(detail) ? 'tfjs-node(-gpu) is not installed' : `tfjs-node(-gpu) failed to load: ${detail}`);
  },
  async webgpu() {
    const { installWebGPU } = await import('./webgpu.js');
    const adapter = await installWebGPU();
    await import('@tensorflow/tfjs-backend-webgpu');
    // Our faster kernels for the hot ops (lib/kernels; REPRLAB_KERNELS=stock keeps tfjs' own).
    const { applyKernelChoice } = await import('../kernels/index.js');
    applyKernelChoice({ software: SOFTWARE_ADAPTER.test(adapter) });
    return adapter;
  },
  async wasm() {
    const { startWasm } = await import('./wasm.js');
    return startWasm();
  },
  async cpu() {
    await import('@tensorflow/tfjs-backend-cpu');
    await import('../kernels/cpu-conv.js'); // a filter-gradient kernel ~50x faster than the stock one
    return `the JS engine (${process.arch}, pure-JS kernels: slow, for tests and small runs)`;
  },
};
