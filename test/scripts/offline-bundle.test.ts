// scripts/offline-bundle.sh + offline-unpack.sh on a tiny tree: pack a fake checkout (node_modules, dist/), unpack it
// into another folder as the offline host would, and check the files, the bundled node and env.sh.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const haveTools = ['xz', 'tar', 'bash'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
const dir = mkdtempSync(join(tmpdir(), 'reprlab-offline-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(path: string, text: string) {
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

describe.runIf(haveTools)('offline bundle', () => {
  it('packs node_modules, dist/ and node, and unpacks them on the host with an env.sh', () => {
    const src = join(dir, 'src');
    const pkg = '{\n  "name": "reprlab",\n  "version": "0.0.0",\n  "type": "module"\n}\n';
    write(join(src, 'package.json'), pkg);
    for (const f of ['offline-bundle.sh', 'offline-unpack.sh']) {
      mkdirSync(join(src, 'scripts'), { recursive: true });
      copyFileSync(join(ROOT, 'scripts', f), join(src, 'scripts', f));
    }
    write(join(src, 'node_modules', 'tiny', 'index.js'), 'export const answer = 42;\n');
    write(join(src, 'node_modules', 'tiny', 'index.js.map'), '{}'); // source maps stay behind
    write(join(src, 'node_modules', 'webgpu', 'dist', 'win32-x64', 'dawn.node'), 'not for linux');
    write(join(src, 'dist', 'index.js'), "export async function initBackend() { console.log('reprlab: backend stub on the test host'); }\n");
    const bundle = join(dir, 'bundle');
    const pack = spawnSync('bash', [join(src, 'scripts', 'offline-bundle.sh'), 'pack', '--out', bundle, '--no-debs', '--level', '0'], { cwd: dir, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    expect(pack.stdout).toMatch(/offline-bundle: wrote/);
    for (const f of ['node.xz', 'files.tar.xz', 'unpack.sh', 'MANIFEST']) expect(existsSync(join(bundle, f)), f).toBe(true);
    expect(readFileSync(join(bundle, 'MANIFEST'), 'utf8')).toContain(`node ${process.version}`);

    // the host: the checkout without node_modules/dist
    const host = join(dir, 'host');
    write(join(host, 'package.json'), pkg);
    const unpack = spawnSync('bash', [join(bundle, 'unpack.sh')], { cwd: host, encoding: 'utf8' });
    expect(unpack.status, unpack.stderr).toBe(0);
    expect(readFileSync(join(host, 'node_modules', 'tiny', 'index.js'), 'utf8')).toBe('export const answer = 42;\n');
    expect(existsSync(join(host, 'node_modules', 'tiny', 'index.js.map'))).toBe(false);
    expect(existsSync(join(host, 'node_modules', 'webgpu', 'dist', 'win32-x64'))).toBe(false);
    expect(unpack.stdout).toContain('reprlab: backend stub on the test host'); // the check ran the bundled node on dist/
    const env = readFileSync(join(bundle, 'env.sh'), 'utf8');
    expect(env).toContain(`export PATH="${join(bundle, 'node', 'bin')}:$PATH"`);
    const v = spawnSync(join(bundle, 'node', 'bin', 'node'), ['--version'], { encoding: 'utf8' });
    expect(v.stdout.trim()).toBe(process.version);

    // refusals with the fix named
    const wrong = spawnSync('bash', [join(bundle, 'unpack.sh')], { cwd: dir, encoding: 'utf8' });
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/run me from the reprlab checkout/);
    rmSync(join(src, 'dist'), { recursive: true });
    const unbuilt = spawnSync('bash', [join(src, 'scripts', 'offline-bundle.sh'), 'pack', '--out', bundle], { cwd: dir, encoding: 'utf8' });
    expect(unbuilt.status).toBe(1);
    expect(unbuilt.stderr).toMatch(/run 'npm run build' first/);
    expect(existsSync(join(bundle, 'files.tar.xz'))).toBe(true); // a failed pack leaves the old bundle alone
  }, 120_000);
});
