/**
 * Run mode of a notebook: the sizes it runs at.
 *
 * - `smoke`:  tiny sizes for CI, the tests and `--mode smoke` as a quick self-check. Measured on a 2-core CPU
 *             (wasm) under load from other jobs: all ten notebooks in 742 s wall (2026-12-01), about 1–4 min wall
 *             and 0.5–2 min CPU a notebook (README's mode table). Its figures are a smoke test, not the lecture's.
 * - `laptop`: sized for a laptop CPU on the CPU engine (wasm), at sizes where the closing claims hold (or the
 *             notebook says why one cannot). Budget: all ten notebooks together in ≤ 45 minutes on a 2-core CPU.
 *             Measured 2026-12-02 on a 2-core AMD EPYC VM: 16.9 min of CPU for all ten (mean over seeds 0–2);
 *             `npm run handouts` end to end 16 min 39 s wall. Figures in docs/results.md, "Laptop mode".
 * - `full`:   the sizes the lecture's claims are made at (hours per notebook on a CPU: for a GPU).
 *
 * Chosen by the environment variable REPRLAB_MODE = smoke | laptop | full | auto, read at each call (a notebook can
 * switch with `process.env.REPRLAB_MODE = 'laptop'` in its first cell). Unset or `auto` (the default):
 * {@link autoMode} — `full` on a GPU backend (tensorflow with CUDA, webgpu on a hardware adapter), `laptop` on a
 * CPU engine (wasm, cpu, tensorflow without CUDA, webgpu on a software adapter such as lavapipe/SwiftShader).
 * Before `initBackend()` has chosen a backend, auto is `laptop`: the sizes that are safe on any machine (a GPU user
 * who asks for sizes first gets a shorter run, never a CPU run of hours). Every notebook calls `initBackend()` in
 * its first cell, before `sizes()`.
 */
import { backendInfo, type BackendInfo } from '../backend/index.js';
import { check } from '../util/errors.js';

export type RunMode = 'smoke' | 'laptop' | 'full';
export const RUN_MODES: readonly RunMode[] = ['smoke', 'laptop', 'full'];
/** What REPRLAB_MODE may say: a mode, or `auto`. */
export const MODE_SETTINGS: readonly (RunMode | 'auto')[] = [...RUN_MODES, 'auto'];

/** The pattern of a software (CPU-emulated) WebGPU adapter description. */
const SOFTWARE_ADAPTER = /software|llvmpipe|lavapipe|swiftshader|cpu/i;

/**
 * True when the backend computes on a GPU: tensorflow through CUDA (tfjs-node-gpu), or webgpu on a hardware
 * adapter. False for wasm, cpu, tensorflow on the CPU (tfjs-node), webgpu on a software adapter, and before
 * initBackend (no backend yet).
 */
export function onGpu(info: Pick<BackendInfo, 'backend' | 'device'> | undefined = backendInfo()): boolean {
  if (!info) return false;
  const backend = String(info.backend);
  if (backend === 'tensorflow') return /cuda/i.test(info.device);
  if (backend === 'webgpu') return !SOFTWARE_ADAPTER.test(info.device);
  return false;
}

/** The mode `auto` stands for with this backend: `full` on a GPU, else `laptop` (see the module comment). */
export function autoMode(info: Pick<BackendInfo, 'backend' | 'device'> | undefined = backendInfo()): RunMode {
  return onGpu(info) ? 'full' : 'laptop';
}

/** The REPRLAB_MODE setting as written: smoke, laptop, full or auto (unset or empty = auto). */
export function modeSetting(): RunMode | 'auto' {
  const raw = (process.env.REPRLAB_MODE ?? '').trim().toLowerCase();
  if (raw === '') return 'auto';
  check(
    (MODE_SETTINGS as readonly string[]).includes(raw),
    'mode',
    'REPRLAB_MODE',
    `one of ${MODE_SETTINGS.join(', ')}`,
    process.env.REPRLAB_MODE,
    'set REPRLAB_MODE=smoke (tiny sizes, CI), laptop (a laptop CPU), full (the lecture\'s sizes, for a GPU) or auto (full on a GPU, laptop on a CPU), or unset it for auto',
  );
  return raw as RunMode | 'auto';
}

/** The current run mode: REPRLAB_MODE, with `auto` (the default) resolved by {@link autoMode}. */
export function mode(): RunMode {
  const setting = modeSetting();
  return setting === 'auto' ? autoMode() : setting;
}

/** True in smoke mode. */
export const isSmoke = (): boolean => mode() === 'smoke';

/**
 * Pick the sizes for the current mode:
 * `const { n, steps } = sizes({ smoke: { n: 256, steps: 20 }, laptop: { n: 6000, steps: 300 }, full: { n: 60000, steps: 2000 } })`.
 * All three variants are required and must have the same keys (so a notebook cannot forget one in any mode).
 */
export function sizes<T extends object>(choices: { smoke: T; laptop: T; full: T }): T {
  const isObject = (v: unknown) => typeof v === 'object' && v !== null;
  check(
    isObject(choices) && RUN_MODES.every((m) => isObject((choices as Record<string, unknown>)[m])),
    'sizes',
    'choices',
    'an object { smoke: {...}, laptop: {...}, full: {...} }',
    isObject(choices) ? `an object with ${RUN_MODES.filter((m) => isObject((choices as Record<string, unknown>)[m])).join(', ') || 'none'} of them` : choices,
    'give the sizes of every mode (laptop: between smoke and full, for a laptop CPU)',
  );
  const keys = RUN_MODES.map((m) => Object.keys(choices[m]));
  const all = [...new Set(keys.flat())].sort();
  const missing = RUN_MODES.flatMap((m, i) => all.filter((k) => !keys[i]!.includes(k)).map((k) => `${m}.${k}`));
  check(missing.length === 0, 'sizes', 'choices', 'smoke, laptop and full variants with the same keys', `missing ${missing.join(', ')}`, 'give every size in every variant');
  return choices[mode()];
}

/**
 * The run's seed: REPRLAB_SEED (a non-negative integer; unset or empty = 0), read at each call. Notebooks add it
 * to every seed they use (`const SEED = runSeed()`; `simclr({ seed: SEED + 1 })`), so that
 * `REPRLAB_SEED=1 npm run notebooks -- --mode laptop` repeats a run with other initial weights, views and
 * batches: the 3-seed figures of docs/results.md are three such runs.
 */
export function runSeed(): number {
  const raw = (process.env.REPRLAB_SEED ?? '').trim();
  if (raw === '') return 0;
  const n = Number(raw);
  check(Number.isInteger(n) && n >= 0 && n <= 0x7fffffff, 'runSeed', 'REPRLAB_SEED', 'a non-negative integer', process.env.REPRLAB_SEED, 'set REPRLAB_SEED=0, 1, 2, … or unset it for 0');
  return n;
}
