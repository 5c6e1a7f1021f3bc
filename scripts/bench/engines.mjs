// Starting the backends the bench runs side by side (--backend wasm,cpu): each is initialised once through the
// library (initBackend), then switched to with tf.setBackend before each workload, so one process times every
// workload on each backend in turn. Tensors stay on the backend that made them (each workload sets up and disposes
// its own), so switching moves no data.

/** Thread count of the wasm backend once it runs (tfjs-backend-wasm's getThreadsCount), else null. */
export async function wasmThreads() {
  try {
    const pkg = await import('@tensorflow/tfjs-backend-wasm');
    return (pkg.getThreadsCount ?? pkg.default?.getThreadsCount)?.() ?? null;
  } catch {
    return null;
  }
}

/**
 * Initialise backend `name` (undefined: the one initBackend picks) and return { backend, device, threads }. On wasm,
 * `threads` > 1 starts tfjs-backend-wasm's threaded build with that many XNNPACK threads (lib/backend/wasm-threads.ts,
 * before its first use); the returned `threads` is what it reports running. The JS backends (cpu) run one thread.
 */
export async function startBackend(R, name, { threads } = {}) {
  const init = () => R.initBackend({ backend: name, verbose: false });
  let info;
  if (name === 'wasm' && threads > 1) {
    const { withWasmThreads } = await import('../../dist/backend/wasm-threads.js');
    info = await withWasmThreads(threads, init);
  } else info = await init();
  const t = info.backend === 'wasm' ? await wasmThreads() : info.backend === 'cpu' ? 1 : null;
  return { backend: info.backend, device: info.device, threads: t };
}

/** Make `name` the active backend again (after another one ran a workload). */
export async function useBackend(tf, name) {
  if (tf.getBackend() !== name && !(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
}

