/** A tiny assignment (no tfjs, runs in seconds) and submission builders for the grader tests. */
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Cell, NbgraderMeta, Notebook } from '../../grader/index.js';
import { sha256, writeNotebook } from '../../grader/index.js';

const meta = (grade_id: string, o: Partial<NbgraderMeta>): Cell['metadata'] => ({
  nbgrader: { grade_id, grade: false, solution: false, locked: false, schema_version: 3, ...o } as NbgraderMeta,
});
export const md = (id: string, text: string, o: Partial<NbgraderMeta> = { locked: true }): Cell => ({ cell_type: 'markdown', source: text, metadata: meta(id, o) });
export const code = (id: string, text: string, o: Partial<NbgraderMeta>): Cell => ({ cell_type: 'code', source: text, metadata: meta(id, o), outputs: [], execution_count: null });
export const readOnly = (id: string, text: string) => code(id, text, { locked: true });
export const answer = (id: string, text: string) => code(id, text, { solution: true });
export const tests = (id: string, text: string, points: number) => code(id, text, { grade: true, locked: true, points });

export function tinyAssignment(): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' }, language_info: { name: 'typescript' } },
    cells: [
      md('intro', '# Tiny homework\nWrite `double` and `square`.'),
      readOnly('setup', 'const offset = (x: number): number => x + 0;'),
      answer('double', 'function double(x: number): number {\n  // BEGIN SOLUTION\n  return 2 * offset(x);\n  // END SOLUTION\n}'),
      tests('test_double', "if (double(2) !== 4) throw new Error('double(2) should be 4');\n// BEGIN HIDDEN TESTS\nif (double(-3) !== -6) throw new Error('hidden: double(-3) should be -6');\n// END HIDDEN TESTS", 2),
      answer('square', 'function square(x: number): number {\n  // BEGIN SOLUTION\n  return x * x;\n  // END SOLUTION\n}'),
      tests('test_square', "if (square(3) !== 9) throw new Error('square(3) should be 9');", 3),
      md('why', 'Why is squaring convex?\n\n<!-- BEGIN SOLUTION -->\nIts second derivative is 2 > 0.\n<!-- END SOLUTION -->', { solution: true, grade: true, points: 1 }),
    ],
  };
}

export function writeSubmission(dir: string, student: string, name: string, nb: Notebook | string): string {
  mkdirSync(join(dir, student), { recursive: true });
  const path = join(dir, student, `${name}.ipynb`);
  if (typeof nb === 'string') {
    mkdirSync(join(dir, student), { recursive: true });
    // raw text (e.g. a broken file)
    return (writeRaw(path, nb), path);
  }
  writeNotebook(path, nb);
  return path;
}

import { writeFileSync } from 'node:fs';
function writeRaw(path: string, text: string): void {
  writeFileSync(path, text);
}

/** Replace the source of the cell with this grade_id (returns a modified copy). */
export function withSource(nb: Notebook, gradeId: string, source: string): Notebook {
  const copy = JSON.parse(JSON.stringify(nb)) as Notebook;
  const cell = copy.cells.find((c) => c.metadata.nbgrader?.grade_id === gradeId);
  if (!cell) throw new Error(`no cell ${gradeId}`);
  cell.source = source;
  return copy;
}

/**
 * The tiny assignment with a test helper (`assertEq`, declared in a read-only cell) that the test cells use:
 * what a student would try to redefine.
 */
export function helperAssignment(): Notebook {
  const nb = tinyAssignment();
  const setup = nb.cells.find((c) => c.metadata.nbgrader?.grade_id === 'setup')!;
  setup.source = 'const offset = (x: number): number => x + 0;\nfunction assertEq(actual: number, expected: number, what: string): void {\n  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);\n}';
  nb.cells.find((c) => c.metadata.nbgrader?.grade_id === 'test_double')!.source = "assertEq(double(2), 4, 'double(2)');\n// BEGIN HIDDEN TESTS\nassertEq(double(-3), -6, 'hidden: double(-3)');\n// END HIDDEN TESTS";
  nb.cells.find((c) => c.metadata.nbgrader?.grade_id === 'test_square')!.source = "assertEq(square(3), 9, 'square(3)');";
  return nb;
}

/** Every file below `dir` with its sha256 (files that vanish during the walk are left out): to prove nothing changed. */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      const st = statSync(p, { throwIfNoEntry: false });
      if (st?.isDirectory()) walk(p);
      else if (st) out[p] = sha256(readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

/** The local `check` a notebook's set-up cell declares (what students run; the grader sends its own into every test block). */
export const LOCAL_CHECK = `const TEST_SEED = 0; // the grader gives every test block its own (hidden inputs)
function check(name: string, actual: unknown, o: { tol?: number; expected?: unknown; atLeast?: number; atMost?: number; finite?: boolean } = {}): void {
  if (o.expected !== undefined && JSON.stringify(actual) !== JSON.stringify(o.expected)) throw new Error(\`\${name}: expected \${JSON.stringify(o.expected)}, got \${JSON.stringify(actual)}\`);
  console.log(\`✓ \${name}\`);
}`;

/**
 * The tiny assignment with checks: test cells state `check('name', value)` lines, judged outside the kernel against
 * the instructor kernel's values; a hidden check draws its input from TEST_SEED.
 */
export function checkAssignment(): Notebook {
  const nb = tinyAssignment();
  const byId = (id: string) => nb.cells.find((c) => c.metadata.nbgrader?.grade_id === id)!;
  byId('setup').source = `const offset = (x: number): number => x + 0;\n${LOCAL_CHECK}`;
  byId('test_double').source = "check('double(2)', double(2), { expected: 4 });\n// BEGIN HIDDEN TESTS\ncheck('double(-3)', double(-3));\ncheck('double at the seed', [1, 2, 3].map((k) => double(TEST_SEED % 1000 + k)));\n// END HIDDEN TESTS";
  byId('test_square').source = "check('square(3)', square(3), { expected: 9 });\ncheck('square(0.1)', square(0.1), { tol: 1e-9 });";
  return nb;
}
