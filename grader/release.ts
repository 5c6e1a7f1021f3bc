/**
 * Instructor source → student version (nbgrader's "generate assignment"): solutions become stubs that throw
 * `not implemented: <grade_id>`, hidden tests disappear, outputs are cleared, locked cells get nbgrader checksums
 * and Jupyter's `editable: false` / `deletable: false`. Also the instructor's graded form (hidden tests revealed)
 * that the grader runs in place of every locked cell.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ArgumentError, check } from '../lib/util/errors.js';
import { writeJsonAtomic } from '../lib/util/fs.js';
import { cellKind, computeChecksum, isGrade, isLocked, isSolution, nbgraderOf, pointsOf, type CellKind } from './cells.js';
import { type Cell, type Notebook, cloneNotebook, readNotebook, serializeNotebook, sha256, sourceOf, writeNotebook } from './notebook.js';
import { clearHiddenTests, clearSolutions, hasRegions, revealHiddenTests } from './regions.js';

export const GRADE_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export interface SourceProblem {
  level: 'error' | 'warning';
  cell: number;
  gradeId?: string;
  message: string;
}

/** Check an instructor source; errors make release refuse it, warnings are printed. */
export function validateSource(nb: Notebook, name = 'assignment'): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const seen = new Map<string, number>();
  let graded = 0;
  nb.cells.forEach((cell, i) => {
    const m = cell.metadata?.nbgrader as Cell['metadata']['nbgrader'] | undefined;
    const src = sourceOf(cell);
    const add = (level: SourceProblem['level'], message: string) => problems.push({ level, cell: i, gradeId: m?.grade_id, message });
    if (m === undefined) {
      if (hasRegions(src, 'SOLUTION') || hasRegions(src, 'HIDDEN TESTS')) add('error', 'has BEGIN/END delimiters but no nbgrader metadata: mark it as a solution or test cell');
      if (cell.cell_type === 'code' && src.replace(/\/\/.*$/gm, '').trim() !== '') add('warning', 'code cell without nbgrader metadata: students can edit it and the grader runs their version (mark it read-only to lock it)');
      return;
    }
    if (typeof m !== 'object' || typeof m.grade_id !== 'string' || !GRADE_ID.test(m.grade_id)) {
      add('error', `nbgrader.grade_id must be 1-64 letters, digits, '_', '.', '-' starting with a letter or digit (got ${JSON.stringify(m?.grade_id)})`);
      return;
    }
    if (seen.has(m.grade_id)) add('error', `grade_id '${m.grade_id}' is used twice (cells ${seen.get(m.grade_id)} and ${i}); grade_ids must be unique`);
    seen.set(m.grade_id, i);
    if (m.solution && m.locked) add('error', 'a solution cell cannot be locked (students write in it): set locked to false');
    if (m.grade || m.task) {
      const p = Number(m.points);
      if (!Number.isFinite(p) || p < 0) add('error', `points must be a number >= 0 (got ${JSON.stringify(m.points)})`);
      if (p > 0) graded++;
    }
    if (m.task && cell.cell_type !== 'markdown') add('error', 'a task cell must be markdown');
    if (m.grade && !m.solution && !m.task && cell.cell_type !== 'code') add('error', 'an autograder test cell must be a code cell (a markdown grade cell needs solution: true)');
    const kind = cellKind(cell);
    try {
      if (hasRegions(src, 'SOLUTION')) {
        if (!m.solution) add('error', "has '// BEGIN SOLUTION' but is not a solution cell: set nbgrader.solution to true, or remove the delimiters");
        else clearSolutions(src, { cellType: cell.cell_type, gradeId: m.grade_id, where: `${name} cell ${i} '${m.grade_id}'` });
      }
      if (hasRegions(src, 'HIDDEN TESTS')) {
        if (kind !== 'tests') add('error', "has '// BEGIN HIDDEN TESTS' but is not an autograder test cell (grade: true, solution: false)");
        else clearHiddenTests(src, `${name} cell ${i} '${m.grade_id}'`);
      }
    } catch (err) {
      add('error', (err as Error).message);
    }
    if (kind === 'autograded-answer' && cell.cell_type === 'code' && !hasRegions(src, 'SOLUTION')) add('warning', 'solution cell without // BEGIN SOLUTION: the whole cell becomes the stub (signatures are lost)');
  });
  if (graded === 0) problems.push({ level: 'error', cell: -1, message: 'no cell is worth points: mark autograder test cells with nbgrader grade: true and points > 0' });
  const ks = (nb.metadata?.kernelspec as { name?: string } | undefined)?.name;
  if (ks !== 'tslab') problems.push({ level: 'warning', cell: -1, message: `kernelspec is ${JSON.stringify(ks)}, not "tslab": the grader runs it with the tslab kernel` });
  return problems;
}

function throwOnErrors(problems: SourceProblem[], name: string): void {
  const errors = problems.filter((p) => p.level === 'error');
  if (errors.length === 0) return;
  const lines = errors.map((p) => `  - cell ${p.cell}${p.gradeId ? ` '${p.gradeId}'` : ''}: ${p.message}`);
  throw new ArgumentError('releaseAssignment', name, 'a valid instructor source', `${errors.length} problem(s):\n${lines.join('\n')}\n`, 'fix the cells listed above in the instructor notebook');
}

const clearOutputs = (cell: Cell): void => {
  if (cell.cell_type === 'code') {
    cell.outputs = [];
    cell.execution_count = null;
  } else {
    delete cell.outputs;
    delete cell.execution_count;
  }
};

