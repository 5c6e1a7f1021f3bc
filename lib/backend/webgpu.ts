/**
 * Expose Dawn's WebGPU (the `webgpu` npm package) to tfjs-backend-webgpu in Node: the GPU* globals and
 * `navigator.gpu`. Returns a one-line description of the adapter, or throws when none is found.
 *
 * Dawn's notices: on adapters that report very large limits (Mesa's lavapipe: 1,000,000 dynamic buffers) Dawn clamps
 * two limits to 16 and says so on the process's stderr with C `fprintf`, inside the synchronous part of
 * `requestAdapter` ("Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to
 * fit dynamic offset allocation limit.", and the same for storage buffers). The clamp is harmless (tfjs uses no
 * dynamic offsets) and the lines cannot be turned off in Dawn, so we drop exactly those lines: during that
 * synchronous call file descriptor 2 points at a temporary file, whose other lines are then passed on to stderr.
 * Only on Linux and only when stderr is a pipe or a terminal (reopened through /proc/self/fd); a regular file or a
 * socket keeps the notices. `REPRLAB_DAWN_NOTICES=1` keeps them too.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<{ info?: AdapterInfoLike } | null>;
}

let installed: Promise<string> | undefined;

export function installWebGPU(): Promise<string> {
  installed ??= install().catch((err) => {
    installed = undefined;
    throw err;
  });
  return installed;
}

async function install(): Promise<string> {
  const mod = (await import('webgpu')) as unknown as { create(flags: string[]): GpuLike; globals: object };
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, writable: true, configurable: true });
  if (!g.navigator!.gpu) Object.defineProperty(g.navigator!, 'gpu', { value: gpu, configurable: true });
  const adapter = await withoutDawnNotices(() => gpu.requestAdapter({ powerPreference: 'high-performance' }));
  if (!adapter) throw new Error('Dawn found no WebGPU adapter (no Vulkan/Metal/D3D12 driver)');
  return describeAdapter(adapter.info ?? {});
}

export function describeAdapter(info: AdapterInfoLike): string {
  const name = info.description || info.device || 'unknown device';
  const extra = [info.vendor, info.architecture].filter(Boolean).join(' ');
  return extra ? `${name} [${extra}]` : name;
}

/** Dawn's limit-clamping notice (see the file comment); other lines pass. */
export const DAWN_NOTICE = /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.\s*$/;

/** `text` without Dawn's limit-clamping notices. */
export function dropDawnNotices(text: string): string {
  return text
    .split(/(?<=\n)/)
    .filter((line) => !DAWN_NOTICE.test(line))
    .join('');
}

/**
 * Run the synchronous `fn` with file descriptor 2 pointing at a temporary file, then restore stderr and pass on
 * what was written there without Dawn's notices. Falls back to running `fn` plainly where that cannot be done
 * safely (not Linux, stderr neither a pipe nor a terminal, REPRLAB_DAWN_NOTICES=1).
 */
export function withoutDawnNotices<T>(fn: () => T): T {
  if (process.platform !== 'linux' || process.env.REPRLAB_DAWN_NOTICES === '1') return fn();
  let saved = -1;
  try {
    const st = fstatSync(2);
    if (st.isFIFO() || st.isCharacterDevice()) saved = openSync('/proc/self/fd/2', constants.O_WRONLY);
  } catch {
    /* no stderr to reopen: run plainly */
  }
  if (saved < 0) return fn();
  const file = join(tmpdir(), `reprlab-dawn-${process.pid}-${Date.now()}.log`);
  // open() takes the lowest free descriptor: 2, just closed
  closeSync(2);
  let capture: number;
  try {
    capture = openSync(file, constants.O_RDWR | constants.O_CREAT | constants.O_TRUNC, 0o600);
  } catch {
    // no writable temp folder: put stderr back and run plainly
    openSync(`/proc/self/fd/${saved}`, constants.O_WRONLY);
    closeSync(saved);
    return fn();
  }
  try {
    return fn();
  } finally {
    closeSync(capture);
    const back = openSync(`/proc/self/fd/${saved}`, constants.O_WRONLY);
    closeSync(saved);
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      /* nothing captured */
    }
    rmSync(file, { force: true });
    const rest = dropDawnNotices(text);
    if (back !== 2 || capture !== 2) process.emitWarning(`reprlab: stderr could not be restored exactly (descriptors ${capture}/${back})`);
    if (rest) process.stderr.write(rest);
  }
}
