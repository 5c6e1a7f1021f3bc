/**
 * More than one thread for tfjs' wasm backend in Node: its threaded SIMD build (XNNPACK's pthreadpool on Emscripten
 * pthreads = Node worker_threads sharing one WebAssembly.Memory), which does not start in Node as shipped
 * (docs/performance.md, "CPU engine: wasm vs PyTorch" has the errors and the measurements). Five things stand in
 * the way, and {@link withWasmThreads} removes each for the duration of the backend's initialisation only:
 *
 * 1. `WASM_HAS_MULTITHREAD_SUPPORT` is hard-wired to false under Node (tfjs issue 3830): set it to true.
 * 2. tfjs gives Emscripten the pthread worker script as a `blob:` URL, which Node's Worker refuses
 *    (`ERR_WORKER_PATH: The worker script or module filename must be an absolute path ...`): the same script is
 *    written to a file in the OS temp folder and `URL.createObjectURL` hands out that path for it.
 * 3. The workers import the main script from a Blob, which the worker's `importScripts` shim (an fs read) cannot
 *    load: the worker file `require`s the package's own copy of it (wasm-out/tfjs-backend-wasm-threaded-simd.js).
 * 4. tfjs' C++ caps the pool at `emscripten_num_logical_cores() / 2` (it assumes two hyperthreads per core), and in
 *    Node that is `os.cpus().length / 2`: one thread on a 2-vCPU machine whatever `setThreadsCount` asks. While the
 *    module starts, `os.cpus()` lists 2 × threads entries.
 * 5. The pool's running workers hold Node's event loop open, so a script would never exit: they are `unref`'d.
 *
 * Use: `await withWasmThreads(2, () => tf.setBackend('wasm'))` before the wasm backend's first initialisation (its
 * package loaded); `tf.wasm`'s `getThreadsCount()` then says 2. The numbers are the same as with one thread
 * (XNNPACK splits work, not sums), see test/backend/wasm-threads.test.ts.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { check } from '../util/errors.js';

/** The worker script's line that imports the main script (from a URL string, or from a Blob via an object URL). */
const IMPORT_MAIN = 'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';

let workerFile: string | undefined;

/** Write (once per process) the pthread worker script, made loadable by Node, and return its path. */
function pthreadWorkerFile(): string {
  if (workerFile) return workerFile;
  const require = createRequire(import.meta.url);
  const out = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out');
  const mainScript = path.join(out, 'tfjs-backend-wasm-threaded-simd.js');
  const { wasmWorkerContents } = require(path.join(out, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  if (!wasmWorkerContents.includes(IMPORT_MAIN) || !fs.existsSync(mainScript))
    throw new Error('withWasmThreads: this @tensorflow/tfjs-backend-wasm does not have the worker script of 4.22 (wasm-out/); threads need version 4.22.0');
  // tfjs escapes the newlines of the script (they sit inside string literals), as it does for its Blob.
  const script = wasmWorkerContents.replace(/\n/g, '\\n').replace(IMPORT_MAIN, `global.WasmBackendModuleThreadedSimd=require(${JSON.stringify(mainScript)});`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprlab-wasm-threads-'));
  const file = path.join(dir, 'tfjs-backend-wasm-threaded-simd.worker.cjs');
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, script);
  fs.renameSync(tmp, file);
  workerFile = file;
  return file;
}

type WasmModule = { setThreadsCount(n: number): void; getThreadsCount(): number };
type PThreads = { runningWorkers: { unref(): void }[] };

/**
 * Run `init` (which initialises the wasm backend, e.g. `() => tf.setBackend('wasm')`) with the threaded build and a
 * pool of `threads` XNNPACK threads; returns what `init` returns. `threads` = 1 leaves everything as shipped.
 * Throws when the wasm backend is already initialised (threads are fixed when its module starts).
 */
export async function withWasmThreads<T>(threads: number, init: () => Promise<T>): Promise<T> {
  check(Number.isInteger(threads) && threads >= 1 && threads <= 8, 'withWasmThreads', 'threads', 'an integer from 1 to 8 (tfjs starts 8 pthread workers at most)', threads);
  if (threads === 1) return init();
  const engine = tf.engine() as unknown as { registry: Record<string, unknown> };
  if (engine.registry.wasm) throw new Error("withWasmThreads: the wasm backend is already initialised (with its thread count); call it before the first tf.setBackend('wasm') / initBackend({ backend: 'wasm' })");
  const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as WasmModule & { default?: WasmModule };
  const pkg = typeof wasm.setThreadsCount === 'function' ? wasm : wasm.default!;
  const file = pthreadWorkerFile();
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  pkg.setThreadsCount(threads);
  const createObjectURL = URL.createObjectURL;
  URL.createObjectURL = (obj: Blob | MediaSource) => ((obj as Blob)?.type === 'application/javascript' ? file : createObjectURL(obj as Blob));
  // Node's `os` namespace object is the one the wasm glue's require('os') returns.
  const osModule = createRequire(import.meta.url)('node:os') as { cpus: typeof os.cpus };
  const realCpus = osModule.cpus;
  osModule.cpus = () => Array.from({ length: 2 * threads }, () => realCpus()[0]!);
  try {
    const result = await init();
    const backend = tf.findBackend('wasm') as unknown as { wasm?: { PThread?: PThreads } } | null;
    for (const w of backend?.wasm?.PThread?.runningWorkers ?? []) w.unref();
    return result;
  } finally {
    URL.createObjectURL = createObjectURL;
    osModule.cpus = realCpus;
  }
}

/** The thread count asked for in the environment: REPRLAB_WASM_THREADS (default 1), checked. */
export function wasmThreadsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.REPRLAB_WASM_THREADS;
  if (v === undefined || v === '') return 1;
  check(/^[1-8]$/.test(v), 'REPRLAB_WASM_THREADS', 'REPRLAB_WASM_THREADS', 'an integer from 1 to 8, e.g. REPRLAB_WASM_THREADS=2', v);
  return Number(v);
}
