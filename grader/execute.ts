/**
 * Run one merged notebook for grading: grader/supervisor.py (Debian's /usr/bin/python3 + jupyter_client) starts the
 * tslab kernel in the sandbox (grader/sandbox.ts), sends the cells one by one and records each result itself; it
 * gets its plan on stdin and answers on stdout. Nothing the kernel writes is read back: the executed notebook is
 * written by the supervisor into a private folder the sandbox never sees. A hard limit here kills the supervisor's
 * process group (the sandbox dies with it).
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { check } from '../lib/util/errors.js';
import { hardeningCode } from './harden.js';
import { type Notebook, serializeNotebook } from './notebook.js';
import { bwrapArgs, DEFAULT_LIMITS, HOME_INSIDE, kernelArgv, kernelEnv, runningAsRoot, SANDBOX_UID, type SandboxLimits, SOCKETS_INSIDE } from './sandbox.js';

export type CellRunStatus = 'ok' | 'error' | 'timeout' | 'not-run';
export interface CellRun {
  status: CellRunStatus;
  seconds: number;
  error: string;
  /** Test cells: the check records the supervisor took out of the cell's output (data; see grader/checks.ts). */
  checks?: unknown[];
  /** Test cells: lines that looked like check records but did not carry this cell's nonce (forgeries). */
  forgedChecks?: number;
  /** Test cells: more check records than the supervisor keeps. */
  checkOverflow?: boolean;
}
export interface ExecutionReport {
  status: 'ok' | 'timeout' | 'crashed' | 'error';
  message: string;
  /** cell index → run status (code cells only). */
  cells: Map<number, CellRun>;
  seconds: number;
  /** 'bwrap', or 'none' (--unsafe-no-sandbox). */
  sandbox: string;
  /** The last part of what the kernel process printed (diagnostics only). */
  kernelOutput: string;
  /** The sandbox's own cgroup: 'v1', 'v2', or '' where the host did not let us make one (rlimits only). */
  cgroup: string;
  /** The sandbox's CPU seconds (where the cgroup measures them). */
  cpuSeconds?: number;
  /** What the time limits counted: 'cpu' (the sandbox's CPU time, with a wall-clock cap) or 'wall'. */
  timing?: string;
  /** The CPU quota set: 'cpu.max' (v2), 'cfs' (v1) or ''. */
  cpuQuota?: string;
  /** The kernel hardening before the first student cell: 'ok', 'off', or 'failed: <why>'. */
  hardened?: string;
}

/** What the supervisor sends for one code cell: `role` 'test' cells must end with its marker to count. */
export interface PlannedCell {
  index: number;
  send: string;
  role: 'student' | 'instructor' | 'test';
}

export interface ExecuteForGradingOptions {
  /** Seconds for the whole notebook (after the kernel started). Default 600. */
  timeout?: number;
  /** Seconds per cell (default: `timeout`). A cell over it is interrupted and the next cell runs. */
  cellTimeout?: number;
  /** REPRLAB_MODE of the kernel (default smoke). */
  mode?: string;
  /** REPRLAB_BACKEND of the kernel (default: the library's choice). */
  backend?: string;
  /** Python with jupyter_client (default /usr/bin/python3, else python3). */
  python?: string;
  /** false: run without the sandbox (--unsafe-no-sandbox; the rows say so). Default true. */
  sandbox?: boolean;
  /** Sandbox limits (CPU seconds default to the time limits). */
  limits?: Partial<SandboxLimits>;
  /** Freeze the intrinsics and deny vm/inspector before the first student cell (grader/harden.ts). Default true. */
  harden?: boolean;
}

/** The project root (the folder with reprlab's package.json), from this module's location (grader/ or dist-grader/). */
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

/** The supervisor script (shipped as source next to the grader's TypeScript). */
export function supervisorScript(): string {
  return join(projectRoot(), 'grader', 'supervisor.py');
}

/** Supervisors running now: stopped with us (they run in their own process group, so Ctrl-C does not reach them). */
const running = new Set<number>();
let handlersInstalled = false;
function installSignalHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      for (const pid of running) killGroup(pid, 'SIGTERM'); // the supervisor kills its sandbox
      process.exit(sig === 'SIGINT' ? 130 : 143);
    });
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* gone */
    }
  }
}

/** A private folder per run: 0700 (0711 when the sandbox user must traverse it to reach its socket folder). */
function privateDir(root: boolean): { dir: string; sockets: string; work: string } {
  const dir = mkdtempSync(join(tmpdir(), 'reprlab-grade-'));
  const sockets = join(dir, 'sockets');
  const work = join(dir, 'work');
  mkdirSync(sockets);
  mkdirSync(work);
  if (root) {
    chmodSync(dir, 0o711);
    chmodSync(sockets, 0o777); // the supervisor seals it (0555) once the kernel has bound its sockets
  }
  return { dir, sockets, work };
}

