// Types for scripts/notebooks.mjs (so TypeScript tests and tools can import it).
export declare const ROOT: string;
export declare const NOTEBOOKS_DIR: string;
export declare const EXECUTED_DIR: string;
export declare function defaultPython(): string;
export declare function listNotebooks(names?: string[], dir?: string): string[];
export declare function ensureKernel(o?: { python?: string; kernel?: string }): string;
/** Throws when dist/ or node_modules/reprlab is missing; returns a warning when dist/ is older than lib/. */
export declare function checkBuilt(): string;
/** A `--seed` value as the non-negative integer REPRLAB_SEED takes; throws an Error naming `option` otherwise. */
export declare function parseSeed(value: unknown, option?: string): number;

export interface ExecuteNotebookOptions {
  /** REPRLAB_MODE for the kernel (default 'smoke'). */
  mode?: 'smoke' | 'laptop' | 'full' | 'auto';
  /** REPRLAB_BACKEND for the kernel (default: inherited, i.e. automatic). */
  backend?: 'cpu' | 'webgpu' | 'tensorflow' | string;
  /** Where the executed notebook goes (default build/executed/<name>.ipynb). */
  outPath?: string;
  /** Seconds per cell (default 120 in smoke mode, 1800 in full). */
  timeout?: number;
  startupTimeout?: number;
  /** Seconds for the whole run before the helper and kernel are killed (default from cells x timeout). */
  hardTimeout?: number;
  /** Kernel working directory (default: the notebook's folder). */
  cwd?: string;
  kernel?: string;
  python?: string;
  /** REPRLAB_SEED for the kernel (the run's seed, added by the notebooks to theirs; default: inherited). */
  seed?: number | string;
  /** More environment for the kernel. */
  env?: Record<string, string | undefined>;
  /** Progress events from the helper: { event: 'kernel', pid } | { event: 'cell', index, seconds } | { event: 'result', ... }. */
  onEvent?: (ev: { event: string; [k: string]: unknown }) => void;
}

export interface ExecuteNotebookResult {
  ok: boolean;
  notebook: string;
  outPath: string;
  seconds: number;
  /** Index of the failing cell in the notebook (markdown cells counted); null when no cell is to blame. */
  cell?: number | null;
  /** First line of the failing cell. */
  source?: string;
  error?: string;
}

export declare function executeNotebook(path: string, o?: ExecuteNotebookOptions): Promise<ExecuteNotebookResult>;
export declare function describeFailure(r: ExecuteNotebookResult): string;
/** The last `lines` lines of a kernel's stderr worth showing. */
export declare function kernelLastWords(stderr: string, lines?: number): string;
