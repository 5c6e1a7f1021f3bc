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
 * `threads` > 1 asks tfjs-backend-wasm for that many XNNPACK threads (setThreadsCount, before its first use); the
 * returned `threads` is what it reports running. The JS backends (cpu) run one thread.
 */
export async function startBackend(R, name, { threads } = {}) {
  if (name === 'wasm' && threads) {
    const pkg = await import('@tensorflow/tfjs-backend-wasm').catch(() => null);
    (pkg?.setThreadsCount ?? pkg?.default?.setThreadsCount)?.(threads);
  }
  if (name === 'wasm' && !R.BACKEND_ORDER.includes('wasm')) return startStockWasm(R);
  const info = await R.initBackend({ backend: name, verbose: false });
  const t = info.backend === 'wasm' ? await wasmThreads() : info.backend === 'cpu' ? 1 : null;
  return { backend: info.backend, device: info.device, threads: t };
}

/** Make `name` the active backend again (after another one ran a workload). */
export async function useBackend(tf, name) {
  if (tf.getBackend() !== name && !(await tf.setBackend(name))) throw new Error(`tf.setBackend('${name}') returned false`);
}

/** A reprlab build without the wasm backend: tfjs' stock wasm backend (no training kernels of ours), as scripts/measure. */
async function startStockWasm(R) {
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await R.tf.setBackend('wasm'))) throw new Error("tf.setBackend('wasm') returned false");
  await R.tf.ready();
  return { backend: 'wasm', device: 'stock tfjs-backend-wasm (this reprlab build has no wasm backend)', threads: await wasmThreads() };
}
