// Execute course notebooks headless through the tslab kernel (Debian's /usr/bin/python3 + nbclient, via
// scripts/execute_notebook.py). Used by `npm run notebooks` (scripts/run-notebooks.mjs), test/notebooks.test.ts
// and the handout exporter. Types: scripts/notebooks.d.mts.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const NOTEBOOKS_DIR = join(ROOT, 'notebooks');
export const EXECUTED_DIR = join(ROOT, 'build', 'executed');
const HELPER = join(ROOT, 'scripts', 'execute_notebook.py');

/** Debian's python (it has jupyter and nbclient); `python3` from PATH as a fallback. */
export function defaultPython() {
  return process.env.REPRLAB_PYTHON ?? (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
}

/**
 * The notebooks to run: every notebooks/*.ipynb (sorted; not homework/), or those named. A name may be a file
 * name (`00-setup.ipynb`), a stem (`00-setup`), a number prefix (`00`), or a path to any .ipynb.
 */
export function listNotebooks(names = [], dir = NOTEBOOKS_DIR) {
  const all = existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
        .sort()
        .map((f) => join(dir, f))
    : [];
  if (names.length === 0) return all;
  return names.map((name) => {
    if (name.endsWith('.ipynb') && existsSync(resolve(name))) return resolve(name);
    const hit = all.filter((p) => {
      const f = basename(p);
      return f === name || f === `${name}.ipynb` || f.startsWith(`${name}-`);
    });
    if (hit.length === 1) return hit[0];
    const known = all.map((p) => basename(p, '.ipynb')).join(', ') || '(none)';
    throw new Error(hit.length ? `notebook name '${name}' is ambiguous: ${hit.map((p) => basename(p)).join(', ')}` : `no notebook '${name}' in ${relative(ROOT, dir) || dir}; there are: ${known}`);
  });
}

/**
 * The run's seed from a command-line value (`--seed N`): a non-negative integer below 2³¹, as lib/notebook/mode.ts
 * `runSeed()` reads it from REPRLAB_SEED. Throws an Error naming the option and the fix otherwise.
 */
export function parseSeed(value, option = '--seed') {
  const text = String(value ?? '').trim();
  const n = Number(text);
  if (text === '' || !/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > 0x7fffffff) {
    throw new Error(`${option} must be a non-negative integer (0, 1, 2, ...; got '${value}'): it sets REPRLAB_SEED, which every notebook adds to its seeds`);
  }
  return n;
}

/** Register the tslab kernel with Jupyter unless a working one is registered. Returns what it did. */
export function ensureKernel({ python = defaultPython(), kernel = 'tslab' } = {}) {
  const list = spawnSync(python, ['-m', 'jupyter', 'kernelspec', 'list', '--json'], { encoding: 'utf8', env: quietPythonEnv() });
  if (list.status === 0) {
    try {
      const spec = JSON.parse(list.stdout).kernelspecs?.[kernel]?.spec;
      // a spec from before the launcher (tslab's own bin) is registered again: its kernel can die mid-notebook
      const launcher = spec?.argv?.find((a) => typeof a === 'string' && a.endsWith('tslab-kernel.js'));
      if (spec && existsSync(spec.argv?.[0] ?? '') && launcher && existsSync(launcher)) return `kernel '${kernel}' registered (${launcher})`;
    } catch {
      /* fall through to registering */
    }
  } else {
    throw new Error(`cannot run Jupyter with ${python} (${(list.stderr || '').trim().split('\n').pop()}); install it (Debian: apt-get install jupyter-core python3-nbclient python3-ipykernel; see environment.md)`);
  }
  if (kernel !== 'tslab') throw new Error(`Jupyter kernel '${kernel}' is not registered`);
  // scripts/register-kernel.sh: the kernel spec only (tslab install would add an unused jslab kernel)
  const r = spawnSync('bash', [join(ROOT, 'scripts', 'register-kernel.sh'), `--python=${python}`], { cwd: ROOT, encoding: 'utf8', env: quietPythonEnv() });
  if (r.status !== 0) throw new Error(`registering the tslab kernel failed: ${(r.stderr || r.stdout || '').trim()}`);
  return r.stdout.trim().replace(/^register-kernel: /, '');
}

/** Where notebooks import `reprlab` from: dist/ (npm run build) through node_modules/reprlab. */
export function checkBuilt() {
  const problems = [];
  if (!existsSync(join(ROOT, 'dist', 'index.js'))) problems.push('dist/index.js is missing');
  if (!existsSync(join(ROOT, 'node_modules', 'reprlab', 'package.json'))) problems.push('node_modules/reprlab is missing');
  if (problems.length) throw new Error(`${problems.join('; ')}: run 'npm run build' (notebooks import the built package)`);
  const built = statSync(join(ROOT, 'dist', 'index.js')).mtimeMs;
  const newer = newestTs(join(ROOT, 'lib'));
  return newer.mtime > built + 1000 ? `dist/ is older than ${relative(ROOT, newer.path)}: run 'npm run build' to test the current lib` : '';
}

function newestTs(dir) {
  let best = { mtime: 0, path: dir };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      const b = newestTs(p);
      if (b.mtime > best.mtime) best = b;
    } else if (e.name.endsWith('.ts')) {
      const m = statSync(p).mtimeMs;
      if (m > best.mtime) best = { mtime: m, path: p };
    }
  }
  return best;
}