/** Execute a merged notebook: `cells` say what to send for each code cell (in order). The notebook is not modified. */
export async function executeForGrading(nb: Notebook, cells: PlannedCell[], o: ExecuteForGradingOptions = {}): Promise<{ report: ExecutionReport; executed?: Buffer }> {
  const timeout = o.timeout ?? 600;
  check(Number.isFinite(timeout) && timeout > 0, 'executeForGrading', 'timeout', 'a positive number of seconds', o.timeout);
  check(o.cellTimeout === undefined || (Number.isFinite(o.cellTimeout) && o.cellTimeout > 0), 'executeForGrading', 'cellTimeout', 'a positive number of seconds', o.cellTimeout);
  const sandboxed = o.sandbox ?? true;
  const root = projectRoot();
  const asRoot = runningAsRoot();
  const startupTimeout = 90;
  const limits: SandboxLimits = { ...DEFAULT_LIMITS, cpuSeconds: timeout + startupTimeout, ...o.limits };
  const mode = o.mode ?? 'smoke';
  const priv = privateDir(sandboxed && asRoot);
  const output = join(priv.dir, 'executed.ipynb');
  const kernel = kernelArgv(root, limits);
  let plan: Record<string, unknown>;
  if (sandboxed) {
    const env = kernelEnv({ mode, backend: o.backend, home: HOME_INSIDE });
    plan = {
      sandboxName: 'bwrap',
      sandboxArgv: bwrapArgs({ root, socketDir: priv.sockets, env, limits }),
      kernelArgv: kernel,
      socketDir: priv.sockets,
      socketDirInside: SOCKETS_INSIDE,
      sealSockets: asRoot,
      workDir: priv.work,
      env: {},
      uid: asRoot ? SANDBOX_UID : null,
      gid: asRoot ? SANDBOX_UID : null,
      cgroup: { memoryBytes: (limits.memoryMb + 2 * limits.diskMb + limits.shmMb) * 1024 * 1024, pids: limits.processes, cpus: limits.cpus },
    };
  } else {
    symlinkSync(join(root, 'node_modules'), join(priv.work, 'node_modules'), 'dir');
    plan = {
      sandboxName: 'none',
      sandboxArgv: [],
      kernelArgv: kernel,
      socketDir: priv.sockets,
      socketDirInside: priv.sockets,
      sealSockets: false,
      workDir: priv.work,
      env: kernelEnv({ mode, backend: o.backend, home: priv.work }),
      uid: null,
      gid: null,
      cgroup: null,
    };
  }
  Object.assign(plan, { notebook: serializeNotebook(nb), cells, output, timeout, cellTimeout: Math.min(o.cellTimeout ?? timeout, timeout), startupTimeout, prelude: o.harden === false ? null : hardeningCode() });
  const t0 = Date.now();
  let stdout = '';
  let stderr = '';
  let killedHard = false;
  const hardLimit = timeout + startupTimeout + 60;
  try {
    const code = await new Promise<number | null>((resolveRun, reject) => {
      installSignalHandlers();
      const child = spawn(o.python ?? defaultPython(), [supervisorScript()], {
        cwd: priv.dir,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYDEVD_DISABLE_FILE_VALIDATION: '1', LANG: 'C.UTF-8', ...(process.env.HOME ? { HOME: process.env.HOME } : {}) },
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      if (child.pid) running.add(child.pid);
      const timer = setTimeout(() => {
        killedHard = true;
        killGroup(child.pid, 'SIGKILL');
      }, hardLimit * 1000);
      child.stdout.on('data', (d: Buffer) => (stdout = (stdout + d.toString('utf8')).slice(-200_000_000))); // the report (check records included) is the last line
      child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString('utf8')).slice(-20_000)));
      child.on('error', (err) => {
        clearTimeout(timer);
        if (child.pid) running.delete(child.pid);
        reject(new Error(`cannot start ${o.python ?? defaultPython()}: ${err.message}. Fix: install Debian's python3 with jupyter-client (bash scripts/setup-system.sh)`));
      });
      child.on('close', (c) => {
        clearTimeout(timer);
        if (child.pid) running.delete(child.pid);
        resolveRun(c);
      });
      child.stdin.on('error', () => {});
      child.stdin.end(JSON.stringify(plan));
    });
    const seconds = (Date.now() - t0) / 1000;
    const last = stdout.trim().split('\n').at(-1) ?? '';
    let raw: { status: ExecutionReport['status']; message: string; cells: Record<string, CellRun>; sandbox: string; kernelOutput: string; cgroup?: string; cpuSeconds?: number; timing?: string; cpuQuota?: string; hardened?: string } | undefined;
    try {
      raw = JSON.parse(last);
    } catch {
      raw = undefined;
    }
    const executed = existsSync(output) ? readFileSync(output) : undefined;
    if (!raw || killedHard) {
      const hint = /No module named/.test(stderr) ? ' Fix: install jupyter-client for /usr/bin/python3 (bash scripts/setup-system.sh).' : '';
      const why = killedHard ? `the supervisor passed the hard time limit (${hardLimit} s) and was killed with its sandbox` : `the supervisor failed (exit ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}.${hint}`;
      return { report: { status: killedHard ? 'timeout' : 'error', message: why, cells: new Map(), seconds, sandbox: sandboxed ? 'bwrap' : 'none', kernelOutput: '', cgroup: '' }, executed };
    }
    const cellsRun = new Map<number, CellRun>(Object.entries(raw.cells ?? {}).map(([k, v]) => [Number(k), v]));
    return { report: { status: raw.status, message: raw.message ?? '', cells: cellsRun, seconds, sandbox: raw.sandbox, kernelOutput: raw.kernelOutput ?? '', cgroup: raw.cgroup ?? '', cpuSeconds: raw.cpuSeconds, timing: raw.timing, cpuQuota: raw.cpuQuota ?? '', hardened: raw.hardened ?? (o.harden === false ? 'off' : '') }, executed };
  } finally {
    rmSync(priv.dir, { recursive: true, force: true });
  }
}
