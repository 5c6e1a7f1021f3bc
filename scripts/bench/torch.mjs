// The PyTorch side of `npm run bench -- --vs-torch`: scripts/bench/torch_workloads.py as a child process that times
// one step at a time on request (a JSON line in, a JSON line out), so the bench can alternate reprlab's and
// PyTorch's steps. Torch is optional: Debian's `python3-torch` in /usr/bin/python3 (REPRLAB_PYTHON overrides).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const TORCH_SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'torch_workloads.py');
export const TORCH_MISSING = 'torch not found: apt-get install python3-torch';
export const TORCH_INSTALL = 'sudo apt-get install -y --no-install-recommends python3-torch';

/** The python the bench uses for PyTorch: REPRLAB_PYTHON, else Debian's /usr/bin/python3. */
export const torchPython = (env = process.env) => env.REPRLAB_PYTHON || '/usr/bin/python3';

/**
 * Whether `python` can import torch: { ok: true, version } or { ok: false, reason } where reason starts with
 * TORCH_MISSING (no python, or python without torch) and says what was tried.
 */
export function probeTorch(python = torchPython()) {
  if (python.includes('/') && !existsSync(python)) return { ok: false, reason: `${TORCH_MISSING} (no ${python})` };
  const r = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { ok: false, reason: `${TORCH_MISSING} (${python}: ${r.error.code ?? r.error.message})` };
  if (r.status !== 0) return { ok: false, reason: `${TORCH_MISSING} (${python} has no module torch)` };
  return { ok: true, version: r.stdout.trim() };
}

/** A running torch_workloads.py --serve: setup(spec) -> id, step(id) -> { ms, value }, dispose(id), close(). */
export class TorchSession {
  static async start({ python = torchPython(), threads = 1 } = {}) {
    const n = String(threads);
    const env = { ...process.env, OMP_NUM_THREADS: n, MKL_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n };
    const child = spawn(python, [TORCH_SCRIPT, '--serve', '--threads', String(threads)], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    const s = new TorchSession(child);
    const info = await s.request({ op: 'info' });
    s.info = info;
    return s;
  }

  constructor(child) {
    this.child = child;
    this.nextId = 1;
    this.waiting = [];
    this.closed = false;
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => this.waiting.shift()?.resolve(line));
    child.on('exit', (code) => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error(`torch_workloads.py exited (status ${code})`));
    });
    child.on('error', (err) => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(err);
    });
  }

  request(msg) {
    if (this.closed) return Promise.reject(new Error('torch_workloads.py is not running'));
    return new Promise((resolve, reject) => {
      this.waiting.push({
        resolve: (line) => {
          let r;
          try {
            r = JSON.parse(line);
          } catch {
            return reject(new Error(`torch_workloads.py said: ${line.slice(0, 200)}`));
          }
          if (!r.ok) return reject(new Error(r.error));
          resolve(r);
        },
        reject,
      });
      this.child.stdin.write(JSON.stringify(msg) + '\n');
    });
  }

  async setup(spec) {
    const id = String(this.nextId++);
    await this.request({ op: 'setup', id, spec });
    return id;
  }

  async step(id) {
    return this.request({ op: 'step', id });
  }

  async dispose(id) {
    if (!this.closed) await this.request({ op: 'dispose', id });
  }

  async close() {
    if (this.closed) return;
    this.child.stdin.end(JSON.stringify({ op: 'quit' }) + '\n');
    await new Promise((resolve) => this.child.once('exit', resolve));
  }
}
