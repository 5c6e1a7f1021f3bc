// Dawn's limit-clamping notices on stderr (lib/backend/webgpu.ts): dropped, everything else passed on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropDawnNotices } from '../../lib/backend/webgpu.js';

const ROOT = resolve(import.meta.dirname, '../..');
const DIST = join(ROOT, 'dist', 'backend', 'webgpu.js');
const NOTICE_U = 'Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.\n';
const NOTICE_S = 'Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.\n';

/**
 * Run `code` (an ES module body) in a child node whose stderr is a pipe (a FIFO, as in `node x | less` or a
 * terminal's pipeline; Node's own spawn pipes are sockets, which the filter leaves alone). Returns stdout, stderr.
 */
function child(code: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'reprlab-dawn-test-'));
  try {
    const out = join(dir, 'stdout');
    const r = spawnSync('sh', ['-c', `"$NODE" --input-type=module -e "$CODE" 2>&1 >"$OUT" | cat`], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, ...env, NODE: process.execPath, CODE: code, OUT: out },
    });
    expect(r.status, r.stderr).toBe(0);
    return { stdout: readFileSync(out, 'utf8'), stderr: r.stdout };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Dawn notices', () => {
  it('dropDawnNotices removes exactly the two clamping lines', () => {
    expect(dropDawnNotices(`a\n${NOTICE_U}b\n${NOTICE_S}`)).toBe('a\nb\n');
    expect(dropDawnNotices('Warning: something else\n')).toBe('Warning: something else\n');
    expect(dropDawnNotices(`x ${NOTICE_U}`)).toBe(`x ${NOTICE_U}`); // only whole lines
  });

  it.runIf(process.platform === 'linux' && existsSync(DIST))('withoutDawnNotices drops them from native-style writes to fd 2 and restores stderr (built dist/)', () => {
    // fs.writeSync(2, ...) writes to the descriptor as Dawn's fprintf does, bypassing process.stderr
    const code = `
      import { writeSync } from 'node:fs';
      import { withoutDawnNotices } from ${JSON.stringify(DIST)};
      process.stderr.write('before\\n');
      const v = withoutDawnNotices(() => { writeSync(2, ${JSON.stringify(NOTICE_U + 'kept line\n' + NOTICE_S)}); return 42; });
      process.stderr.write('after\\n');
      writeSync(2, 'fd2 works\\n');
      console.log(v);`;
    const r = child(code);
    expect(r.stdout.trim()).toBe('42');
    expect(r.stderr).toBe('before\nkept line\nafter\nfd2 works\n');
    // REPRLAB_DAWN_NOTICES=1 keeps them
    expect(child(code, { REPRLAB_DAWN_NOTICES: '1' }).stderr).toContain('artificially reduced');
  });

  it.runIf(process.platform === 'linux' && existsSync(DIST))('an exception in the call still restores stderr', () => {
    const r = child(`
      import { writeSync } from 'node:fs';
      import { withoutDawnNotices } from ${JSON.stringify(DIST)};
      try { withoutDawnNotices(() => { writeSync(2, 'inside\\n'); throw new Error('boom'); }); } catch (e) { console.log(e.message); }
      writeSync(2, 'after\\n');`);
    expect(r.stdout.trim()).toBe('boom');
    expect(r.stderr).toBe('inside\nafter\n');
  });

  it.runIf(existsSync(join(ROOT, 'dist', 'index.js')))('initBackend on webgpu prints no clamping notice (skips without an adapter)', () => {
    const r = child(`import { initBackend } from ${JSON.stringify(join(ROOT, 'dist', 'index.js'))}; try { await initBackend({ backend: 'webgpu' }); } catch (e) { console.log('NO-ADAPTER ' + e.message.split('\\n')[0]); }`);
    if (r.stdout.includes('NO-ADAPTER')) {
      if (process.env.REPRLAB_REQUIRE_WEBGPU === '1') throw new Error(r.stdout);
      console.warn(`no webgpu adapter, Dawn's notices not checked: ${r.stdout.trim()}`);
      return;
    }
    expect(r.stdout).toMatch(/reprlab: backend webgpu on /);
    expect(r.stderr).not.toMatch(/artificially reduced/);
  });
});
