/**
 * Solution and hidden-test regions, delimited by comment lines as in nbgrader:
 *
 *     // BEGIN SOLUTION            // BEGIN HIDDEN TESTS
 *     ...instructor's code...      ...tests the student never sees...
 *     // END SOLUTION              // END HIDDEN TESTS
 *
 * (`### BEGIN SOLUTION` / `# BEGIN SOLUTION` and `<!-- BEGIN SOLUTION -->` work too, for markdown cells).
 * A solution region becomes a stub, indented like the BEGIN line; put regions inside function bodies so the
 * student version keeps every signature and still type-checks. A solution cell without delimiters is replaced
 * whole. Hidden-test regions are removed with their delimiters.
 */
import { ArgumentError } from '../lib/util/errors.js';

const DELIM = /^(\s*)(?:\/\/+|#+|<!--|\/\*)\s*(BEGIN|END)\s+(SOLUTION|HIDDEN TESTS)\b\s*(?:-->|\*\/)?\s*$/;

export interface Delimiter {
  line: number;
  indent: string;
  edge: 'BEGIN' | 'END';
  what: 'SOLUTION' | 'HIDDEN TESTS';
}

/** Every delimiter line in a source. */
export function findDelimiters(source: string): Delimiter[] {
  const out: Delimiter[] = [];
  source.split('\n').forEach((text, line) => {
    const m = DELIM.exec(text);
    if (m) out.push({ line, indent: m[1]!, edge: m[2] as Delimiter['edge'], what: m[3] as Delimiter['what'] });
  });
  return out;
}

/** Balanced, non-nested regions of one kind, or an error naming the cell and line. */
function regions(source: string, what: Delimiter['what'], where: string): Array<{ begin: Delimiter; end: Delimiter }> {
  const out: Array<{ begin: Delimiter; end: Delimiter }> = [];
  let open: Delimiter | undefined;
  for (const d of findDelimiters(source)) {
    if (d.what !== what) continue;
    if (d.edge === 'BEGIN') {
      if (open) throw new ArgumentError('assignments', where, `a cell whose '// BEGIN ${what}' regions do not nest`, `a second BEGIN on line ${d.line + 1} (the first on line ${open.line + 1} is still open)`, `add '// END ${what}' before line ${d.line + 1}`);
      open = d;
    } else {
      if (!open) throw new ArgumentError('assignments', where, `a cell whose '// END ${what}' follows a '// BEGIN ${what}'`, `an END on line ${d.line + 1} with no BEGIN`, `add '// BEGIN ${what}' above it or delete it`);
      out.push({ begin: open, end: d });
      open = undefined;
    }
  }
  if (open) throw new ArgumentError('assignments', where, `a cell whose '// BEGIN ${what}' is closed`, `BEGIN on line ${open.line + 1} without END`, `add '// END ${what}' after the region`);
  return out;
}

export function hasRegions(source: string, what: Delimiter['what']): boolean {
  return findDelimiters(source).some((d) => d.what === what);
}

/** The stub a student sees for a code solution: throws until they write their answer. */
export function codeStub(gradeId: string, indent = ''): string {
  const safe = gradeId.replace(/[\\']/g, '_');
  return `${indent}// YOUR CODE HERE\n${indent}throw new Error('not implemented: ${safe}');`;
}
export const MARKDOWN_STUB = 'YOUR ANSWER HERE';

/**
 * The student version of a solution cell's source. `where` names the cell in errors (e.g. "hw1 cell 'triplet'").
 */
export function clearSolutions(source: string, o: { cellType: 'code' | 'markdown' | 'raw'; gradeId: string; where?: string }): string {
  const where = o.where ?? `cell '${o.gradeId}'`;
  const rs = regions(source, 'SOLUTION', where);
  const stub = (indent: string) => (o.cellType === 'code' ? codeStub(o.gradeId, indent) : indent + MARKDOWN_STUB);
  if (rs.length === 0) return stub('');
  const lines = source.split('\n');
  const out: string[] = [];
  let at = 0;
  for (const { begin, end } of rs) {
    out.push(...lines.slice(at, begin.line));
    out.push(stub(begin.indent));
    at = end.line + 1;
  }
  out.push(...lines.slice(at));
  return out.join('\n');
}

/** The instructor's source without the solution delimiters (what the instructor version runs). */
export function stripSolutionDelimiters(source: string): string {
  return source
    .split('\n')
    .filter((l) => !(DELIM.exec(l)?.[3] === 'SOLUTION'))
    .join('\n');
}

/** Remove hidden-test regions (delimiters included): the student version of a test cell. */
export function clearHiddenTests(source: string, where = 'cell'): string {
  const rs = regions(source, 'HIDDEN TESTS', where);
  if (rs.length === 0) return source;
  const lines = source.split('\n');
  const out: string[] = [];
  let at = 0;
  for (const { begin, end } of rs) {
    out.push(...lines.slice(at, begin.line));
    at = end.line + 1;
  }
  out.push(...lines.slice(at));
  return out.join('\n').replace(/\n+$/, '');
}

/** The graded version of a test cell: hidden tests kept, their delimiters removed. */
export function revealHiddenTests(source: string, where = 'cell'): string {
  regions(source, 'HIDDEN TESTS', where); // validate
  return source
    .split('\n')
    .filter((l) => !(DELIM.exec(l)?.[3] === 'HIDDEN TESTS'))
    .join('\n');
}
