/** Grades folders written by hand (no kernel), for the tests of what comes after grading. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Assignment, emptyResult, type GradeResult, loadAssignment, writeGradebooks, writeNotebook } from '../../grader/index.js';
import { writeJsonAtomic } from '../../lib/util/fs.js';
import { tinyAssignment } from './fixture.js';

/** A grades folder with results written by hand (no kernel): ada answered 'why', bob left it as released. */
export function fakeGrades(): { dir: string; src: string; a: Assignment } {
  const dir = mkdtempSync(join(tmpdir(), 'reprlab-manual-'));
  const src = join(dir, 'src');
  writeNotebook(join(src, 'tiny.ipynb'), tinyAssignment());
  const a = loadAssignment(join(src, 'tiny.ipynb'));
  const out = join(dir, 'grades');
  const result = (student: string, answered: boolean): GradeResult => {
    const r = emptyResult(a, student, 'graded', '');
    r.cells = r.cells.map((c) =>
      c.kind === 'tests'
        ? { ...c, score: c.gradeId === 'test_double' ? c.points : 0, status: c.gradeId === 'test_double' ? 'passed' : 'failed', message: c.gradeId === 'test_double' ? undefined : 'Error: square(3) should be 9' }
        : answered
          ? { ...c, score: null, status: 'manual', message: undefined, answer: 'Because x² has a positive second derivative.' }
          : { ...c, score: 0, status: 'unanswered', message: 'left as released' },
    );
    r.score = 2;
    r.pendingManual = answered ? 1 : 0;
    return r;
  };
  writeJsonAtomic(join(out, 'tiny', 'ada', 'result.json'), result('ada', true));
  writeJsonAtomic(join(out, 'tiny', 'bob', 'result.json'), result('bob', false));
  writeJsonAtomic(join(out, 'roster.json'), { students: ['ada', 'bob'], shard: null });
  writeGradebooks(out, [a], ['ada', 'bob']);
  return { dir: out, src, a };
}

