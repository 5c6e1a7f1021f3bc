// The course's homework (notebooks/homework/): the sources are valid, the release hides what it must, and through
// the real grader the instructor's version scores full marks while the untouched student version scores zero.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  gradeAll,
  gradeCells,
  listSources,
  makeStudentVersion,
  readNotebook,
  sourceOf,
  validateSource,
  writeNotebook,
  assignmentName,
  coversOf,
  loadAssignment,
  mergeSubmission,
  planCells,
  usesChecks,
  type GradeResult,
} from '../../grader/index.js';
import { graderMissing } from './kernel.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SOURCES = join(ROOT, 'notebooks', 'homework');
const sources = listSources(SOURCES);

describe('homework sources', () => {
  it('has at least two assignments (HW1 triplet/retrieval, HW2 contrastive + downstream)', () => {
    expect(sources.map(assignmentName)).toEqual(expect.arrayContaining(['hw1-triplet-retrieval', 'hw2-contrastive-downstream']));
  });

  for (const path of sources) {
    const name = assignmentName(path);
    it(`${name}: valid, and the student version hides solutions and hidden tests`, () => {
      const source = readNotebook(path);
      expect(validateSource(source, name).filter((p) => p.level === 'error')).toEqual([]);
      const student = makeStudentVersion(source, name);
      const text = JSON.stringify(student);
      expect(text).not.toMatch(/BEGIN SOLUTION|END SOLUTION|BEGIN HIDDEN TESTS|END HIDDEN TESTS/);
      const cells = gradeCells(source);
      for (const c of cells.filter((x) => x.kind === 'autograded-answer' && x.cellType === 'code')) {
        const s = sourceOf(student.cells[c.index]!);
        expect(s, c.gradeId).toContain(`throw new Error('not implemented: ${c.gradeId}')`);
        // the signature line (function ...) is kept
        const sig = sourceOf(source.cells[c.index]!).split('\n').find((l) => /^(async )?function /.test(l));
        if (sig) expect(s).toContain(sig);
      }
      // every hidden-test line that appears nowhere else in the source is absent from the student version
      const hidden = /\/\/ BEGIN HIDDEN TESTS\n([\s\S]*?)\/\/ END HIDDEN TESTS/g;
      const all = source.cells.map(sourceOf).join('\n');
      const visible = all.replace(hidden, '');
      for (const m of all.matchAll(hidden)) {
        for (const line of m[1]!.split('\n').map((l) => l.trim()).filter((l) => l.length > 25 && !visible.includes(l))) {
          expect(text.includes(JSON.stringify(line).slice(1, -1)), `hidden test line leaked: ${line}`).toBe(false);
        }
      }
      // every test cell states checks (judged outside the kernel); the library exports the answers stand for are listed
      for (const c of cells.filter((x) => x.kind === 'tests')) expect(usesChecks(sourceOf(source.cells[c.index]!)), c.gradeId).toBe(true);
      expect(coversOf(source.metadata).size, 'metadata.reprlab.covers').toBeGreaterThan(0);
      expect(student.metadata.reprlab).toMatchObject({ covers: [...coversOf(source.metadata)] });
      // outputs cleared, tests worth points
      expect(student.cells.every((c) => !c.outputs || c.outputs.length === 0)).toBe(true);
      expect(cells.filter((c) => c.kind === 'tests').reduce((s, c) => s + c.points, 0)).toBeGreaterThanOrEqual(10);
    });
  }
});

describe("hw1: the library's own answers are flagged (no kernel needed)", () => {
  it('an answer that calls the library is flagged library-answer with the cell, line and name', () => {
    const path = sources.find((p) => assignmentName(p) === 'hw1-triplet-retrieval')!;
    const a = loadAssignment(path);
    let sub = makeStudentVersion(a.source, a.name);
    const cell = sub.cells.find((c) => c.metadata.nbgrader?.grade_id === 'pairwise')!;
    cell.source = "import * as R from 'reprlab';\nfunction pairwiseSquaredDistances(x: tf.Tensor2D): tf.Tensor2D {\n  return R.pairwiseSquaredDistances(x);\n}";
    const plan = planCells(a, mergeSubmission(a.grading, a.released, sub, a.source));
    expect(plan.flags).toEqual([{ kind: 'library-answer', gradeId: 'pairwise', message: expect.stringMatching(/cell 'pairwise' calls the library's own implementation.*line 3: uses the library's pairwiseSquaredDistances/) }]);
    sub = makeStudentVersion(a.source, a.name);
    expect(planCells(a, mergeSubmission(a.grading, a.released, sub, a.source)).flags).toEqual([]);
  });
});

const missing = graderMissing();

describe.skipIf(!!missing)(`grading the homework${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('instructor versions score full marks, untouched student versions score zero, without grader errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-homework-'));
    const subs = join(dir, 'submissions');
    for (const path of sources) {
      const name = assignmentName(path);
      const source = readNotebook(path);
      writeNotebook(join(subs, 'instructor', `${name}.ipynb`), source);
      writeNotebook(join(subs, 'student', `${name}.ipynb`), makeStudentVersion(source, name));
    }
    const batch = await gradeAll({ submissionsDir: subs, sourceDir: SOURCES, outDir: join(dir, 'grades'), mode: 'smoke', timeout: 600, cellTimeout: 300 });
    const summary = batch.results.map((r: GradeResult) => `${r.student} ${r.assignment}: ${r.status} ${r.score}/${r.maxAuto}${r.cellErrors.length ? ` [${r.cellErrors.map((e) => `${e.cell}: ${e.error.slice(0, 200)}`).join('; ')}]` : ''}`);
    for (const r of batch.results) {
      expect(r.status, summary.join('\n')).toBe('graded');
      expect(r.tampered).toBe(false);
      expect(r.hardened, `${r.student} ${r.assignment}: tfjs and tslab run with frozen intrinsics`).toBe('ok');
      if (r.student === 'instructor') {
        expect(r.score, summary.join('\n')).toBe(r.maxAuto);
        expect(r.cellErrors, `${r.assignment}: every cell of the instructor version runs`).toEqual([]);
        expect(r.pendingManual).toBeGreaterThan(0); // the written analysis goes to a person
        for (const c of r.cells.filter((x) => x.kind === 'tests')) expect(c.checks?.total, `${r.assignment} ${c.gradeId}: judged by checks`).toBeGreaterThan(0);
      } else {
        expect(r.score, summary.join('\n')).toBe(0);
        for (const c of r.cells.filter((x) => x.kind === 'tests')) expect(c.message).toMatch(/not implemented/);
      }
    }
    expect(batch.results).toHaveLength(2 * sources.length);
    const csv = readFileSync(join(dir, 'grades', 'gradebook.csv'), 'utf8');
    expect(csv).toMatch(/instructor,hw1-triplet-retrieval,graded,11,11,/);
    expect(csv).toMatch(/student,hw1-triplet-retrieval,graded,0,11,/);
  }, 1_800_000);
});