/** Per-cell facts both the release and the grader use. */
export interface GradeCellInfo {
  index: number;
  gradeId: string;
  kind: CellKind;
  points: number;
  locked: boolean;
  cellType: Cell['cell_type'];
}

export function gradeCells(nb: Notebook): GradeCellInfo[] {
  return nb.cells.flatMap((cell, index) => {
    const m = nbgraderOf(cell);
    return m ? [{ index, gradeId: m.grade_id, kind: cellKind(cell), points: pointsOf(cell), locked: isLocked(cell), cellType: cell.cell_type }] : [];
  });
}

/** The student version of an instructor source (the source is not modified). */
export function makeStudentVersion(source: Notebook, name = 'assignment'): Notebook {
  const nb = releaseCopy(source, name, (cell, i, m) => {
    if (!m) return;
    const where = `${name} cell ${i} '${m.grade_id}'`;
    if (isSolution(cell)) cell.source = clearSolutions(sourceOf(cell), { cellType: cell.cell_type, gradeId: m.grade_id, where });
    else if (isGrade(cell) && cell.cell_type === 'code') cell.source = clearHiddenTests(sourceOf(cell), where);
    m.schema_version = 3;
    m.locked = isLocked(cell);
    delete m.checksum;
    m.checksum = computeChecksum(cell);
    cell.metadata.editable = !isLocked(cell);
    cell.metadata.deletable = false;
  });
  const own = (source.metadata?.reprlab ?? {}) as Record<string, unknown>; // e.g. covers: the library exports the answers stand for
  nb.metadata = { ...nb.metadata, reprlab: { ...own, assignment: name, source_sha256: sha256(serializeNotebook(source)) } };
  return nb;
}

/** The notebook the grader runs for the instructor's own cells: hidden tests revealed, outputs cleared. */
export function makeGradingVersion(source: Notebook, name = 'assignment'): Notebook {
  return releaseCopy(source, name, (cell, i, m) => {
    if (m && isGrade(cell) && !isSolution(cell) && cell.cell_type === 'code') cell.source = revealHiddenTests(sourceOf(cell), `${name} cell ${i}`);
  });
}

/** A checked copy of an instructor source with every output cleared, each cell then edited by `edit`. */
function releaseCopy(source: Notebook, name: string, edit: (cell: Notebook['cells'][number], index: number, meta: ReturnType<typeof nbgraderOf>) => void): Notebook {
  throwOnErrors(validateSource(source, name), name);
  const nb = cloneNotebook(source);
  nb.cells.forEach((cell, i) => {
    clearOutputs(cell);
    edit(cell, i, nbgraderOf(cell));
  });
  return nb;
}

export interface ReleaseResult {
  name: string;
  source: string;
  student: string;
  points: number;
  gradeIds: string[];
  warnings: string[];
}

/** Assignment name from a notebook path: its file stem. */
export function assignmentName(path: string): string {
  return basename(path).replace(/\.ipynb$/, '');
}

/** Instructor sources in `sourceDir` (every *.ipynb, sorted; checkpoints ignored). */
export function listSources(sourceDir: string): string[] {
  check(existsSync(sourceDir), 'listSources', 'sourceDir', 'an existing folder of instructor notebooks', sourceDir, 'run from the project root or pass --source <folder>');
  return readdirSync(sourceDir)
    .filter((f) => f.endsWith('.ipynb') && !f.startsWith('.'))
    .sort()
    .map((f) => join(sourceDir, f));
}

/** Write `<releaseDir>/<name>/<name>.ipynb` for one instructor source. */
export function releaseAssignment(sourcePath: string, releaseDir: string): ReleaseResult {
  const name = assignmentName(sourcePath);
  const source = readNotebook(sourcePath);
  const problems = validateSource(source, name);
  throwOnErrors(problems, name);
  const student = makeStudentVersion(source, name);
  const out = join(releaseDir, name, `${name}.ipynb`);
  writeNotebook(out, student);
  const cells = gradeCells(source);
  return {
    name,
    source: sourcePath,
    student: out,
    points: cells.reduce((s, c) => s + c.points, 0),
    gradeIds: cells.filter((c) => c.points > 0).map((c) => c.gradeId),
    warnings: problems.filter((p) => p.level === 'warning').map((p) => `cell ${p.cell}${p.gradeId ? ` '${p.gradeId}'` : ''}: ${p.message}`),
  };
}

/** Release every (or the named) assignment and write `<releaseDir>/index.json`. */
export function releaseAll(o: { sourceDir: string; releaseDir: string; names?: string[] }): ReleaseResult[] {
  const all = listSources(o.sourceDir);
  const wanted = o.names?.length ? o.names : undefined;
  if (wanted) {
    const known = all.map(assignmentName);
    for (const n of wanted) check(known.includes(n), 'releaseAll', 'names', `assignment names in ${o.sourceDir} (${known.join(', ')})`, n, 'pass names without .ipynb');
  }
  const results = all.filter((p) => !wanted || wanted.includes(assignmentName(p))).map((p) => releaseAssignment(p, o.releaseDir));
  // the index lists every released assignment (also those released by an earlier call with other names)
  const index = all
    .map(assignmentName)
    .filter((n) => existsSync(join(o.releaseDir, n, `${n}.ipynb`)))
    .map((n) => {
      const cells = gradeCells(readNotebook(join(o.releaseDir, n, `${n}.ipynb`)));
      return { name: n, notebook: `${n}/${n}.ipynb`, points: cells.reduce((s, c) => s + c.points, 0), gradeIds: cells.filter((c) => c.points > 0).map((c) => c.gradeId) };
    });
  writeJsonAtomic(join(o.releaseDir, 'index.json'), { assignments: index });
  return results;
}
