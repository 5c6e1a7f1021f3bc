// Backend for the measurement scripts: --backend NAME, else REPRLAB_BACKEND, else initBackend's automatic choice
// (tensorflow, webgpu, wasm, cpu: lib/backend).
import { initBackend } from 'reprlab';

export async function measurementBackend(argv = process.argv.slice(2)) {
  const i = argv.indexOf('--backend');
  const name = i >= 0 ? argv[i + 1] : process.env.REPRLAB_BACKEND;
  return (await initBackend(name ? { backend: name } : {})).backend;
}

/** `--name value` from argv, else the default. */
export function option(name, fallback, argv = process.argv.slice(2)) {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : fallback;
}
