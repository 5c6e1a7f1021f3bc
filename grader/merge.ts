/**
 * Build the notebook the grader executes from the instructor source and a submission, so that students cannot
 * delete or weaken tests:
 *
 * - every locked cell (tests, read-only, tasks) is the instructor's, hidden tests included, whatever the
 *   submission holds; an edited, re-flagged or deleted locked cell is reported (nbgrader checksums);
 * - every answer cell is the student's (matched by grade_id; a deleted one runs as the released stub);
 * - cells the student added (and copies of the instructor's unmarked cells) keep their place after the graded
 *   cell they followed.
 *
 * Cells come out in the instructor's order. The submission object is never modified.
 */
import { computeChecksum, isLocked, isSolution, nbgraderOf } from './cells.js';
import { type Cell, type Notebook, cloneNotebook, sourceOf } from './notebook.js';

export type FlagKind =
  | 'edited-locked-cell'
  | 'deleted-locked-cell'
  | 'deleted-answer-cell'
  | 'duplicate-cell'
  | 'unknown-grade-id'
  | 'changed-cell-type'
  | 'reordered-cells'
  /** a student cell redeclares a name of the instructor's locked cells that the tests use (grade.ts) */
  | 'shadowed-helper'
  /** every answer is the instructor's solution verbatim (grade.ts) */
  | 'identical-to-solution'
  /** graded with --unsafe-no-sandbox */
  | 'unsandboxed'
  /** output lines imitating the grader's check records without the test cell's nonce (grade.ts) */
  | 'forged-check-record'
  /** a student cell assigns to a JavaScript intrinsic, globalThis or tslab's internals, or reaches for the inspector, vm or test sources (grader/scan.ts) */
  | 'runtime-tampering'
  /** a student cell calls a library export that the assignment asks students to write (grader/scan.ts) */
  | 'library-answer';

export interface Flag {
  kind: FlagKind;
  gradeId: string;
  message: string;
}

/** Where each cell of the merged notebook came from. */
export interface MergedCell {
  origin: 'instructor' | 'student' | 'stub' | 'student-extra';
  gradeId?: string;
}

export interface MergeResult {
  notebook: Notebook;
  cells: MergedCell[];
  flags: Flag[];
  /** grade_id → the student's answer cell as submitted (answer cells only). */
  answers: Map<string, Cell>;
  /** grade_ids of manually graded answers left exactly as released (nbgrader scores them 0). */
  unchangedManualAnswers: Set<string>;
}

/** Tampering: a locked cell edited or deleted, or a helper the tests use redeclared (other flags are reported only). */
export function isTampered(flags: Flag[]): boolean {
  return flags.some((f) => f.kind === 'edited-locked-cell' || f.kind === 'deleted-locked-cell' || f.kind === 'shadowed-helper' || f.kind === 'forged-check-record' || f.kind === 'runtime-tampering');
}

/**
 * @param grading the instructor's grading version (hidden tests revealed; see makeGradingVersion)
 * @param released the student version as released (for checksums and stubs; see makeStudentVersion)
 * @param submission the student's notebook
 * @param source the instructor source: a locked cell equal to its original (hidden tests and all) is no tampering,
 *   so the instructor's own notebook grades cleanly
 */
