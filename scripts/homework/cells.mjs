// Cell builders for the homework generators in this folder (nbgrader metadata, schema version 3): each generator
// writes one instructor notebook notebooks/homework/<name>.ipynb (`node scripts/homework/<name>.mjs`).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const meta = (grade_id, o) => ({ nbgrader: { grade: false, grade_id, locked: false, schema_version: 3, solution: false, ...o } });
// Sources are written as String.raw templates (LaTeX keeps its backslashes); there \` and \${ stand for ` and ${.
const lines = (text) => {
  const parts = text.replace(/\\`/g, '`').replace(/\\\$\{/g, '${').replace(/^\n/, '').replace(/\s+$/, '').split('\n');
  return parts.map((p, i) => (i < parts.length - 1 ? p + '\n' : p));
};

/** Locked text. */
export const md = (id, text) => ({ cell_type: 'markdown', metadata: meta(id, { locked: true }), source: lines(text) });
/** Locked code (set-up, framework): not graded, restored from the source when grading. */
export const readOnly = (id, code) => ({ cell_type: 'code', execution_count: null, metadata: meta(id, { locked: true }), outputs: [], source: lines(code) });
/** Autograded answer: put `// BEGIN SOLUTION` ... `// END SOLUTION` inside function bodies. */
export const answer = (id, code) => ({ cell_type: 'code', execution_count: null, metadata: meta(id, { solution: true }), outputs: [], source: lines(code) });
/** Test cell worth `points` when it runs without an error (hidden tests between the HIDDEN TESTS delimiters). */
export const tests = (id, code, points) => ({ cell_type: 'code', execution_count: null, metadata: meta(id, { grade: true, locked: true, points }), outputs: [], source: lines(code) });
/** A written answer graded by hand (markdown; the solution between <!-- BEGIN SOLUTION --> delimiters). */
export const written = (id, text, points) => ({ cell_type: 'markdown', metadata: meta(id, { grade: true, solution: true, points }), source: lines(text) });
/** A free cell (no metadata): the student's to use. */
export const free = (code) => ({ cell_type: 'code', execution_count: null, metadata: {}, outputs: [], source: lines(code) });

export function writeHomework(path, title, cells) {
  let k = 0;
  const nb = {
    cells: cells.map((c) => ({ id: c.metadata.nbgrader?.grade_id ?? `free-${++k}`, ...c })),
    metadata: {
      kernelspec: { display_name: 'TypeScript', language: 'typescript', name: 'tslab' },
      language_info: { codemirror_mode: { mode: 'typescript', name: 'javascript', typescript: true }, file_extension: '.ts', mimetype: 'text/typescript', name: 'typescript' },
      title,
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(nb, null, 1) + '\n');
  renameSync(tmp, path);
  console.log(`wrote ${path}`);
}
