/**
 * Manual scores: a person's points and comment for a manually graded cell (a written answer or a task), kept in
 * the grader's own store beside the autograder's result,
 *
 *     <grades>/<assignment>/<student>/manual.json   { scores: { <grade_id>: { points, comment, answerSha256, at } } }
 *
 * and applied whenever the gradebooks are written (grader/gradebook.ts). `result.json` stays the autograder's: a
 * regrade (even `--force`) rewrites it and leaves `manual.json` alone, so a manual score survives it, unless the
 * answer it was given for changed (its sha256 differs): then it is set aside, the cell waits for a person again and
 * the regrade says so (`staleManualScores`). Scores are entered one at a time (`recordManualScores` with one entry,
 * `npm run grade -- score`) or from a CSV (`parseManualScoresCsv`); every entry is checked before anything is
 * written, and the gradebooks are rewritten after.
 */
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ArgumentError, check } from '../lib/util/errors.js';
import { writeJsonAtomic } from '../lib/util/fs.js';
import { parseCsv } from './csv.js';
import type { Assignment, CellGrade, GradeResult } from './grade.js';
import { sha256 } from './notebook.js';
import { SAFE_NAME } from './submissions.js';

export interface ManualScore {
  points: number;
  comment: string;
  /** sha256 of the answer text the score was given for ('' text for tasks and unanswered cells). */
  answerSha256: string;
  /** ISO time it was recorded. */
  at: string;
}

export interface ManualStore {
  student: string;
  assignment: string;
  scores: Record<string, ManualScore>;
}

/** A cell graded by a person carries the comment too. */
export type ManualCellGrade = CellGrade & { comment?: string; manualAt?: string; staleManual?: ManualScore };

export interface ManualEntry {
  student: string;
  assignment: string;
  cell: string;
  points: number;
  comment?: string;
}

export const manualPath = (outDir: string, assignment: string, student: string) => join(outDir, assignment, student, 'manual.json');

export function readManualStore(outDir: string, assignment: string, student: string): ManualStore | undefined {
  const path = manualPath(outDir, assignment, student);
  if (!existsSync(path)) return undefined;
  try {
    const s = JSON.parse(readFileSync(path, 'utf8')) as ManualStore;
    return s && typeof s.scores === 'object' && s.scores ? s : undefined;
  } catch {
    return undefined;
  }
}

const answerHash = (c: CellGrade) => sha256(c.answer ?? '');

/**
 * The result with the manual scores applied: each manual cell with a current score gets its points and comment,
 * score and pending_manual are recomputed. A score whose answer changed is not applied (`staleManual` on the cell).
 */
export function applyManualScores(r: GradeResult, store: ManualStore | undefined): GradeResult {
  if (!store || Object.keys(store.scores).length === 0) return r;
  const cells: ManualCellGrade[] = r.cells.map((c) => {
    const m = store.scores[c.gradeId];
    if (!m || (c.kind !== 'manual-answer' && c.kind !== 'manual-task')) return c;
    if (c.kind === 'manual-answer' && m.answerSha256 !== answerHash(c)) return { ...c, staleManual: m };
    return { ...c, score: Math.min(m.points, c.points), comment: m.comment, manualAt: m.at };
  });
  return {
    ...r,
    cells,
    score: cells.reduce((t, c) => t + (c.score ?? 0), 0),
    pendingManual: cells.filter((c) => c.score === null).reduce((t, c) => t + c.points, 0),
  };
}

/** Notes for a (re)graded result: manual scores kept, and those set aside because the answer changed. */
export function manualScoreNotes(r: GradeResult, store: ManualStore | undefined): string[] {
  if (!store) return [];
  const applied = applyManualScores(r, store).cells as ManualCellGrade[];
  const notes: string[] = [];
  for (const c of applied) {
    const m = store.scores[c.gradeId];
    if (!m) continue;
    if (c.staleManual)
      notes.push(`${r.student} ${r.assignment} '${c.gradeId}': the answer changed since it was scored by hand (${m.points}/${c.points} on ${m.at}); that score is set aside and the cell waits for a person again (npm run grade -- score)`);
    else notes.push(`${r.student} ${r.assignment} '${c.gradeId}': manual score ${m.points}/${c.points} kept`);
  }
  return notes;
}

