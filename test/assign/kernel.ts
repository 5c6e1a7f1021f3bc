/**
 * Why sandboxed-kernel tests cannot run here (undefined when they can): Debian's python3 with jupyter_client and
 * nbformat (the supervisor), bubblewrap and user namespaces (the sandbox). REPRLAB_REQUIRE_BROWSER=1 (CI) makes
 * a missing piece fatal instead of a skip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { probeSandbox } from '../../grader/index.js';

export function graderMissing(): string | undefined {
  const py = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(py, ['-c', 'import nbformat, jupyter_client'], { encoding: 'utf8', env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  let why = r.status === 0 ? undefined : `Debian's python3 with jupyter_client and nbformat is missing (${(r.stderr || String(r.error)).trim().split('\n').at(-1)}); run npm run setup`;
  if (!why) {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-probe-'));
    const probe = probeSandbox(resolve(import.meta.dirname, '../..'), dir);
    rmSync(dir, { recursive: true, force: true });
    if (!probe.ok) why = probe.reason;
  }
  if (why && process.env.REPRLAB_REQUIRE_BROWSER === '1') throw new Error(`${why} (REPRLAB_REQUIRE_BROWSER=1)`);
  return why;
}
