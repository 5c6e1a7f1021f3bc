// Manual scores: recorded in the grader's store (manual.json), checked before anything is written, applied to the
// gradebooks, and kept across a regrade unless the answer changed (then set aside, and the regrade says so).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  gradeAll,
  loadAssignment,
  makeStudentVersion,
  parseCsv,
  parseManualScoresCsv,
  readManualStore,
  recordManualScores,
  writeGradebooks,
  writeNotebook,
} from '../../grader/index.js';
import { graderMissing } from './kernel.js';
import { tinyAssignment, withSource, writeSubmission } from './fixture.js';
import { fakeGrades } from './fake-grades.js';

const ROOT = resolve(import.meta.dirname, '../..');

const row = (csv: string, student: string) => csv.split('\n').find((l) => l.startsWith(`${student},`)) ?? '';

describe('manual scores', () => {
  it('records a score and a comment, rewrites the gradebooks; a later score replaces it', () => {
    const { dir, a } = fakeGrades();
    expect(row(readFileSync(join(dir, 'tiny', 'gradebook.csv'), 'utf8'), 'ada')).toMatch(/^ada,graded,2,5,1,6,2,0,manual,/);
    const done = recordManualScores(dir, [a], [{ student: 'ada', assignment: 'tiny', cell: 'why', points: 0.5, comment: 'Right idea; say why that makes it convex.' }]);
    expect(done).toEqual([expect.objectContaining({ student: 'ada', points: 0.5, before: undefined })]);
    writeGradebooks(dir, [a], ['ada', 'bob']);
    expect(row(readFileSync(join(dir, 'tiny', 'gradebook.csv'), 'utf8'), 'ada')).toMatch(/^ada,graded,2\.5,5,0,6,2,0,0\.5,/);
    expect(row(readFileSync(join(dir, 'gradebook.csv'), 'utf8'), 'ada')).toMatch(/^ada,tiny,graded,2\.5,5,0,6,/);
    expect(JSON.parse(readFileSync(join(dir, 'students', 'ada.json'), 'utf8'))).toMatchObject({ total: 2.5, max: 6 });
    const store = readManualStore(dir, 'tiny', 'ada')!;
    expect(store.scores.why).toMatchObject({ points: 0.5, comment: 'Right idea; say why that makes it convex.' });
    // result.json stays the autograder's
    expect(JSON.parse(readFileSync(join(dir, 'tiny', 'ada', 'result.json'), 'utf8')).score).toBe(2);
    const again = recordManualScores(dir, [a], [{ student: 'ada', assignment: 'tiny', cell: 'why', points: 1 }]);
    expect(again[0]!.before).toBe(0.5);
    writeGradebooks(dir, [a], ['ada', 'bob']);
    expect(row(readFileSync(join(dir, 'tiny', 'gradebook.csv'), 'utf8'), 'ada')).toMatch(/^ada,graded,3,5,0,6,2,0,1,/);
  });

  it('refuses unknown students, assignments and cells, autograded cells and points out of range, naming the fix; nothing is written', () => {
    const { dir, a } = fakeGrades();
    const rec = (e: Partial<{ student: string; assignment: string; cell: string; points: number }>) => () =>
      recordManualScores(dir, [a], [{ student: 'ada', assignment: 'tiny', cell: 'why', points: 1, ...e }]);
    expect(rec({ student: 'zoe' })).toThrow(/argument 'student' must be a student with a graded tiny in .*\(got "zoe"\)\. Fix: grade the submission first/);
    expect(rec({ student: '../ada' })).toThrow(/argument 'student' must be a student folder name/);
    expect(rec({ assignment: 'hw9' })).toThrow(/argument 'assignment' must be one of tiny \(got "hw9"\)/);
    expect(rec({ cell: 'nope' })).toThrow(/argument 'cell' must be a manually graded cell of tiny: why \(got "nope"\)/);
    expect(rec({ cell: 'test_double' })).toThrow(/'test_double' is autograded/);
    expect(rec({ points: 2 })).toThrow(/argument 'points' must be a number from 0 to 1 \(the points of 'why'\) \(got 2\)/);
    expect(rec({ points: -1 })).toThrow(/from 0 to 1/);
    expect(rec({ points: NaN })).toThrow(/from 0 to 1/);
    // a CSV with one bad line writes nothing
    const entries = parseManualScoresCsv('student,assignment,cell,points,comment\nbob,tiny,why,1,ok\nada,tiny,why,5,too many\n');
    expect(() => recordManualScores(dir, [a], entries)).toThrow(/entry 2 \(ada, tiny, why\): .*from 0 to 1/);
    expect(readManualStore(dir, 'tiny', 'bob')).toBeUndefined();
    expect(existsSync(join(dir, '.manual-scores.lock'))).toBe(false);
    expect(() => recordManualScores(join(dir, 'nope'), [a], entries)).toThrow(/grades folder' must be an output folder of npm run grade/);
  });

  it('imports a CSV (quoted comments with commas, quotes and line breaks); bad headers and points are named', () => {
    const { dir, a } = fakeGrades();
    const text = 'Student,Assignment,Cell,Points,Comment\r\nada,tiny,why,1,"Good: ""convex"", and\nwell argued"\r\nbob,tiny,why,0,\r\n';
    const entries = parseManualScoresCsv(text);
    expect(entries).toEqual([
      { student: 'ada', assignment: 'tiny', cell: 'why', points: 1, comment: 'Good: "convex", and\nwell argued' },
      { student: 'bob', assignment: 'tiny', cell: 'why', points: 0, comment: '' },
    ]);
    recordManualScores(dir, [a], entries);
    writeGradebooks(dir, [a], ['ada', 'bob']);
    const csv = readFileSync(join(dir, 'tiny', 'gradebook.csv'), 'utf8');
    expect(row(csv, 'ada')).toMatch(/^ada,graded,3,5,0,6,/);
    expect(row(csv, 'bob')).toMatch(/^bob,graded,2,5,0,6,/);
    expect(readManualStore(dir, 'tiny', 'ada')!.scores.why!.comment).toBe('Good: "convex", and\nwell argued');
    expect(() => parseManualScoresCsv('student,assignment,cell\nada,tiny,why\n')).toThrow(/a 'points' column/);
    expect(() => parseManualScoresCsv('student,assignment,cell,points,grade\n')).toThrow(/columns among student, assignment, cell, points, comment \(got "grade"\)/);
    expect(() => parseManualScoresCsv('student,assignment,cell,points\nada,tiny,why,one\n')).toThrow(/line 2: argument 'points' must be a number/);
    expect(() => parseCsv('a,"b\n')).toThrow(/not closed/);
  });

  const built = existsSync(join(ROOT, 'dist-grader', 'grader', 'index.js'));
  it.skipIf(!built)('npm run grade -- score: one score, a CSV, and usage errors (exit 2)', () => {
    const { dir, src } = fakeGrades();
    const run = (args: string[]) => spawnSync('node', [join(ROOT, 'scripts', 'grade.mjs'), 'score', dir, '--no-build', '--source', src, ...args], { cwd: ROOT, encoding: 'utf8' });
    const one = run(['--student', 'ada', '--assignment', 'tiny', '--cell', 'why', '--points', '0.5', '--comment', 'half: no reason given']);
    expect(one.status, one.stderr).toBe(0);
    expect(one.stdout).toMatch(/ada tiny 'why': 0\.5 point\(s\) with a comment\nrecorded 1 manual score\(s\)/);
    expect(row(readFileSync(join(dir, 'tiny', 'gradebook.csv'), 'utf8'), 'ada')).toMatch(/^ada,graded,2\.5,/);
    const file = join(dir, 'scores.csv');
    writeFileSync(file, 'student,assignment,cell,points\nada,tiny,why,1\nbob,tiny,why,0\n');
    const many = run(['--csv', file]);
    expect(many.status, many.stderr).toBe(0);
    expect(many.stdout).toMatch(/ada tiny 'why': 1 point\(s\) \(was 0\.5\)[\s\S]*recorded 2 manual score\(s\)/);
    expect(run(['--student', 'ada', '--assignment', 'tiny', '--cell', 'why'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/missing --points/) });
    expect(run(['--student', 'ada', '--assignment', 'tiny', '--cell', 'why', '--points', 'lots'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/argument 'points' must be a number/) });
    expect(run(['--student', 'ann', '--assignment', 'tiny', '--cell', 'why', '--points', '1'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/a student with a graded tiny/) });
    expect(run(['--csv', file, '--student', 'ada'])).toMatchObject({ status: 2, stderr: expect.stringMatching(/--csv takes the scores from the file/) });
  });
});

const missing = graderMissing();

describe.skipIf(!!missing)(`manual scores across a regrade${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('--force keeps a manual score while the answer is the same; a changed answer sets it aside and the regrade says so', async () => {
    const root = mkdtempSync(join(tmpdir(), 'reprlab-manual-regrade-'));
    const src = join(root, 'homework');
    writeNotebook(join(src, 'tiny.ipynb'), tinyAssignment());
    const a = loadAssignment(join(src, 'tiny.ipynb'));
    const subs = join(root, 'submissions');
    const out = join(root, 'grades');
    let nb = withSource(makeStudentVersion(tinyAssignment(), 'tiny'), 'double', 'function double(x: number): number { return 2 * x; }');
    nb = withSource(nb, 'why', 'Its second derivative is positive.');
    writeSubmission(subs, 'ada', 'tiny', nb);
    const settings = { submissionsDir: subs, sourceDir: src, outDir: out, timeout: 60, cellTimeout: 10 };
    const first = await gradeAll(settings);
    expect(first.results[0]).toMatchObject({ status: 'graded', score: 2, pendingManual: 1 });
    recordManualScores(out, [a], [{ student: 'ada', assignment: 'tiny', cell: 'why', points: 1, comment: 'good' }]);
    writeGradebooks(out, [a], ['ada']);
    expect(row(readFileSync(join(out, 'tiny', 'gradebook.csv'), 'utf8'), 'ada')).toMatch(/^ada,graded,3,5,0,6,/);
    const forced = await gradeAll({ ...settings, force: true });
    expect(forced.notes).toContain("ada tiny 'why': manual score 1/1 kept");
    expect(row(readFileSync(join(out, 'tiny', 'gradebook.csv'), 'utf8'), 'ada')).toMatch(/^ada,graded,3,5,0,6,/);
    writeSubmission(subs, 'ada', 'tiny', withSource(nb, 'why', 'Because I say so.'));
    const changed = await gradeAll(settings);
    expect(changed.notes.join('\n')).toMatch(/ada tiny 'why': the answer changed since it was scored by hand \(1\/1 on .*\); that score is set aside and the cell waits for a person again/);
    const csv = readFileSync(join(out, 'tiny', 'gradebook.csv'), 'utf8');
    expect(row(csv, 'ada')).toMatch(/^ada,graded,2,5,1,6,2,0,manual,/);
    expect(row(csv, 'ada')).toMatch(/manual-score-set-aside:why/);
  }, 240_000);
});
