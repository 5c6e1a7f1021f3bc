// `npm run notebook [-- args]` / `npm run lab [-- args]`: open the course notebooks in Jupyter.
//   notebook: Debian's classic Notebook (/usr/bin/python3 -m notebook, installed by scripts/setup-system.sh)
//   lab:      JupyterLab, installed by you (pipx, a venv, conda; see environment.md): `jupyter-lab` on PATH, or
//             `$REPRLAB_PYTHON -m jupyterlab` when REPRLAB_PYTHON names the Python that has it
// Adds --allow-root when run as root (containers, cloud boxes: Jupyter refuses root without it) and silences
// Debian's debugpy "frozen modules" notice. Registers the tslab kernel first when it is missing. Extra arguments
// go to Jupyter (e.g. `npm run notebook -- --no-browser --port 8899`). The folder opened is notebooks/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPython, ensureKernel, ROOT } from './notebooks.mjs';

/** The command line that opens `dir` in Jupyter (`app`: 'notebook' or 'lab'). Exported for the tests. */
export function jupyterCommand(app, extra = [], { uid = process.getuid?.() ?? 1000, env = process.env, dir = join(ROOT, 'notebooks') } = {}) {
  if (app !== 'notebook' && app !== 'lab') throw new Error(`jupyter.mjs: app must be 'notebook' or 'lab' (got '${app}')`);
  const rootFlag = uid === 0 && !extra.includes('--allow-root') ? ['--allow-root'] : [];
  const args = [...rootFlag, ...extra, dir];
  if (app === 'notebook') return { command: defaultPython(), args: ['-X', 'frozen_modules=off', '-m', 'notebook', ...args] };
  if (env.REPRLAB_PYTHON) return { command: env.REPRLAB_PYTHON, args: ['-X', 'frozen_modules=off', '-m', 'jupyterlab', ...args] };
  return { command: 'jupyter-lab', args };
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v "${cmd}"`], { encoding: 'utf8' }).status === 0;
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const [app = 'notebook', ...extra] = process.argv.slice(2);
  let cmd;
  try {
    cmd = jupyterCommand(app, extra);
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  if (app === 'lab' && cmd.command === 'jupyter-lab' && !onPath('jupyter-lab')) {
    console.error(
      'npm run lab: JupyterLab is not installed (no jupyter-lab on PATH). Debian does not package it: install it with\n' +
        '  pipx install jupyterlab        (or: python3 -m venv ~/jl && ~/jl/bin/pip install jupyterlab, or conda install jupyterlab)\n' +
        'then run this again, or set REPRLAB_PYTHON to the Python that has it. `npm run notebook` opens the classic Notebook instead.',
    );
    process.exit(1);
  }
  if (app === 'notebook' && !existsSync(cmd.command) && !onPath(cmd.command)) {
    console.error(`npm run notebook: ${cmd.command} is missing: run bash scripts/setup-system.sh (Debian's jupyter-notebook)`);
    process.exit(1);
  }
  try {
    const note = ensureKernel();
    if (/^registered|TypeScript kernel/.test(note)) console.log(`jupyter: ${note}`);
  } catch (err) {
    console.error(`jupyter: ${err.message}`);
    process.exit(1);
  }
  const child = spawn(cmd.command, cmd.args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
