/**
 * nbgrader's cell semantics (schema version 3), re-implemented for TypeScript notebooks:
 *
 * | metadata.nbgrader                 | kind                | in the student version     | graded by                  |
 * |-----------------------------------|---------------------|----------------------------|----------------------------|
 * | solution, !grade                  | autograded answer   | solution regions → stub    | the test cells after it    |
 * | grade, !solution (code)           | autograder tests    | hidden tests removed, locked | runs without error → points |
 * | grade, solution                   | manually graded answer | solution regions → stub | a person (0 if left as released) |
 * | task                              | manually graded task | as is, locked             | a person                   |
 * | locked only                       | read-only           | as is, locked              | —                          |
 * | no nbgrader metadata              | free cell           | as is, editable            | —                          |
 *
 * A cell is locked when it is a grade cell that is not a solution, or when `locked` is set (and it is no solution):
 * the grader always runs the instructor's version of a locked cell, whatever the submission holds.
 */
import { createHash } from 'node:crypto';
import type { Cell, NbgraderMeta } from './notebook.js';
import { sourceOf } from './notebook.js';

export type CellKind = 'autograded-answer' | 'tests' | 'manual-answer' | 'manual-task' | 'read-only' | 'free';

export function nbgraderOf(cell: Cell): NbgraderMeta | undefined {
  const m = cell.metadata?.nbgrader;
  return m && typeof m === 'object' && typeof m.grade_id === 'string' ? m : undefined;
}
export const isGrade = (cell: Cell): boolean => !!nbgraderOf(cell)?.grade;
export const isSolution = (cell: Cell): boolean => !!nbgraderOf(cell)?.solution;
export const isTask = (cell: Cell): boolean => !!nbgraderOf(cell)?.task;
export function isLocked(cell: Cell): boolean {
  const m = nbgraderOf(cell);
  if (!m || m.solution) return false;
  if (m.grade || m.task) return true;
  return !!m.locked;
}

export function cellKind(cell: Cell): CellKind {
  const m = nbgraderOf(cell);
  if (!m) return 'free';
  if (m.task) return 'manual-task';
  if (m.solution && m.grade) return 'manual-answer';
  if (m.solution) return 'autograded-answer';
  if (m.grade) return cell.cell_type === 'code' ? 'tests' : 'manual-answer';
  return 'read-only';
}

/** The points a grade or task cell is worth (0 for other cells). */
export function pointsOf(cell: Cell): number {
  const m = nbgraderOf(cell);
  if (!m || !(m.grade || m.task)) return 0;
  const p = Number(m.points ?? 0);
  return Number.isFinite(p) && p > 0 ? p : 0;
}

/** Python's str(float(x)) for the values points take (2 → "2.0", 0.5 → "0.5"). */
function pyFloat(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}
const pyBool = (b: boolean) => (b ? 'True' : 'False');

/**
 * nbgrader's checksum of a cell (md5 over source, cell type, grade/solution/locked flags, grade_id and, for grade
 * cells, the points), so a released notebook carries the same `checksum` metadata nbgrader would write.
 */
export function computeChecksum(cell: Cell): string {
  const m = nbgraderOf(cell);
  const h = createHash('md5');
  h.update(sourceOf(cell), 'utf8');
  h.update(cell.cell_type, 'utf8');
  h.update(pyBool(isGrade(cell)));
  h.update(pyBool(isSolution(cell)));
  h.update(pyBool(isLocked(cell)));
  h.update(m?.grade_id ?? '', 'utf8');
  if (isGrade(cell)) h.update(pyFloat(Number(m?.points ?? 0)));
  return h.digest('hex');
}
