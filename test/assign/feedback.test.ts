// Feedback pages students may keep: points, why a test failed, manual scores and comments, the student's own
// cells and outputs; never the hidden tests' source, the solutions, or another student's work.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeAll, loadAssignment, makeStudentVersion, recordManualScores, safeReason, secretLines, writeFeedback, writeNotebook } from '../../grader/index.js';
import { fakeGrades } from './fake-grades.js';
import { helperAssignment, withSource, writeSubmission } from './fixture.js';
import { graderMissing } from './kernel.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('feedback pages', () => {
  it('without a graded notebook: the scores, the reasons and the comments only', () => {
    const { dir, a } = fakeGrades();
    recordManualScores(dir, [a], [{ student: 'ada', assignment: 'tiny', cell: 'why', points: 0.5, comment: 'Say <why> it is convex.' }]);
    const out = join(dir, 'fb');
    const r = writeFeedback({ gradesDir: dir, assignments: [a], outDir: out });
    expect(r.files.map((f) => f.slice(out.length + 1)).sort()).toEqual(['ada/tiny.html', 'bob/tiny.html']);
    const html = readFileSync(join(out, 'ada', 'tiny.html'), 'utf8');
    expect(html).toMatch(/score <b>2\.5 \/ 6<\/b>/);
    expect(html).toContain('Error: square(3) should be 9');
    expect(html).toContain('Say &lt;why&gt; it is convex.'); // escaped
    expect(html).toContain('No notebook ran for this submission.');
    expect(html).not.toContain('bob');
    // a reason that quotes a hidden-test line (tslab prints the failing line) loses it
    const hidden = ["if (double(-3) !== -6) throw new Error('hidden: double(-3) should be -6');"];
    expect(safeReason(`1:1 - if (double(-3) !== -6) throw new Error('hidden: double(-3) should be -6');\n    ^\n`, hidden)).toBe('1:1 - [a hidden test: not shown]');
    expect(() => writeFeedback({ gradesDir: dir, assignments: [a], outDir: out, students: ['zed'] })).toThrow(/argument 'student' must be a student of .* \(ada, bob\) \(got "zed"\)/);
  });
});

const missing = graderMissing();

describe.skipIf(!!missing)(`feedback from graded notebooks${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('shows points, reasons, comments and the student\'s own work; no hidden-test or solution text, nothing of another student', async () => {
    const root = mkdtempSync(join(tmpdir(), 'reprlab-feedback-'));
    const src = join(root, 'homework');
    const source = helperAssignment(); // hidden test in test_double, solutions in double, square and why
    writeNotebook(join(src, 'tiny.ipynb'), source);
    const a = loadAssignment(join(src, 'tiny.ipynb'));
    const released = makeStudentVersion(source, 'tiny');
    const subs = join(root, 'submissions');
    // ada: passes the visible check of double but not the hidden one; square right (not the solution's text)
    let ada = withSource(released, 'double', 'function double(x: number): number { return Math.abs(2 * x); }');
    ada = withSource(ada, 'square', 'function square(x: number): number { return x ** 2; }\nconsole.log("ada squares", square(3));');
    ada = withSource(ada, 'why', 'ADA-ANSWER: the parabola curves upwards.');
    writeSubmission(subs, 'ada', 'tiny', ada);
    let bob = withSource(released, 'double', 'function double(x: number): number { return 2 * x; } // BOB-SECRET-CODE');
    bob = withSource(bob, 'why', 'BOB-SECRET-ANSWER');
    writeSubmission(subs, 'bob', 'tiny', bob);
    const out = join(root, 'grades');
    const batch = await gradeAll({ submissionsDir: subs, sourceDir: src, outDir: out, timeout: 60, cellTimeout: 10 });
    expect(batch.results.map((r) => `${r.student} ${r.status} ${r.score}`).sort()).toEqual(['ada graded 3', 'bob graded 2']);
    recordManualScores(out, [a], [{ student: 'ada', assignment: 'tiny', cell: 'why', points: 1, comment: 'ADA-COMMENT: nicely put.' }]);
    const fb = join(root, 'feedback');
    writeFeedback({ gradesDir: out, assignments: [a], outDir: fb });
    const html = readFileSync(join(fb, 'ada', 'tiny.html'), 'utf8');
    // what it must show
    expect(html).toMatch(/score <b>4 \/ 6<\/b>/);
    expect(html).toContain('test_double: 0 / 2 point(s)</b> — failed<br>why: Error: hidden: double(-3): expected -6, got 6');
    expect(html).toContain('test_square: 3 / 3 point(s)');
    expect(html).toContain('why: 1 / 1 point(s)</b> — graded by hand<br>comment: <span class="md">ADA-COMMENT: nicely put.');
    expect(html).toContain('return Math.abs(2 * x);');
    expect(html).toContain('ADA-ANSWER: the parabola curves upwards.');
    expect(html).toContain('<pre class="out">ada squares 9'); // her own output
    expect(html).toContain("assertEq(double(2), 4, &#39;double(2)&#39;);"); // the visible check
    // what it must not show
    const { hidden, solutions } = secretLines(a);
    expect(hidden.length).toBeGreaterThan(0);
    expect(solutions.length).toBeGreaterThan(0);
    const visible = JSON.stringify(released);
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    for (const line of [...hidden, ...solutions].filter((l) => !visible.includes(l))) {
      expect(html.includes(line) || html.includes(esc(line)), `leaked: ${line}`).toBe(false);
    }
    expect(html).not.toMatch(/BEGIN HIDDEN|END HIDDEN|BEGIN SOLUTION|END SOLUTION/);
    expect(html.split('function assertEq').length - 1).toBe(1); // the read-only cell; not the frozen copies sent with each test
    expect(html).not.toMatch(/BOB-SECRET|bob/);
    expect(readFileSync(join(fb, 'bob', 'tiny.html'), 'utf8')).not.toMatch(/ADA-|Math\.abs/);
    // the command, with a PDF when Chromium is here
    const pdf = existsSync(process.env.REPRLAB_CHROMIUM ?? '/usr/bin/chromium');
    const r = spawnSync('node', [join(ROOT, 'scripts', 'grade.mjs'), 'feedback', out, '--no-build', '--source', src, '--out', join(root, 'fb2'), '--student', 'ada', ...(pdf ? ['--pdf'] : [])], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/wrote 1 feedback page\(s\)/);
    expect(readFileSync(join(root, 'fb2', 'ada', 'tiny.html'), 'utf8')).toBe(html);
    if (pdf) expect(readFileSync(join(root, 'fb2', 'ada', 'tiny.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(spawnSync('node', [join(ROOT, 'scripts', 'grade.mjs'), 'feedback', out, '--no-build', '--source', src], { cwd: ROOT, encoding: 'utf8' })).toMatchObject({ status: 2, stderr: expect.stringMatching(/missing --out DIR/) });
  }, 240_000);
});
