// `npm run pretrain`: trains what the cache lacks, then loads it; --list/--clear; bad names are usage errors.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'reprlab-pretrain-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['scripts/pretrain.mjs', '--no-build', ...args], {
    encoding: 'utf8', env: { ...process.env, REPRLAB_ENCODER_CACHE: dir, REPRLAB_BACKEND: 'cpu' }, timeout: 240_000,
  });

describe('scripts/pretrain.mjs', () => {
  it('trains the smoke SimCLR once, then finds it cached; --list shows it, --clear removes it', () => {
    const first = run('--mode', 'smoke', '--seed', '3', 'simclr');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/simclr-smoke seed 3: trained 20 steps/);
    const second = run('--mode', 'smoke', '--seed', '3', 'simclr');
    expect(second.stdout).toMatch(/simclr-smoke seed 3: cached/);
    expect(run('--list').stdout).toMatch(/finished .* MB .*simclr-smoke-[0-9a-f]{16}\.ckpt/);
    expect(run('--clear').stdout).toMatch(/removed 1 files/);
    expect(run('--list').stdout).toMatch(/^0 files/m);
  }, 240_000);

  it('an unknown name or seed is a usage error naming it', () => {
    const r = run('--mode', 'smoke', 'byol2');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown name 'byol2'/);
    const s = run('--mode', 'smoke', '--seed', '-1');
    expect(s.status).toBe(2);
  });
});
