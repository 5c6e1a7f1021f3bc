/**
 * The grader's per-process limits: memory is bounded by the data limit, not the address space, so the wasm engine
 * (which reserves ~10 GiB of address space it never touches) starts inside them, and an allocation beyond the
 * limit still fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bwrapArgs, kernelEnv, limitArgs } from '../../grader/sandbox.js';

const ROOT = join(__dirname, '..', '..');
const LIMITS = { memoryMb: 1024, cpuSeconds: 120, processes: 256, fileSizeMb: 64, diskMb: 256, cpus: 1, shmMb: 16 };
const underLimits = (script: string) =>
  spawnSync(limitArgs(LIMITS)[0]!, [...limitArgs(LIMITS).slice(1), process.execPath, '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });

describe('grader limits', () => {
  it('limit the data segment, and not the address space', () => {
    const a = limitArgs(LIMITS);
    expect(a).toContain(`--data=${1024 * 1024 * 1024}`);
    expect(a.some((x) => x.startsWith('--as'))).toBe(false);
  });

  it('/dev is read-only with a small /dev/shm, and nothing in the environment says the kernel is graded', () => {
    const a = bwrapArgs({ root: ROOT, socketDir: '/tmp/x', env: {}, limits: { ...LIMITS, shmMb: 16 } }).join(' ');
    expect(a).toContain(`--dev /dev --size ${16 * 1024 * 1024} --tmpfs /dev/shm --remount-ro /dev`);
    expect(Object.keys(kernelEnv({ mode: 'smoke', home: '/home/student' })).sort()).toEqual(['HOME', 'LANG', 'PATH', 'REPRLAB_MODE', 'TMPDIR']);
  });

  it.skipIf(!existsSync('/usr/bin/prlimit') || !existsSync(join(ROOT, 'dist', 'index.js')))('the wasm engine starts under them, and a tensor beyond the memory limit fails', () => {
    const r = underLimits(`
      const R = await import('./dist/index.js');
      await R.initBackend({ backend: 'wasm' });
      const small = R.tf.matMul(R.tf.ones([200, 200]), R.tf.ones([200, 200])).dataSync()[0];
      let big = 'allocated';
      try { R.tf.fill([400_000_000], 1).dataSync(); } catch (e) { big = 'refused'; }
      console.log(JSON.stringify({ backend: R.tf.getBackend(), small, big }));`);
    const last = r.stdout.trim().split('\n').at(-1) ?? '';
    expect(r.stderr + r.stdout).not.toMatch(/Cannot allocate Wasm memory/);
    expect(JSON.parse(last.slice(last.indexOf('{')))).toEqual({ backend: 'wasm', small: 200, big: 'refused' });
  });
});