export function mergeSubmission(grading: Notebook, released: Notebook, submission: Notebook, source?: Notebook): MergeResult {
  const flags: Flag[] = [];
  const releasedById = new Map<string, Cell>();
  for (const c of released.cells) {
    const m = nbgraderOf(c);
    if (m) releasedById.set(m.grade_id, c);
  }
  const originalChecksums = new Map<string, Set<string>>();
  for (const nb of [source, grading]) {
    for (const c of nb?.cells ?? []) {
      const m = nbgraderOf(c);
      if (m) originalChecksums.set(m.grade_id, new Set([...(originalChecksums.get(m.grade_id) ?? []), computeChecksum(c)]));
    }
  }
  const expected = new Set(releasedById.keys());

  // 1. split the submission into anchors (first cell per known grade_id) and the extra cells after each anchor
  const anchors = new Map<string, Cell>();
  const after = new Map<string | null, Cell[]>(); // null: before the first anchor
  const anchorOrder: string[] = [];
  let current: string | null = null;
  for (const original of submission.cells) {
    const cell = cloneNotebook(original);
    const m = nbgraderOf(cell);
    if (m && expected.has(m.grade_id) && !anchors.has(m.grade_id)) {
      anchors.set(m.grade_id, cell);
      anchorOrder.push(m.grade_id);
      current = m.grade_id;
      continue;
    }
    if (m) {
      flags.push(
        expected.has(m.grade_id)
          ? { kind: 'duplicate-cell', gradeId: m.grade_id, message: `a second cell with grade_id '${m.grade_id}' (a copy): it runs as an ungraded extra cell` }
          : { kind: 'unknown-grade-id', gradeId: m.grade_id, message: `a cell with grade_id '${m.grade_id}', which the assignment does not have: it runs as an ungraded extra cell` },
      );
      delete cell.metadata.nbgrader;
    }
    if (!after.has(current)) after.set(current, []);
    after.get(current)!.push(cell);
  }
  const inOrder = [...expected].filter((id) => anchors.has(id));
  if (anchorOrder.join('\u0000') !== inOrder.join('\u0000')) {
    flags.push({ kind: 'reordered-cells', gradeId: '', message: 'graded cells were moved; they run in the order of the assignment' });
  }

  // 2. rebuild in the instructor's order
  const cells: Cell[] = [];
  const origins: MergedCell[] = [];
  const answers = new Map<string, Cell>();
  const unchangedManualAnswers = new Set<string>();
  const push = (cell: Cell, origin: MergedCell) => {
    if (cell.cell_type === 'code') {
      cell.outputs = [];
      cell.execution_count = null;
    }
    cells.push(cell);
    origins.push(origin);
  };
  for (const extra of after.get(null) ?? []) push(extra, { origin: 'student-extra' });
  for (const instructorCell of grading.cells) {
    const m = nbgraderOf(instructorCell);
    if (!m) continue; // unmarked instructor cells: the student's copy travels with the extra cells
    const id = m.grade_id;
    const releasedCell = releasedById.get(id)!;
    const submitted = anchors.get(id);
    if (isLocked(instructorCell)) {
      if (!submitted) flags.push({ kind: 'deleted-locked-cell', gradeId: id, message: `locked cell '${id}' was deleted; the grader restored it` });
      else if (computeChecksum(submitted) !== computeChecksum(releasedCell) && !originalChecksums.get(id)?.has(computeChecksum(submitted))) {
        const what = sourceOf(submitted) !== sourceOf(releasedCell) ? 'its source was edited' : 'its nbgrader metadata or cell type was changed';
        flags.push({ kind: 'edited-locked-cell', gradeId: id, message: `locked cell '${id}' does not match the release (checksum mismatch: ${what}); the grader ran the original` });
      }
      push(cloneNotebook(instructorCell), { origin: 'instructor', gradeId: id });
    } else if (isSolution(instructorCell) || submitted) {
      if (!submitted) {
        flags.push({ kind: 'deleted-answer-cell', gradeId: id, message: `answer cell '${id}' was deleted; the grader ran the released stub in its place` });
        push(cloneNotebook(releasedCell), { origin: 'stub', gradeId: id });
      } else {
        if (submitted.cell_type !== instructorCell.cell_type) flags.push({ kind: 'changed-cell-type', gradeId: id, message: `answer cell '${id}' was turned into a ${submitted.cell_type} cell; it runs as ${instructorCell.cell_type}` });
        const cell = cloneNotebook(instructorCell);
        cell.source = sourceOf(submitted);
        answers.set(id, submitted);
        if (sourceOf(submitted) === sourceOf(releasedCell) && m.grade) unchangedManualAnswers.add(id);
        push(cell, { origin: 'student', gradeId: id });
      }
    } else {
      push(cloneNotebook(instructorCell), { origin: 'instructor', gradeId: id });
    }
    for (const extra of after.get(id) ?? []) push(extra, { origin: 'student-extra' });
  }
  // nbformat 4.5 wants unique cell ids: a copied cell or an old client's cell may break that
  const ids = new Set<string>();
  cells.forEach((c, i) => {
    if (typeof c.id !== 'string' || !/^[a-zA-Z0-9-_]{1,64}$/.test(c.id) || ids.has(c.id)) c.id = `graded-${i}`;
    ids.add(c.id);
  });
  const notebook: Notebook = { ...cloneNotebook(grading), cells };
  return { notebook, cells: origins, flags, answers, unchangedManualAnswers };
}
