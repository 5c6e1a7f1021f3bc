/**
 * The proof an assignment needs (issue #25), through the real grader: the instructor's version scores full marks
 * (no cell errors), the released one 0 (every test: not implemented), and a wrong-but-plausible answer per part
 * loses that part's points and no other. "No other": each test cell calls exactly one answer function, its own
 * part's (checked on the source; the locked framework calls none), and a submission with every part wrong fails
 * every test for its own part's reason. REPRLAB_HOMEWORK_VARIANTS=1 also grades one submission per wrong part.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeAll, gradeCells, identifiersIn, makeStudentVersion, type Notebook, readNotebook, sourceOf, topLevelDeclarations, writeNotebook } from '../../grader/index.js';
import { withSource, writeSubmission } from './fixture.js';
import { graderMissing } from './kernel.js';

const ROOT = resolve(import.meta.dirname, '../..');

/** answer cell → [a wrong-but-plausible version of it, the test cell it must fail, the reason that test must give]. */
export type WrongAnswers = Record<string, [string, string, RegExp]>;

export function proveAssignment(NAME: string, WRONG: WrongAnswers, o: { auto: number; manual: number }): void {
  const SOURCE = join(ROOT, 'notebooks', 'homework', `${NAME}.ipynb`);
  const withWrong = (nb: Notebook, answers: string[]): Notebook => answers.reduce((n, a) => withSource(n, a, WRONG[a]![0]), nb);
  const missing = graderMissing();
  describe(`${NAME}: each test cell checks only its own part`, () => {
    it('every test cell calls exactly one answer function, its own part\'s; every answer cell has a wrong version', () => {
      const source = readNotebook(SOURCE);
      const cells = gradeCells(source);
      const answerFns = new Map<string, string>(); // function name → answer cell
      for (const c of cells.filter((x) => x.kind === 'autograded-answer')) for (const n of topLevelDeclarations(sourceOf(source.cells[c.index]!)).functions.keys()) answerFns.set(n, c.gradeId);
      expect(new Set(answerFns.values())).toEqual(new Set(Object.keys(WRONG)));
      const ownerOf = new Map(Object.entries(WRONG).map(([answer, [, test]]) => [test, answer]));
      for (const t of cells.filter((x) => x.kind === 'tests')) {
        const used = [...identifiersIn(sourceOf(source.cells[t.index]!))].filter((n) => answerFns.has(n)).map((n) => answerFns.get(n));
        expect(used, t.gradeId).toEqual([ownerOf.get(t.gradeId)]);
      }
      // the locked framework the tests call (trainSiamese) uses no answer function either
      for (const c of cells.filter((x) => x.kind === 'read-only')) {
        const fns = topLevelDeclarations(sourceOf(source.cells[c.index]!)).functions;
        for (const [, text] of fns) expect([...identifiersIn(text)].filter((n) => answerFns.has(n)), c.gradeId).toEqual([]);
      }
    });
  });

  describe.skipIf(!!missing)(`grading ${NAME}${missing ? ` (skipped: ${missing})` : ''}`, () => {
    it('instructor: full marks; released: 0; every part wrong: 0, each test failing for its own part\'s reason', async () => {
      const dir = mkdtempSync(join(tmpdir(), `reprlab-${NAME}-`));
      const src = join(dir, 'src');
      const source = readNotebook(SOURCE);
      writeNotebook(join(src, `${NAME}.ipynb`), source);
      const subs = join(dir, 'submissions');
      writeSubmission(subs, 'instructor', NAME, source);
      writeSubmission(subs, 'released', NAME, makeStudentVersion(source, NAME));
      writeSubmission(subs, 'wrong', NAME, withWrong(source, Object.keys(WRONG)));
      const batch = await gradeAll({ submissionsDir: subs, sourceDir: src, outDir: join(dir, 'grades'), mode: 'smoke', timeout: 600, cellTimeout: 300, jobs: 2 });
      const by = new Map(batch.results.map((r) => [r.student, r]));
      const summary = batch.results.map((r) => `${r.student}: ${r.status} ${r.score}/${r.maxAuto} (${r.seconds}s) ${r.cells.filter((c) => c.status !== 'passed').map((c) => `${c.gradeId}: ${c.message?.slice(0, 160)}`).join(' | ')}`).join('\n');
      const ins = by.get('instructor')!;
      expect(ins.status, summary).toBe('graded');
      expect(ins.score, summary).toBe(o.auto);
      expect(ins.maxAuto).toBe(o.auto);
      expect(ins.cellErrors, summary).toEqual([]);
      expect(ins.pendingManual).toBe(o.manual);
      console.log(`${NAME} instructor version graded in ${ins.seconds} s wall (smoke)`);
      const rel = by.get('released')!;
      expect(rel.score, summary).toBe(0);
      for (const c of rel.cells.filter((x) => x.kind === 'tests')) expect(c.message, c.gradeId).toMatch(/not implemented/);
      const wrong = by.get('wrong')!;
      expect(wrong.status, summary).toBe('graded');
      expect(wrong.score, summary).toBe(0);
      for (const [, [, test, reason]] of Object.entries(WRONG)) expect(wrong.cells.find((c) => c.gradeId === test)!.message, `${test}\n${summary}`).toMatch(reason);
    }, 1_800_000);

    it.skipIf(!process.env.REPRLAB_HOMEWORK_VARIANTS)('one wrong part at a time loses exactly that part\'s points (REPRLAB_HOMEWORK_VARIANTS=1)', async () => {
      const dir = mkdtempSync(join(tmpdir(), `reprlab-${NAME}-variants-`));
      const src = join(dir, 'src');
      const source = readNotebook(SOURCE);
      writeNotebook(join(src, `${NAME}.ipynb`), source);
      const subs = join(dir, 'submissions');
      for (const a of Object.keys(WRONG)) writeSubmission(subs, a.replace(/_/g, '-'), NAME, withWrong(source, [a]));
      const batch = await gradeAll({ submissionsDir: subs, sourceDir: src, outDir: join(dir, 'grades'), mode: 'smoke', timeout: 600, cellTimeout: 300, jobs: 2 });
      const points = new Map(gradeCells(source).map((c) => [c.gradeId, c.points]));
      for (const [a, [, test, reason]] of Object.entries(WRONG)) {
        const r = batch.results.find((x) => x.student === a.replace(/_/g, '-'))!;
        expect(r.score, `${a}: ${r.cells.filter((c) => c.status !== 'passed').map((c) => c.gradeId).join(', ')}`).toBe(o.auto - points.get(test)!);
        expect(r.cells.filter((c) => c.kind === 'tests' && c.status !== 'passed').map((c) => c.gradeId)).toEqual([test]);
        expect(r.cells.find((c) => c.gradeId === test)!.message).toMatch(reason);
      }
    }, 3_600_000);
  });
}