/** Parse a points value: a finite number (decimals allowed). */
export function parsePoints(text: string | number, where = 'grade score'): number {
  const n = typeof text === 'number' ? text : /^\s*-?\d+(\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  check(Number.isFinite(n), where, 'points', 'a number (e.g. 1 or 0.5)', text);
  return n;
}

/**
 * Check one entry against the assignment and the graded result (throws an ArgumentError that says what to do);
 * returns the score to store.
 */
export function validateManualEntry(outDir: string, assignments: Assignment[], e: ManualEntry, where = 'grade score'): { entry: ManualEntry; score: ManualScore } {
  check(typeof e.student === 'string' && SAFE_NAME.test(e.student), where, 'student', 'a student folder name (letters, digits, . _ -)', e.student);
  const a = assignments.find((x) => x.name === e.assignment);
  check(!!a, where, 'assignment', `one of ${assignments.map((x) => x.name).join(', ')}`, e.assignment);
  const resultPath = join(outDir, a.name, e.student, 'result.json');
  let r: GradeResult | undefined;
  try {
    r = JSON.parse(readFileSync(resultPath, 'utf8')) as GradeResult;
  } catch {
    r = undefined;
  }
  check(!!r, where, 'student', `a student with a graded ${a.name} in ${outDir}`, e.student, `grade the submission first (npm run grade -- <submissions> --student ${e.student} --assignment ${a.name} --out ${outDir}), or check the spelling`);
  const manualCells = a.cells.filter((c) => c.kind === 'manual-answer' || c.kind === 'manual-task');
  const info = a.cells.find((c) => c.gradeId === e.cell);
  check(!!info, where, 'cell', `a manually graded cell of ${a.name}: ${manualCells.map((c) => c.gradeId).join(', ') || '(none)'}`, e.cell);
  check(info.kind === 'manual-answer' || info.kind === 'manual-task', where, 'cell', `a manually graded cell of ${a.name} (${manualCells.map((c) => c.gradeId).join(', ')}); '${e.cell}' is ${info.kind === 'tests' ? 'autograded' : 'not graded'}`, e.cell);
  check(Number.isFinite(e.points) && e.points >= 0 && e.points <= info.points, where, 'points', `a number from 0 to ${info.points} (the points of '${e.cell}')`, e.points);
  const cell = r.cells.find((c) => c.gradeId === e.cell);
  const comment = (e.comment ?? '').slice(0, 20_000);
  return { entry: e, score: { points: e.points, comment, answerSha256: sha256(cell?.answer ?? ''), at: new Date().toISOString() } };
}

/** Parse a CSV of manual scores: header `student,assignment,cell,points[,comment]` (any order; extra columns refused). */
export function parseManualScoresCsv(text: string, where = 'grade score --csv'): ManualEntry[] {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  check(rows.length > 0, where, 'csv', 'a header line student,assignment,cell,points[,comment] and one line per score', 'an empty file');
  const header = rows[0]!.map((h) => h.trim().toLowerCase());
  const known = ['student', 'assignment', 'cell', 'points', 'comment'];
  for (const h of header) check(known.includes(h), where, 'csv header', `columns among ${known.join(', ')}`, h, 'rename or remove that column');
  for (const h of known.slice(0, 4)) check(header.includes(h), where, 'csv header', `a '${h}' column (student,assignment,cell,points[,comment])`, rows[0]!.join(','));
  const col = (name: string) => header.indexOf(name);
  return rows
    .slice(1)
    .filter((r) => r.some((x) => x.trim() !== ''))
    .map((r, i) => {
      const get = (name: string) => (col(name) >= 0 ? (r[col(name)] ?? '') : '');
      let points: number;
      try {
        points = parsePoints(get('points').trim(), `${where} line ${i + 2}`);
      } catch (err) {
        throw err instanceof ArgumentError ? err : new ArgumentError(`${where} line ${i + 2}`, 'points', 'a number', get('points'));
      }
      return { student: get('student').trim(), assignment: get('assignment').trim(), cell: get('cell').trim(), points, comment: get('comment') };
    });
}

/** One writer at a time per grades folder (two `score` commands at once would lose one's entries). */
function withLock<T>(outDir: string, fn: () => T): T {
  const lock = join(outDir, '.manual-scores.lock');
  let fd: number;
  try {
    fd = openSync(lock, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new Error(`another 'npm run grade -- score' is writing to ${outDir} (${lock} exists). Fix: wait for it; if none is running (it was killed), delete ${lock}`);
    throw err;
  }
  try {
    writeSync(fd, String(process.pid));
    return fn();
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

/**
 * Record manual scores (all checked first: one bad entry and nothing is written); a later entry for the same
 * student, assignment and cell replaces an earlier one. Returns the entries recorded, with the points they had.
 */
export function recordManualScores(outDir: string, assignments: Assignment[], entries: ManualEntry[], where = 'grade score'): Array<ManualEntry & { before?: number }> {
  check(existsSync(join(outDir, 'roster.json')), where, 'grades folder', 'an output folder of npm run grade (with roster.json)', outDir, 'pass the --out folder of a grading run');
  const checked = entries.map((e, i) => {
    try {
      return validateManualEntry(outDir, assignments, e, where);
    } catch (err) {
      if (entries.length > 1 && err instanceof Error) err.message = `entry ${i + 1} (${e.student}, ${e.assignment}, ${e.cell}): ${err.message}`;
      throw err;
    }
  });
  return withLock(outDir, () => {
    const stores = new Map<string, ManualStore>();
    const out: Array<ManualEntry & { before?: number }> = [];
    for (const { entry, score } of checked) {
      const key = `${entry.assignment}/${entry.student}`;
      let store = stores.get(key);
      if (!store) {
        store = readManualStore(outDir, entry.assignment, entry.student) ?? { student: entry.student, assignment: entry.assignment, scores: {} };
        stores.set(key, store);
      }
      out.push({ ...entry, before: store.scores[entry.cell]?.points });
      store.scores[entry.cell] = score;
    }
    for (const s of stores.values()) writeJsonAtomic(manualPath(outDir, s.assignment, s.student), s);
    return out;
  });
}
