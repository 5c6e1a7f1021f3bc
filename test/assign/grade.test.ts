// The autograder end to end on a tiny assignment (no tfjs): real tslab kernels in sandboxes, driven by the supervisor.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeAll, makeStudentVersion, readNotebook, sourceOf, writeNotebook, type GradeResult } from '../../grader/index.js';
import { graderMissing } from './kernel.js';
import { hashTree, tinyAssignment, withSource, writeSubmission } from './fixture.js';

const missing = graderMissing();

describe.skipIf(!!missing)(`grader on a tiny assignment${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('grades full, zero, tampered, crashing, endless, unreadable and misnamed submissions in one batch', async () => {
    const root = mkdtempSync(join(tmpdir(), 'reprlab-grade-test-'));
    const src = join(root, 'homework');
    const source = tinyAssignment();
    writeNotebook(join(src, 'tiny.ipynb'), source);
    const released = makeStudentVersion(source, 'tiny');
    const subs = join(root, 'submissions');
    writeSubmission(subs, 'ada', 'tiny', source); // the instructor's own solution
    writeSubmission(subs, 'bob', 'tiny', released); // untouched student version
    // tampered: weakens the visible test and unlocks it, writes a wrong answer
    let t = withSource(released, 'test_double', '// trust me');
    t = withSource(t, 'double', 'function double(x: number): number { return x + 2; }');
    t = withSource(t, 'square', 'function square(x: number): number { return x * x; }');
    writeSubmission(subs, 'eve', 'tiny', t);
    // crashing: the kernel exits in the middle; earlier passing tests still count
    let c = withSource(released, 'double', 'function double(x: number): number { return 2 * x; }');
    c = withSource(c, 'square', "process.exit(3);\nfunction square(x: number): number { return x * x; }");
    writeSubmission(subs, 'carl', 'tiny', c);
    // endless: an infinite loop in an answer cell; the cell is interrupted and the rest still runs
    let e = withSource(released, 'double', 'while (true) {}\nfunction double(x: number): number { return 2 * x; }');
    e = withSource(e, 'square', 'function square(x: number): number { return x * x; }');
    writeSubmission(subs, 'dan', 'tiny', e);
    writeSubmission(subs, 'fay', 'tiny', '{"cells": [ this is not json');
    let g = withSource(released, 'double', 'function double(x: number): number { return 2 * x; }');
    g = withSource(g, 'square', 'function square(x: number): number { return x * x; }');
    writeSubmission(subs, 'gus', 'tiny (1)', g); // named wrong; the release metadata says 'tiny'
    const unknown = writeSubmission(subs, 'gus', 'notes', { ...released, metadata: {} });
    writeSubmission(subs, 'hal', 'other', { ...released, metadata: {} }); // nothing usable → 'missing'

    const before = hashTree(subs);
    const out = join(root, 'grades');
    const lines: string[] = [];
    const batch = await gradeAll({ submissionsDir: subs, sourceDir: src, outDir: out, timeout: 60, cellTimeout: 6, log: (l) => lines.push(l) });
    expect(hashTree(subs)).toEqual(before); // nothing submitted was modified or lost
    const r = (s: string) => batch.results.find((x) => x.student === s) as GradeResult;
    const scores = (s: string) => Object.fromEntries(r(s).cells.map((g) => [g.gradeId, g.score]));

    expect(r('ada')).toMatchObject({ status: 'graded', score: 5, maxAuto: 5, pendingManual: 1, maxScore: 6, tampered: false });
    expect(r('bob')).toMatchObject({ status: 'graded', score: 0, tampered: false });
    expect(r('bob').cells.find((g) => g.gradeId === 'test_double')!.message).toMatch(/not implemented: double/);
    expect(scores('bob').why).toBe(0); // manual answer left as released → 0 (nbgrader)

    expect(r('eve')).toMatchObject({ status: 'graded', tampered: true });
    expect(scores('eve')).toMatchObject({ test_double: 0, test_square: 3 });
    expect(r('eve').message).toMatch(/locked cell 'test_double' does not match the release \(checksum mismatch/);

    expect(r('carl')).toMatchObject({ status: 'crashed' });
    expect(scores('carl')).toMatchObject({ test_double: 2, test_square: 0 });
    expect(r('carl').message).toMatch(/kernel died in cell 'square'/);

    expect(r('dan').cells.find((g) => g.gradeId === 'test_double')).toMatchObject({ score: 0 });
    expect(scores('dan').test_square).toBe(3);
    expect(r('dan').cellErrors[0]).toMatchObject({ cell: "'double'", status: 'timeout' });
    expect(r('dan').message).toMatch(/cell 'double' timed out: cell timed out after 6 s/);

    expect(r('fay')).toMatchObject({ status: 'unreadable', score: 0 });
    expect(r('gus')).toMatchObject({ status: 'graded', score: 5 });
    expect(batch.notes.join('\n')).toMatch(/tiny \(1\)\.ipynb' graded as tiny/);
    expect(batch.skipped.join('\n')).toMatch(/gus\/notes\.ipynb: not an assignment/);
    expect(existsSync(unknown)).toBe(true);

    // files: per-student JSON, executed notebook, gradebooks
    const res = JSON.parse(readFileSync(join(out, 'tiny', 'eve', 'result.json'), 'utf8')) as GradeResult;
    expect(res.flags.map((f) => f.kind)).toContain('edited-locked-cell');
    const graded = readNotebook(join(out, 'tiny', 'ada', 'graded.ipynb'));
    expect(graded.cells.some((cell) => sourceOf(cell).includes('hidden: double(-3)'))).toBe(true);
    expect(readFileSync(join(out, 'tiny', 'bob', 'submitted.ipynb'))).toEqual(readFileSync(join(subs, 'bob', 'tiny.ipynb')));
    const csv = readFileSync(join(out, 'tiny', 'gradebook.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('student,status,score,max_auto,pending_manual,max_total,test_double,test_square,why,tampered,sandbox,flags,errors');
    expect(csv.find((l) => l.startsWith('ada,'))).toMatch(/^ada,graded,5,5,1,6,2,3,manual,no,bwrap,identical-to-solution,/);
    expect(csv.find((l) => l.startsWith('eve,'))).toMatch(/^eve,graded,3,5,0,6,0,3,0,yes,bwrap,edited-locked-cell:test_double/);
    expect(csv.find((l) => l.startsWith('hal,'))).toMatch(/^hal,missing,0/);
    expect(csv.find((l) => l.startsWith('bob,'))).toMatch(/test_double: Error: not implemented: double \| test_square: Error: not implemented: square/);
    expect(readFileSync(join(out, 'gradebook.csv'), 'utf8')).toMatch(/carl,tiny,crashed,2,5/);
    expect(JSON.parse(readFileSync(join(out, 'students', 'ada.json'), 'utf8'))).toMatchObject({ total: 5, max: 6 });

    // a second run keeps unchanged results without executing again
    const again = await gradeAll({ submissionsDir: subs, sourceDir: src, outDir: out, timeout: 60, cellTimeout: 6, students: ['ada'], log: (l) => lines.push(l) });
    expect(again.results[0]).toMatchObject({ student: 'ada', score: 5 });
    expect(lines.at(-1)).toMatch(/unchanged since .* kept/);

    // the notebook's own time limit: an endless cell with no per-cell limit ends the run as 'timeout'
    const subs2 = join(root, 'submissions2');
    writeSubmission(subs2, 'ivy', 'tiny', withSource(released, 'square', 'while (true) {}'));
    const slow = await gradeAll({ submissionsDir: subs2, sourceDir: src, outDir: join(root, 'grades2'), timeout: 8 });
    expect(slow.results[0]).toMatchObject({ student: 'ivy', status: 'timeout', score: 0 });
    expect(slow.results[0]!.message).toMatch(/time limit.*cell 'square' was still running/);
    expect(slow.results[0]!.cells.find((g) => g.gradeId === 'test_square')).toMatchObject({ status: 'not-run', score: 0 });
  }, 300_000);
});
