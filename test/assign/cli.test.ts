// The homework commands' argument handling (they import the built package: `npm test` builds first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeNotebook } from '../../grader/index.js';
import { tinyAssignment } from './fixture.js';

const ROOT = resolve(import.meta.dirname, '../..');
const built = existsSync(join(ROOT, 'dist', 'notebook', 'assign', 'index.js'));
const run = (script: string, args: string[]) => spawnSync('node', [join(ROOT, 'scripts', script), '--no-build', ...args], { cwd: ROOT, encoding: 'utf8' });

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
});
