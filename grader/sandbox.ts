/**
 * The sandbox one submission's kernel runs in: Debian's bubblewrap (`bwrap`), unprivileged.
 *
 * Inside, the kernel sees: the system read-only (/usr, the /bin /lib links, a few files of /etc), the parts of the
 * project a notebook imports read-only (node_modules, dist, package.json, data — at their own path, so that
 * `realpath('node_modules')/..` leads to nothing else: no notebooks/, no grades/, no sources, no submissions),
 * a private writable work folder (a size-capped tmpfs at /home/student, its cwd and HOME), a size-capped /tmp,
 * a minimal read-only /dev with a small /dev/shm, its own /proc, and the socket folder the supervisor talks to it through. Everything else of the
 * host does not exist for it. It runs in new user, pid, network (loopback only), ipc, uts and cgroup namespaces,
 * as uid/gid 65534 (when the grader runs as root the host uid is 65534 too), with an allow-listed environment,
 * no capabilities, no further user namespaces, its own session (no terminal injection), and dies with the
 * supervisor. Limits (prlimit, inside): data (not the address space: wasm), CPU seconds, processes, file size, open files, no
 * core dumps.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const SANDBOX_UID = 65534;
export const HOME_INSIDE = '/home/student';
export const SOCKETS_INSIDE = '/run/kernel';

export interface SandboxLimits {
  /** Private writable memory (the data limit: V8 heap, buffers, the wasm heap) of every process, MiB (default 4096). */
  memoryMb: number;
  /** CPU seconds of every process (SIGXCPU, then SIGKILL 5 s later). */
  cpuSeconds: number;
  /** Processes and threads of the sandbox's user (default 256). */
  processes: number;
  /** Largest file a process may write, MiB (default 64). */
  fileSizeMb: number;
  /** Size of the writable work folder and of /tmp, MiB each (default 256). */
  diskMb: number;
  /** CPU cores the whole sandbox may use (cgroup cpu.max / CFS quota; default 1), where the host lets the grader set it. */
  cpus: number;
  /** Size of /dev/shm (a tmpfs; /dev itself is read-only), MiB (default 16). */
  shmMb: number;
}

export const DEFAULT_LIMITS: Omit<SandboxLimits, 'cpuSeconds'> = { memoryMb: 4096, processes: 256, fileSizeMb: 64, diskMb: 256, cpus: 1, shmMb: 16 };

export interface SandboxSpec {
  /** The project root (its node_modules, dist, package.json and data are shown read-only). */
  root: string;
  /** Host folder bound at SOCKETS_INSIDE (the kernel's ipc sockets and connection file). */
  socketDir: string;
  /** The kernel's environment (nothing else is passed). */
  env: Record<string, string>;
  limits: SandboxLimits;
}

const isDir = (p: string) => {
  try {
    return lstatSync(p).isDirectory();
  } catch {
    return false;
  }
};
const isLink = (p: string) => {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
};

/** The bubblewrap binary: `bwrap` on the PATH, or REPRLAB_BWRAP (another install, or a test of the refusal). */
export const bwrapBinary = (): string => process.env.REPRLAB_BWRAP || 'bwrap';

