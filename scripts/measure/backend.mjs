// Backend for the measurement scripts: REPRLAB_BACKEND / --backend as everywhere (tensorflow, webgpu, cpu), plus
// `wasm` when @tensorflow/tfjs-backend-wasm is installed beside the project (`npm i --no-save
// @tensorflow/tfjs-backend-wasm@4.22.0`): not a course backend (it cannot train convnets), but 4-5x the pure-JS cpu
// backend on the MLPs these scripts train, on a machine without a GPU.
import { tf, initBackend } from 'reprlab';

export async function measurementBackend(argv = process.argv.slice(2)) {
  const i = argv.indexOf('--backend');
  const name = i >= 0 ? argv[i + 1] : process.env.REPRLAB_BACKEND;
  if (name !== 'wasm') return (await initBackend(name ? { backend: name } : {})).backend;
  try {
    await import('@tensorflow/tfjs-backend-wasm');
  } catch {
    throw new Error("--backend wasm: @tensorflow/tfjs-backend-wasm is not installed. Fix: npm i --no-save @tensorflow/tfjs-backend-wasm@4.22.0 (or use --backend cpu|webgpu|tensorflow)");
  }
  await tf.setBackend('wasm');
  await tf.ready();
  console.log('reprlab: backend wasm (measurement only)');
  return 'wasm';
}

/** `--name value` from argv, else the default. */
export function option(name, fallback, argv = process.argv.slice(2)) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}
