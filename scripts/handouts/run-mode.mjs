// The run mode a handout was made at, as the notebook's kernel resolved it. `auto` (the default of
// `npm run handouts`) is resolved by lib/notebook/mode.ts `autoMode` from the backend initBackend chose: full on a
// GPU (tensorflow through CUDA, webgpu on a hardware adapter), laptop otherwise. The handouts read that backend from
// the line initBackend printed, so a notebook that prints no "run mode:" line of its own still gets its real mode
// in its banner and in the index. Keep SOFTWARE_ADAPTER and the rule in step with lib/notebook/mode.ts (the test
// test/handouts/run-mode.test.ts compares the two).

/** A software (CPU-emulated) WebGPU adapter, as lib/notebook/mode.ts matches it. */
const SOFTWARE_ADAPTER = /software|llvmpipe|lavapipe|swiftshader|cpu/i;

/** What `auto` stood for with this engine and device: 'full' on a GPU, 'laptop' on a CPU; '' when the engine is unknown. */
export function autoModeOf({ engine = '', device = '' } = {}) {
  if (!engine) return '';
  if (engine === 'tensorflow') return /cuda/i.test(device) ? 'full' : 'laptop';
  if (engine === 'webgpu') return SOFTWARE_ADAPTER.test(device) ? 'laptop' : 'full';
  return 'laptop';
}

/** `mode`, with 'auto' (or nothing) replaced by what it resolved to on that engine when the engine is known. */
export function resolvedMode(mode, info = {}) {
  if (mode && String(mode).toLowerCase() !== 'auto') return mode;
  return autoModeOf(info) || mode || '';
}
