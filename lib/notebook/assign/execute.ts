/**
 * Run a notebook for grading through scripts/execute-graded.py (nbclient + Debian's /usr/bin/python3): every code
 * cell runs even after failures, with per-cell and per-notebook time limits; a hard limit here kills the helper
 * (and the kernel it started) if even that hangs. Returns each code cell's status.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check } from '../../util/errors.js';

export type CellRunStatus = 'ok' | 'error' | 'timeout' | 'not-run';
export interface CellRun {
  status: CellRunStatus;
  seconds: number;
  error: string;
}
export interface ExecutionReport {
  status: 'ok' | 'timeout' | 'crashed' | 'error';
  message: string;
  /** cell index → run status (code cells only). */
  cells: Map<number, CellRun>;
  seconds: number;
}

export interface ExecuteForGradingOptions {
  /** Seconds for the whole notebook (after the kernel started). Default 600. */
  timeout?: number;
  /** Seconds per cell (default: `timeout`). A cell over it is interrupted and the next cell runs. */
  cellTimeout?: number;
  /** Jupyter kernel name (default tslab). */
  kernel?: string;
  /** Working directory of the kernel (default: the input's folder). */
  cwd?: string;
  /** Extra environment for the kernel (REPRLAB_MODE, REPRLAB_BACKEND, ...). */
  env?: Record<string, string | undefined>;
  /** Python with nbclient (default /usr/bin/python3, else python3). */
  python?: string;
}

/** The project root (the folder with reprlab's package.json), from this module's location (lib/ or dist/). */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'reprlab') return dir;
      } catch {
        /* keep looking */
      }
    }
    dir = dirname(dir);
  }
  throw new Error('reprlab: cannot find the project root (package.json named "reprlab") above ' + fileURLToPath(import.meta.url));
}

export function defaultPython(): string {
  return existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
}

/**
 * A scratch folder where a kernel can `import ... from 'reprlab'`: `node_modules` links to the project's, so
 * student code runs outside the submissions and the project tree.
 */
export function prepareWorkDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const link = join(dir, 'node_modules');
  if (!existsSync(link)) symlinkSync(join(projectRoot(), 'node_modules'), link, 'dir');
  return dir;
}

/** Helpers running now: stopped with us (they run in their own process group, so Ctrl-C does not reach them). */
const running = new Set<number>();
let handlersInstalled = false;
function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const pid of running) killTree(pid, 'SIGTERM'); // the helper shuts its kernel down
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

function killTree(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal); // the helper runs in its own process group
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
}

/** Execute `input` into `output` (an executed copy) and `reportPath`; `input` is only read. */
export async function executeForGrading(input: string, output: string, reportPath: string, o: ExecuteForGradingOptions = {}): Promise<ExecutionReport> {
  const timeout = o.timeout ?? 600;
  check(Number.isFinite(timeout) && timeout > 0, 'executeForGrading', 'timeout', 'a positive number of seconds', o.timeout);
  check(o.cellTimeout === undefined || (Number.isFinite(o.cellTimeout) && o.cellTimeout > 0), 'executeForGrading', 'cellTimeout', 'a positive number of seconds', o.cellTimeout);
  const python = o.python ?? defaultPython();
  const script = join(projectRoot(), 'scripts', 'execute-graded.py');
  const startupTimeout = 60;
  const args = [script, resolve(input), resolve(output), resolve(reportPath), '--kernel', o.kernel ?? 'tslab', '--timeout', String(timeout), '--startup-timeout', String(startupTimeout)];
  if (o.cellTimeout) args.push('--cell-timeout', String(o.cellTimeout));
  if (o.cwd) args.push('--cwd', resolve(o.cwd));
  const env: NodeJS.ProcessEnv = { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' };
  for (const [k, v] of Object.entries(o.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const t0 = Date.now();
  let stderr = '';
  let killedHard = false;
  const code = await new Promise<number | null>((resolveRun, reject) => {
    installSignalHandlers();
    const child = spawn(python, args, { env, cwd: o.cwd ?? dirname(resolve(input)), detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    if (child.pid) running.add(child.pid);
    child.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20_000);
    });
    // hard limit: kernel start + the notebook's limit + grace; SIGTERM lets the helper shut its kernel down
    const hard = setTimeout(() => {
      killedHard = true;
      killTree(child.pid, 'SIGTERM');
      setTimeout(() => killTree(child.pid, 'SIGKILL'), 10_000).unref();
    }, (startupTimeout + timeout + 30) * 1000);
    child.on('error', (err) => {
      clearTimeout(hard);
      reject(new Error(`executeForGrading: cannot start ${python} (${err.message}). Fix: install Jupyter's Python (bash scripts/setup-system.sh) or pass python.`));
    });
    child.on('close', (c) => {
      if (child.pid) running.delete(child.pid);
      clearTimeout(hard);
      resolveRun(c);
    });
  });
  const seconds = (Date.now() - t0) / 1000;
  let raw: { status?: string; message?: string; kernel_pid?: number | null; cells?: Record<string, CellRun> } | undefined;
  try {
    raw = JSON.parse(readFileSync(reportPath, 'utf8'));
  } catch {
    raw = undefined;
  }
  // a kernel left behind by a helper killed hard
  if (raw?.kernel_pid) {
    try {
      process.kill(raw.kernel_pid, 0);
      process.kill(raw.kernel_pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  const cells = new Map<number, CellRun>(Object.entries(raw?.cells ?? {}).map(([k, v]) => [Number(k), v]));
  if (!raw) {
    const hint = /No such kernel|NoSuchKernel/.test(stderr) ? ` Fix: register the kernel (bash scripts/register-kernel.sh).` : /No module named/.test(stderr) ? ' Fix: install nbclient for /usr/bin/python3 (bash scripts/setup-system.sh).' : '';
    return { status: 'error', message: `the notebook runner failed before running any cell (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}.${hint}`, cells, seconds };
  }
  let status = (raw.status ?? 'error') as ExecutionReport['status'] | 'running';
  let message = raw.message ?? '';
  if (killedHard || status === 'running') {
    status = 'timeout';
    message = `stopped after the hard time limit (${timeout + startupTimeout + 30} s)` + (message ? `: ${message}` : '');
  }
  if (status === 'error' && /NoSuchKernel|No such kernel/.test(message)) message += ' Fix: register the kernel (bash scripts/register-kernel.sh).';
  return { status: status as ExecutionReport['status'], message, cells, seconds };
}
