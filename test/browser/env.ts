/**
 * What the browser tests need, and why they skip: Chromium (playwright-core drives /usr/bin/chromium), Jupyter
 * (Debian's /usr/bin/python3 with nbconvert, nbclient, the classic notebook server) and the tslab kernel.
 * With REPRLAB_REQUIRE_BROWSER=1 (CI) a missing piece fails the run instead of skipping.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

export const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
export const CHROMIUM = process.env.REPRLAB_CHROMIUM ?? '/usr/bin/chromium';

function pythonHas(code: string): string | undefined {
  const r = spawnSync(PYTHON, ['-c', code], { encoding: 'utf8', env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  return r.status === 0 ? undefined : (r.stderr || String(r.error)).trim().split('\n').at(-1);
}

function require_(why: string | undefined, what: string): string | undefined {
  if (!why) return undefined;
  const msg = `${what} (${why}); install with npm run setup (bash scripts/setup-system.sh)`;
  if (process.env.REPRLAB_REQUIRE_BROWSER === '1') throw new Error(`${msg} — required because REPRLAB_REQUIRE_BROWSER=1`);
  return msg;
}

/** Reason to skip tests that need Chromium, or undefined. */
export function chromiumMissing(): string | undefined {
  let why: string | undefined;
  if (!existsSync(CHROMIUM)) why = `no ${CHROMIUM}`;
  else {
    try {
      requireHere.resolve('playwright-core');
    } catch {
      why = 'playwright-core is not installed';
    }
  }
  return require_(why, 'Chromium is missing');
}

/** Reason to skip tests that need nbconvert, or undefined. */
export function nbconvertMissing(): string | undefined {
  return require_(pythonHas('import nbconvert'), 'Jupyter nbconvert is missing');
}

/** Reason to skip tests that need the classic notebook server with the tslab kernel, or undefined. */
export function jupyterServerMissing(): string | undefined {
  return require_(pythonHas('import notebook, nbclient; from jupyter_client.kernelspec import KernelSpecManager as K; K().get_kernel_spec("tslab")'), 'the Jupyter notebook server or the tslab kernel is missing');
}
