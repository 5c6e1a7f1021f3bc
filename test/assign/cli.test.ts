// The homework commands' argument handling (they import the built package: `npm test` builds first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNotebook } from '../../grader/index.js';
import { tinyAssignment, writeSubmission } from './fixture.js';
import { shardOf } from '../../grader/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const built = existsSync(join(ROOT, 'dist-grader', 'grader', 'index.js'));
const run = (script: string, args: string[], env: NodeJS.ProcessEnv = {}) => spawnSync('node', [join(ROOT, 'scripts', script), ...(args[0] === 'merge' ? ['merge', '--no-build', ...args.slice(1)] : ['--no-build', ...args])], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });

describe.skipIf(!built)(`npm run assignments / grade arguments${built ? '' : ' (skipped: run npm run build)'}`, () => {
  it('grade: a missing or wrong submissions folder and unknown options are usage errors (exit 2) that say what to do', () => {
    expect(run('grade.mjs', [])).toMatchObject({ status: 2, stderr: expect.stringMatching(/missing the submissions folder[\s\S]*usage: npm run grade/) });
    expect(run('grade.mjs', ['/nonexistent-submissions'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/submissionsDir' must be a folder of <student>\/<assignment>\.ipynb.*Fix:/) });
    expect(run('grade.mjs', ['x', '--mode', 'fast'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/'--mode' must be one of smoke, full \(got 'fast'\)/) });
    expect(run('grade.mjs', ['x', '--timeout', '-3'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/'--timeout' must be a positive number/) });
    expect(run('grade.mjs', ['x', '--frobnicate'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/unknown option '--frobnicate'/) });
  });

  it('assignments: releases a source folder, refuses unknown names', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-cli-'));
    writeNotebook(join(dir, 'src', 'tiny.ipynb'), tinyAssignment());
    const ok = run('assignments.mjs', ['--source', join(dir, 'src'), '--release', join(dir, 'rel')]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/tiny: 6 points \(test_double, test_square, why\)/);
    expect(readFileSync(join(dir, 'rel', 'tiny', 'tiny.ipynb'), 'utf8')).toContain('not implemented: double');
    expect(run('assignments.mjs', ['--source', join(dir, 'src'), '--release', join(dir, 'rel'), 'nope'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/names' must be assignment names in .* \(tiny\)/) });
  });

  it('grade: refuses to run when the sandbox cannot start (exit 3, the reason and the fix; --unsafe-no-sandbox is tested in attacks.test.ts)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-cli-'));
    writeNotebook(join(dir, 'src', 'tiny.ipynb'), tinyAssignment());
    writeSubmission(join(dir, 'subs'), 'ada', 'tiny', tinyAssignment());
    const r = run('grade.mjs', [join(dir, 'subs'), '--source', join(dir, 'src'), '--out', join(dir, 'out')], { REPRLAB_BWRAP: '/nonexistent/bwrap' });
    expect(r.status).toBe(3);
    expect(r.stderr).toMatch(/grading refused: bubblewrap \(\/nonexistent\/bwrap\) is not installed\. Fix: bash scripts\/setup-system\.sh.*--unsafe-no-sandbox/);
    expect(r.stderr).not.toMatch(/usage:/); // not an argument error
    expect(existsSync(join(dir, 'out', 'tiny'))).toBe(false); // nothing ran
    expect(run('grade.mjs', [join(dir, 'subs'), '--shard', '3/2'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/'shard' must be 'i\/n' with 1 <= i <= n/) });
  });

  it('grade --shard i/n splits the students deterministically and disjointly; merge combines the shard gradebooks', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-cli-'));
    writeNotebook(join(dir, 'src', 'tiny.ipynb'), tinyAssignment());
    const students = ['ann', 'ben', 'cat', 'dov', 'eli', 'fox', 'ida']; // shards 2, 1, 1, 1, 2, 1, 3: none empty
    for (const s of students) writeSubmission(join(dir, 'subs'), s, 'tiny', '{ not a notebook'); // unreadable: no kernel needed
    const shards = [1, 2, 3].map((i) => {
      const out = join(dir, `out-${i}`);
      const r = run('grade.mjs', [join(dir, 'subs'), '--source', join(dir, 'src'), '--out', out, '--shard', `${i}/3`]);
      expect(r.status, r.stderr).toBe(0);
      return { out, graded: existsSync(join(out, 'tiny')) ? readdirSync(join(out, 'tiny')).filter((f) => !f.endsWith('.csv')).sort() : [] };
    });
    shards.forEach(({ graded }, k) => expect(graded).toEqual(students.filter((s) => shardOf(s, 3) === k + 1)));
    expect(shards.map((s) => s.graded.length)).toEqual([4, 2, 1]);
    expect(shards.flatMap((s) => s.graded).sort()).toEqual(students);
    const merged = join(dir, 'merged');
    const m = run('grade.mjs', ['merge', '--source', join(dir, 'src'), '--out', merged, ...shards.map((s) => s.out)]);
    expect(m.status, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/merged 7 result\(s\) of 7 student\(s\) from 3 folder\(s\)/);
    const rows = readFileSync(join(merged, 'tiny', 'gradebook.csv'), 'utf8').trim().split('\n').slice(1);
    expect(rows.map((l) => l.split(',')[0])).toEqual(students);
    expect(rows.every((l) => /^[a-z]+,unreadable,0,/.test(l))).toBe(true);
    expect(readFileSync(join(merged, 'gradebook.csv'), 'utf8').trim().split('\n')).toHaveLength(8);
    expect(run('grade.mjs', ['merge', '--out', merged, join(dir, 'nope')])).toMatchObject({ status: 2, stderr: expect.stringMatching(/roster\.json/) });
  });
});
