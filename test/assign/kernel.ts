/** Why kernel-backed tests cannot run here (undefined when they can); REPRLAB_REQUIRE_BROWSER=1 makes it fatal. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function jupyterMissing(): string | undefined {
  const py = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(py, ['-c', 'import nbclient, jupyter_client; from jupyter_client.kernelspec import KernelSpecManager as K; K().get_kernel_spec("tslab")'], { encoding: 'utf8', env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  const why = r.status === 0 ? undefined : `Jupyter with nbclient and the tslab kernel is missing (${(r.stderr || String(r.error)).trim().split('\n').at(-1)}); run npm run setup`;
  if (why && process.env.REPRLAB_REQUIRE_BROWSER === '1') throw new Error(`${why} (REPRLAB_REQUIRE_BROWSER=1)`);
  return why;
}
