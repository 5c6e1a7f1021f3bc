// `node scripts/check-backend.mjs` (a step of `npm run setup`): which tfjs backend the notebooks will get, and
// what became of the optional @tensorflow/tfjs-node(-gpu) packages (npm drops them, without failing, when their
// install script cannot download libtensorflow: offline, behind a proxy, or on a platform without a build).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './notebooks.mjs';

export const OPTIONAL = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/**
 * State of one optional package in node_modules: 'absent' (npm skipped it), 'no-binding' (its files are there but
 * the install script did not run or failed: no libtensorflow binding), or 'ready'.
 */
export function optionalState(pkg, root = ROOT) {
  const dir = join(root, 'node_modules', ...pkg.split('/'));
  if (!existsSync(join(dir, 'package.json'))) return 'absent';
  // the install script (node-pre-gyp) puts the binding under lib/napi-v*/tfjs_binding.node
  const lib = join(dir, 'lib');
  try {
    const napi = existsSync(lib) ? readdirSync(lib).filter((d) => d.startsWith('napi-v')) : [];
    return napi.some((d) => existsSync(join(lib, d, 'tfjs_binding.node'))) ? 'ready' : 'no-binding';
  } catch {
    return 'no-binding';
  }
}

/** The lines setup prints about the optional packages (pure: the tests call it). */
export function optionalReport(states, summary) {
  const lines = [];
  const absent = OPTIONAL.filter((p) => states[p] === 'absent');
  const unbuilt = OPTIONAL.filter((p) => states[p] === 'no-binding');
  if (absent.length === OPTIONAL.length) {
    lines.push(
      'optional packages @tensorflow/tfjs-node and @tensorflow/tfjs-node-gpu were skipped by npm: their install script',
      'downloads libtensorflow (from storage.googleapis.com) and could not here, so npm dropped them. That is expected',
      "offline; it only means the 'tensorflow' backend (libtensorflow on CPU, or CUDA) is not available.",
    );
  } else if (absent.length) lines.push(`optional package ${absent.join(', ')}: skipped by npm (its libtensorflow download failed or does not apply here).`);
  for (const p of unbuilt) lines.push(`optional package ${p}: installed, but its install script did not run (no libtensorflow binding): \`npm rebuild ${p}\` with network (package.json's allowScripts lets it run).`);
  if (summary) lines.push(`notebooks will run on: ${summary}`);
  if (absent.length === OPTIONAL.length || unbuilt.length) lines.push('For the tensorflow backend see environment.md ("NVIDIA GPU with CUDA").');
  return lines;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const states = Object.fromEntries(OPTIONAL.map((p) => [p, optionalState(p)]));
  let summary = '';
  try {
    const { initBackend } = await import(join(ROOT, 'dist', 'index.js'));
    const info = await initBackend({ verbose: false });
    summary = info.summary.replace(/^reprlab: /, '');
  } catch (err) {
    summary = `(no backend started: ${String(err?.message ?? err).split('\n')[0]})`;
  }
  for (const line of optionalReport(states, summary)) console.log(`check-backend: ${line}`);
  process.exit(0);
}
