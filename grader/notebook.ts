/**
 * Minimal nbformat 4 model: read, copy and write Jupyter notebooks as plain JSON (no Python needed), the nbgrader
 * cell metadata this course uses, and a few helpers on cell sources (which nbformat stores as a string or as a list
 * of lines).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ArgumentError, check } from '../lib/util/errors.js';
import { writeFileAtomic } from '../lib/util/fs.js';

/** nbgrader's cell metadata (schema version 3). */
export interface NbgraderMeta {
  grade_id: string;
  /** An autograder test cell (code, locked) or a manually graded answer (with `solution`). */
  grade: boolean;
  /** A cell the student writes in (autograded answer; manually graded answer with `grade`). */
  solution: boolean;
  /** The student may not change it (tests and read-only cells). */
  locked: boolean;
  /** A manually graded task (markdown describing work graded by hand). */
  task?: boolean;
  points?: number;
  schema_version?: number;
  /** Written by the release step: checksum of the cell as released (see {@link computeChecksum}). */
  checksum?: string;
  [key: string]: unknown;
}

export interface Output {
  output_type: 'stream' | 'display_data' | 'execute_result' | 'error' | string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  ename?: string;
  evalue?: string;
  traceback?: string[];
  execution_count?: number | null;
}

export interface Cell {
  cell_type: 'code' | 'markdown' | 'raw';
  id?: string;
  source: string | string[];
  metadata: { nbgrader?: NbgraderMeta; [key: string]: unknown };
  outputs?: Output[];
  execution_count?: number | null;
  attachments?: Record<string, unknown>;
}

export interface Notebook {
  nbformat: number;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** The cell's source as one string. */
export function sourceOf(cell: Pick<Cell, 'source'>): string {
  return Array.isArray(cell.source) ? cell.source.join('') : String(cell.source ?? '');
}

/** A source string as nbformat's list of lines (each but the last keeps its '\n'), as Jupyter writes it. */
export function toLines(source: string): string[] {
  if (source === '') return [];
  const parts = source.split('\n');
  return parts.map((p, i) => (i < parts.length - 1 ? p + '\n' : p)).filter((p) => p !== '');
}

/** Parse notebook JSON, checking the parts we rely on; `where` names the file in error messages. */
export function parseNotebook(text: string, where = 'notebook'): Notebook {
  let nb: unknown;
  try {
    nb = JSON.parse(text);
  } catch (err) {
    throw new ArgumentError('parseNotebook', where, 'valid notebook JSON', `unparseable text (${(err as Error).message})`, 'open it in Jupyter and save it again, or restore it from the release');
  }
  const n = nb as Partial<Notebook>;
  check(!!n && typeof n === 'object' && !Array.isArray(n), 'parseNotebook', where, 'a JSON object (an .ipynb notebook)', nb);
  check(n.nbformat === 4, 'parseNotebook', where, 'an nbformat 4 notebook', `nbformat ${String(n.nbformat)}`, 'save it with Jupyter (nbformat 4)');
  check(Array.isArray(n.cells), 'parseNotebook', where, "a notebook with a 'cells' list", typeof n.cells);
  n.cells!.forEach((c, i) => {
    check(!!c && typeof c === 'object' && ['code', 'markdown', 'raw'].includes((c as Cell).cell_type), 'parseNotebook', `${where} cell ${i}`, "a cell with cell_type 'code', 'markdown' or 'raw'", (c as Cell)?.cell_type);
    const cell = c as Cell;
    if (cell.metadata === undefined || cell.metadata === null || typeof cell.metadata !== 'object') cell.metadata = {};
    if (cell.source === undefined || cell.source === null) cell.source = '';
  });
  if (!n.metadata || typeof n.metadata !== 'object') n.metadata = {};
  if (typeof n.nbformat_minor !== 'number') n.nbformat_minor = 4;
  return n as Notebook;
}

/** Read and parse a notebook file. */
export function readNotebook(path: string): Notebook {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ArgumentError('readNotebook', 'path', 'a readable .ipynb file', path, `check the path (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  return parseNotebook(text, path);
}

/** Notebook JSON the way Jupyter writes it (1-space indent, sources as line lists, trailing newline). */
export function serializeNotebook(nb: Notebook): string {
  const cells = nb.cells.map((c) => ({ ...c, source: toLines(sourceOf(c)) }));
  return JSON.stringify({ ...nb, cells }, null, 1) + '\n';
}

/** Write a notebook atomically. */
export function writeNotebook(path: string, nb: Notebook): void {
  writeFileAtomic(path, serializeNotebook(nb));
}

/** Deep copy (notebooks are plain JSON). */
export function cloneNotebook<T extends Notebook | Cell>(nb: T): T {
  return JSON.parse(JSON.stringify(nb)) as T;
}

/** sha256 of bytes or a string, hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