/** The bwrap command line (up to and including `--`); the kernel command follows it. */
export function bwrapArgs(spec: SandboxSpec): string[] {
  const a: string[] = [bwrapBinary(), '--unshare-user', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try'];
  a.push('--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_UID), '--hostname', 'sandbox', '--die-with-parent', '--new-session', '--disable-userns', '--cap-drop', 'ALL');
  a.push('--ro-bind', '/usr', '/usr');
  for (const d of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    if (isLink(d)) a.push('--symlink', lstatTarget(d), d);
    else if (isDir(d)) a.push('--ro-bind', d, d);
  }
  for (const f of ['ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'alternatives', 'ssl', 'ca-certificates', 'localtime', 'nsswitch.conf', 'passwd', 'group', 'os-release', 'vulkan', 'OpenCL']) {
    a.push('--ro-bind-try', join('/etc', f), join('/etc', f));
  }
  // The private /tmp and work folder first: bwrap mounts in order, so a project or node that lives under /tmp (a CI
  // checkout, say) is bound on top of the fresh tmpfs instead of being hidden by it.
  const mb = String(spec.limits.diskMb * 1024 * 1024);
  a.push('--size', mb, '--tmpfs', '/tmp', '--size', mb, '--tmpfs', HOME_INSIDE);
  // node itself, when it does not live under /usr (nvm, a tarball)
  const nodeHome = dirname(dirname(process.execPath));
  if (!process.execPath.startsWith('/usr/')) a.push('--ro-bind', nodeHome, nodeHome);
  for (const part of ['node_modules', 'dist', 'package.json', 'data']) {
    const p = join(spec.root, part);
    if (existsSync(p)) a.push('--ro-bind', p, p);
  }
  // a minimal /dev, read-only, with a small /dev/shm (bwrap's own /dev is a writable tmpfs without a size cap)
  a.push('--proc', '/proc', '--dev', '/dev', '--size', String((spec.limits.shmMb ?? DEFAULT_LIMITS.shmMb) * 1024 * 1024), '--tmpfs', '/dev/shm', '--remount-ro', '/dev');
  a.push('--symlink', join(spec.root, 'node_modules'), join(HOME_INSIDE, 'node_modules'));
  a.push('--bind', spec.socketDir, SOCKETS_INSIDE);
  a.push('--remount-ro', '/');
  a.push('--chdir', HOME_INSIDE, '--clearenv');
  for (const [k, v] of Object.entries(spec.env)) a.push('--setenv', k, v);
  a.push('--');
  return a;
}

function lstatTarget(p: string): string {
  return spawnSync('readlink', [p], { encoding: 'utf8' }).stdout.trim();
}

/** prlimit's arguments for the limits (applied inside the sandbox, to the kernel and everything it starts). */
export function limitArgs(l: SandboxLimits): string[] {
  const bytes = (mb: number) => String(Math.round(mb * 1024 * 1024));
  const cpu = Math.ceil(l.cpuSeconds);
  // memory: the data limit (private writable memory: V8's heap, array buffers, the wasm engine's heap as it grows),
  // not the address space: WebAssembly reserves ~10 GiB of address space (guard regions, never touched) per
  // instance, so an --as limit of a few GB stops the wasm engine from starting at all
  return ['/usr/bin/prlimit', `--data=${bytes(l.memoryMb)}`, `--cpu=${cpu}:${cpu + 5}`, `--nproc=${l.processes}`, `--fsize=${bytes(l.fileSizeMb)}`, '--nofile=1024', '--core=0', '--'];
}

/** The tslab kernel command, through lib/notebook/tslab-kernel.ts (queued ZeroMQ sends); the supervisor fills in {connection_file}. */
export function kernelArgv(root: string, l: SandboxLimits): string[] {
  const heap = Math.max(256, Math.floor(l.memoryMb * 0.6));
  return [...limitArgs(l), process.execPath, `--max-old-space-size=${heap}`, join(root, 'dist', 'notebook', 'tslab-kernel.js'), 'kernel', '--config-path', '{connection_file}'];
}

/** The environment every kernel gets (and nothing more). */
export function kernelEnv(o: { mode: string; backend?: string; home: string }): Record<string, string> {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: o.home,
    TMPDIR: '/tmp',
    LANG: 'C.UTF-8',
    REPRLAB_MODE: o.mode,
    ...(o.backend ? { REPRLAB_BACKEND: o.backend } : {}),
  };
}

/** Whether this process runs as root (then the sandbox also drops to host uid 65534). */
export const runningAsRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

export interface SandboxProbe {
  ok: boolean;
  /** Why it cannot start, and how to fix that (when !ok). */
  reason?: string;
}

/** Start a trivial sandbox with the same options: tells whether grading can run sandboxed here. */
export function probeSandbox(root: string, socketDir: string): SandboxProbe {
  const which = spawnSync('/bin/sh', ['-c', 'command -v "$1"', 'sh', bwrapBinary()], { encoding: 'utf8' });
  if (which.status !== 0) {
    return { ok: false, reason: `bubblewrap (${bwrapBinary()}) is not installed. Fix: bash scripts/setup-system.sh (or apt-get install bubblewrap)` };
  }
  const args = bwrapArgs({ root, socketDir, env: { PATH: '/usr/bin:/bin' }, limits: { ...DEFAULT_LIMITS, cpuSeconds: 10 } });
  const r = spawnSync(args[0]!, [...args.slice(1), '/bin/true'], {
    encoding: 'utf8',
    timeout: 20_000,
    ...(runningAsRoot() ? { uid: SANDBOX_UID, gid: SANDBOX_UID } : {}),
  });
  if (r.status === 0) return { ok: true };
  const err = (r.stderr || String(r.error ?? '')).trim().split('\n').slice(-2).join(' | ');
  const userns = /namespace|Operation not permitted|setting up uid map|No permissions/i.test(err);
  const fix = userns
    ? 'unprivileged user namespaces are off: sysctl -w kernel.unprivileged_userns_clone=1 (Debian), or kernel.apparmor_restrict_unprivileged_userns=0 (Ubuntu 24.04 runners); in Docker run with --security-opt seccomp=unconfined --security-opt apparmor=unconfined'
    : /Permission denied|Can't find source path/.test(err)
      ? `the sandbox user (uid ${SANDBOX_UID}) cannot reach ${root} or ${socketDir}: make their parent folders traversable (chmod o+x), or run the grader as a normal user`
      : 'see bwrap(1)';
  return { ok: false, reason: `the sandbox cannot start (bwrap: ${err || `exit ${r.status}`}). Fix: ${fix}` };
}
