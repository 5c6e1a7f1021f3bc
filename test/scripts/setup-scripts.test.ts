// Set-up helpers: the Jupyter launcher's command line (root needs --allow-root), the optional tfjs-node report,
// and the kernel registration (our own kernel spec: no jslab; per user with --user).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain .mjs without types
import { jupyterCommand } from '../../scripts/jupyter.mjs';
// @ts-expect-error plain .mjs without types
import { optionalReport, optionalState, OPTIONAL } from '../../scripts/check-backend.mjs';

const ROOT = resolve(import.meta.dirname, '../..');

describe('npm run notebook / lab', () => {
  it('adds --allow-root only as root, passes options, opens notebooks/', () => {
    const root = jupyterCommand('notebook', ['--no-browser'], { uid: 0, dir: '/nb' });
    expect(root.args).toEqual(['-X', 'frozen_modules=off', '-m', 'notebook', '--allow-root', '--no-browser', '/nb']);
    expect(jupyterCommand('notebook', [], { uid: 1000, dir: '/nb' }).args).not.toContain('--allow-root');
    expect(jupyterCommand('notebook', ['--allow-root'], { uid: 0, dir: '/nb' }).args.filter((a: string) => a === '--allow-root')).toHaveLength(1);
    expect(jupyterCommand('lab', [], { uid: 0, env: {}, dir: '/nb' })).toEqual({ command: 'jupyter-lab', args: ['--allow-root', '/nb'] });
    expect(jupyterCommand('lab', [], { uid: 1, env: { REPRLAB_PYTHON: '/opt/py' }, dir: '/nb' })).toEqual({ command: '/opt/py', args: ['-X', 'frozen_modules=off', '-m', 'jupyterlab', '/nb'] });
    expect(() => jupyterCommand('voila')).toThrow(/'notebook' or 'lab'/);
  });
});

describe('check-backend', () => {
  it('tells apart a skipped optional package, one whose install script did not run, and a ready one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-optional-'));
    try {
      const pkg = join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
      mkdirSync(join(pkg, 'lib', 'napi-v8'), { recursive: true });
      writeFileSync(join(pkg, 'package.json'), '{}');
      expect(optionalState('@tensorflow/tfjs-node-gpu', dir)).toBe('absent');
      expect(optionalState('@tensorflow/tfjs-node', dir)).toBe('no-binding');
      writeFileSync(join(pkg, 'lib', 'napi-v8', 'tfjs_binding.node'), '');
      expect(optionalState('@tensorflow/tfjs-node', dir)).toBe('ready');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says the optional packages were skipped and which backend that leaves', () => {
    const none = Object.fromEntries(OPTIONAL.map((p: string) => [p, 'absent']));
    const text = optionalReport(none, 'backend webgpu on llvmpipe').join('\n');
    expect(text).toMatch(/@tensorflow\/tfjs-node and @tensorflow\/tfjs-node-gpu were skipped by npm/);
    expect(text).toMatch(/'tensorflow' backend .* is not available/s);
    expect(text).toContain('notebooks will run on: backend webgpu on llvmpipe');
    const unbuilt = optionalReport({ '@tensorflow/tfjs-node-gpu': 'absent', '@tensorflow/tfjs-node': 'no-binding' }, 'x').join('\n');
    expect(unbuilt).toContain('npm rebuild @tensorflow/tfjs-node');
    const ready = optionalReport({ '@tensorflow/tfjs-node-gpu': 'absent', '@tensorflow/tfjs-node': 'ready' }, 'backend tensorflow on cpu');
    expect(ready.join('\n')).not.toMatch(/environment\.md|rebuild/);
  });
});

const jupyter = spawnSync('/usr/bin/python3', ['-m', 'jupyter', 'kernelspec', '--version'], { encoding: 'utf8', env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' } });
describe.runIf(jupyter.status === 0 && existsSync(join(ROOT, 'node_modules', '.bin', 'tslab')))('register-kernel.sh', () => {
  it('registers only the TypeScript kernel, per user with --user, and removes a jslab of this checkout', () => {
    const home = mkdtempSync(join(tmpdir(), 'reprlab-kernel-home-'));
    try {
      const kernels = join(home, '.local', 'share', 'jupyter', 'kernels');
      const bin = join(ROOT, 'node_modules', '.bin', 'tslab');
      mkdirSync(join(kernels, 'jslab'), { recursive: true }); // left by an earlier `tslab install`
      writeFileSync(join(kernels, 'jslab', 'kernel.json'), JSON.stringify({ argv: [bin, 'kernel', '--config-path', '{connection_file}', '--js'], display_name: 'JavaScript', language: 'javascript' }));
      const env = { ...process.env, HOME: home, JUPYTER_DATA_DIR: '', JUPYTER_PATH: '' };
      delete (env as Record<string, string | undefined>).JUPYTER_DATA_DIR;
      const r = spawnSync('bash', [join(ROOT, 'scripts', 'register-kernel.sh'), '--user'], { cwd: ROOT, encoding: 'utf8', env });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/Debugger warning/);
      expect(r.stdout).toContain(`registered per user in ${join(kernels, 'tslab')}`);
      expect(r.stdout).toMatch(/removed the unused 'jslab' kernel/);
      expect(readdirSync(kernels)).toEqual(['tslab']);
      expect(readdirSync(join(kernels, 'tslab'))).toEqual(['kernel.json']);
      const node = spawnSync('bash', ['-c', 'command -v node'], { encoding: 'utf8' }).stdout.trim();
      expect(JSON.parse(readFileSync(join(kernels, 'tslab', 'kernel.json'), 'utf8'))).toEqual({ argv: [node, join(ROOT, 'dist', 'notebook', 'tslab-kernel.js'), 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' });
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