function quietPythonEnv(extra = {}) {
  return { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1', PYTHONUNBUFFERED: '1', ...extra };
}

function codeCellCount(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8')).cells.filter((c) => c.cell_type === 'code').length;
  } catch {
    return 0;
  }
}

/**
 * Execute one notebook; resolves (never rejects for a failing notebook) to
 * { ok, notebook, outPath, seconds, cell?, source?, error? } — `cell` is the failing cell's index in the
 * notebook (0-based, markdown cells counted), `source` its first line, `error` the kernel's message (TypeScript
 * type errors included).
 */
export function executeNotebook(path, o = {}) {
  const notebook = resolve(path);
  const mode = o.mode ?? 'smoke';
  const outPath = resolve(o.outPath ?? join(EXECUTED_DIR, basename(notebook)));
  const timeout = o.timeout ?? (mode === 'smoke' ? 120 : 1800); // laptop, full and auto cells train for minutes
  const startupTimeout = o.startupTimeout ?? 60;
  const python = o.python ?? defaultPython();
  const env = quietPythonEnv({ REPRLAB_MODE: mode, ...(o.backend ? { REPRLAB_BACKEND: o.backend } : {}), ...(o.seed !== undefined ? { REPRLAB_SEED: String(parseSeed(o.seed, 'seed')) } : {}), ...(o.env ?? {}) });
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const hardTimeout = o.hardTimeout ?? startupTimeout + timeout * (codeCellCount(notebook) + 1) + 30;
  const args = ['-X', 'frozen_modules=off', HELPER, notebook, outPath, '--kernel', o.kernel ?? 'tslab', '--timeout', String(timeout), '--startup-timeout', String(startupTimeout), '--cwd', resolve(o.cwd ?? dirname(notebook))];
  const t0 = performance.now();
  return new Promise((resolvePromise) => {
    const child = spawn(python, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let kernelPid;
    let result;
    let stdoutBuf = '';
    let stderr = '';
    let killedForTime = false;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdoutBuf += chunk;
      let nl;
      while ((nl = stdoutBuf.indexOf('\n')) >= 0) {
        const line = stdoutBuf.slice(0, nl);
        stdoutBuf = stdoutBuf.slice(nl + 1);
        let ev;
        try {
          ev = JSON.parse(line);
        } catch {
          continue;
        }
        if (ev.event === 'kernel') kernelPid = ev.pid;
        if (ev.event === 'result') result = ev;
        o.onEvent?.(ev);
      }
    });
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-20000);
    });
    const timer = setTimeout(() => {
      killedForTime = true;
      child.kill('SIGTERM');
      setTimeout(() => {
        if (child.exitCode === null) child.kill('SIGKILL');
        if (kernelPid) {
          try {
            process.kill(kernelPid, 'SIGKILL');
          } catch {
            /* already gone */
          }
        }
      }, 10_000).unref();
    }, hardTimeout * 1000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolvePromise({ ok: false, notebook, outPath, seconds: 0, cell: null, error: `cannot start ${python}: ${err.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const seconds = (performance.now() - t0) / 1000;
      if (result && result.status === 'ok' && code === 0) {
        resolvePromise({ ok: true, notebook, outPath, seconds });
        return;
      }
      let error = result?.error ?? '';
      // a kernel that dies says why on its stderr (which the helper passes through): V8's "heap out of memory",
      // a wasm abort, a signal; without it the report would be "the kernel died" and nothing more
      if (/kernel died/i.test(error) && stderr.trim()) error += `\nthe kernel's last words (stderr):\n${kernelLastWords(stderr)}`;
      if (killedForTime) error = `stopped after ${hardTimeout} s (the whole-notebook limit)\n${error}`;
      if (!error) error = `execute_notebook.py exited with status ${code}${stderr ? `:\n${stderr.trim().split('\n').slice(-15).join('\n')}` : ''}`;
      resolvePromise({ ok: false, notebook, outPath, seconds, cell: result?.cell ?? null, source: result?.source ?? '', error });
    });
  });
}

/** The last lines of a kernel's stderr worth showing (Python's warnings about notebook metadata left out). */
export function kernelLastWords(stderr, lines = 15) {
  const keep = stderr.split('\n').filter((l) => l.trim() && !/MissingIDFieldWarning|^\s*validate\(nb\)$|PYDEVD|frozen modules/.test(l));
  return keep.slice(-lines).join('\n');
}

/** A failed run as text: `notebooks/x.ipynb, cell 4 (`first line`): message`. */
export function describeFailure(r) {
  const where = `${relative(process.cwd(), r.notebook) || r.notebook}${r.cell !== null && r.cell !== undefined ? `, cell ${r.cell}${r.source ? ` (\`${r.source}\`)` : ''}` : ''}`;
  const msg = String(r.error ?? '').trim();
  return `${where}:\n${msg.split('\n').map((l) => `    ${l}`).join('\n')}`;
}
