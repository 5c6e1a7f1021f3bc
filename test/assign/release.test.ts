import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  clearHiddenTests,
  clearSolutions,
  computeChecksum,
  gradeCells,
  makeGradingVersion,
  makeStudentVersion,
  mergeSubmission,
  readNotebook,
  releaseAll,
  scoreCells,
  sourceOf,
  toCsv,
  validateSource,
  writeNotebook,
  type Notebook,
} from '../../grader/index.js';
import { answer, md, tests, tinyAssignment, withSource } from './fixture.js';

const byId = (nb: Notebook, id: string) => nb.cells.find((c) => c.metadata.nbgrader?.grade_id === id)!;

describe('solution and hidden-test regions', () => {
  it('replaces a solution region with a stub indented like BEGIN and keeps the signature', () => {
    const src = 'function f(x: number): number {\n  const y = 1;\n  // BEGIN SOLUTION\n  return x + y;\n  // END SOLUTION\n}';
    expect(clearSolutions(src, { cellType: 'code', gradeId: 'f' })).toBe(
      "function f(x: number): number {\n  const y = 1;\n  // YOUR CODE HERE\n  throw new Error('not implemented: f');\n}",
    );
  });
  it('handles several regions, a whole-cell stub, and markdown', () => {
    const two = 'a\n// BEGIN SOLUTION\nb\n// END SOLUTION\nc\n    ### BEGIN SOLUTION\nd\n    ### END SOLUTION';
    expect(clearSolutions(two, { cellType: 'code', gradeId: 'g' })).toBe("a\n// YOUR CODE HERE\nthrow new Error('not implemented: g');\nc\n    // YOUR CODE HERE\n    throw new Error('not implemented: g');");
    expect(clearSolutions('let x = 1;', { cellType: 'code', gradeId: 'h' })).toBe("// YOUR CODE HERE\nthrow new Error('not implemented: h');");
    expect(clearSolutions('Q?\n<!-- BEGIN SOLUTION -->\nA.\n<!-- END SOLUTION -->', { cellType: 'markdown', gradeId: 'm' })).toBe('Q?\nYOUR ANSWER HERE');
  });
  it('removes hidden tests with their delimiters', () => {
    expect(clearHiddenTests('check(1);\n// BEGIN HIDDEN TESTS\ncheck(2);\n// END HIDDEN TESTS\ncheck(3);')).toBe('check(1);\ncheck(3);');
  });
  it('rejects unbalanced delimiters naming the line and the fix', () => {
    expect(() => clearSolutions('// BEGIN SOLUTION\nx', { cellType: 'code', gradeId: 'f', where: "hw cell 2 'f'" })).toThrow(/hw cell 2 'f'.*line 1 without END.*Fix: add '\/\/ END SOLUTION'/s);
    expect(() => clearHiddenTests('// END HIDDEN TESTS')).toThrow(/no BEGIN/);
  });
});

describe('release (student version)', () => {
  const source = tinyAssignment();
  const student = makeStudentVersion(source, 'tiny');

  it('stubs solutions, hides hidden tests, keeps visible tests and locks cells', () => {
    expect(sourceOf(byId(student, 'double'))).toContain("throw new Error('not implemented: double')");
    expect(sourceOf(byId(student, 'double'))).toContain('function double(x: number): number {');
    expect(sourceOf(byId(student, 'double'))).not.toContain('2 * offset');
    expect(sourceOf(byId(student, 'test_double'))).toBe("if (double(2) !== 4) throw new Error('double(2) should be 4');");
    expect(JSON.stringify(student)).not.toMatch(/hidden: double|BEGIN HIDDEN|Its second derivative/);
    expect(sourceOf(byId(student, 'why'))).toBe('Why is squaring convex?\n\nYOUR ANSWER HERE');
    expect(byId(student, 'test_double').metadata.editable).toBe(false);
    expect(byId(student, 'double').metadata.editable).toBe(true);
    expect(student.metadata.reprlab).toMatchObject({ assignment: 'tiny' });
  });
  it('records nbgrader checksums that match a recomputation and change on edits', () => {
    for (const c of student.cells) expect(c.metadata.nbgrader!.checksum).toBe(computeChecksum(c));
    const edited = withSource(student, 'test_double', '// weakened');
    expect(computeChecksum(byId(edited, 'test_double'))).not.toBe(byId(student, 'test_double').metadata.nbgrader!.checksum);
  });
  it('computes the same checksum as nbgrader (md5 of source, type, flags, id, points)', () => {
    // value from nbgrader.utils.compute_checksum on this cell (source 'x = 1', code, grade, not solution, locked, id 'a', 1 point)
    const cell = tests('a', 'x = 1', 1);
    // python: hashlib.md5(b'x = 1' b'code' b'True' b'False' b'True' b'a' b'1.0').hexdigest()
    expect(computeChecksum(cell)).toBe('99180aca5f018c2e556debc12ec5edd1');
  });
  it('leaves the instructor source untouched and reveals hidden tests in the grading version', () => {
    expect(sourceOf(byId(source, 'double'))).toContain('2 * offset');
    const grading = makeGradingVersion(source, 'tiny');
    expect(sourceOf(byId(grading, 'test_double'))).toContain("hidden: double(-3)");
    expect(sourceOf(byId(grading, 'test_double'))).not.toContain('BEGIN HIDDEN');
  });
  it('validates sources: duplicate ids, delimiters in the wrong cell, no points', () => {
    const bad: Notebook = { ...tinyAssignment(), cells: [answer('x', 'a'), answer('x', 'b'), md('t', '// BEGIN HIDDEN TESTS\n// END HIDDEN TESTS')] };
    const errors = validateSource(bad, 'bad').filter((p) => p.level === 'error').map((p) => p.message).join('\n');
    expect(errors).toMatch(/used twice/);
    expect(errors).toMatch(/HIDDEN TESTS.*not an autograder test cell/);
    expect(errors).toMatch(/no cell is worth points/);
    expect(() => makeStudentVersion(bad, 'bad')).toThrow(/releaseAssignment: argument 'bad'.*used twice/s);
  });
  it('releaseAll writes release/<name>/<name>.ipynb and an index', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-release-'));
    writeNotebook(join(dir, 'src', 'tiny.ipynb'), tinyAssignment());
    const [r] = releaseAll({ sourceDir: join(dir, 'src'), releaseDir: join(dir, 'release') });
    expect(r!.points).toBe(6);
    expect(r!.gradeIds).toEqual(['test_double', 'test_square', 'why']);
    const released = readNotebook(join(dir, 'release', 'tiny', 'tiny.ipynb'));
    expect(sourceOf(byId(released, 'square'))).toContain('not implemented: square');
    expect(JSON.parse(readFileSync(join(dir, 'release', 'index.json'), 'utf8')).assignments[0]).toMatchObject({ name: 'tiny', points: 6 });
    expect(() => releaseAll({ sourceDir: join(dir, 'src'), releaseDir: join(dir, 'release'), names: ['nope'] })).toThrow(/names.*tiny/);
  });
});

describe('merging a submission with the instructor version', () => {
  const source = tinyAssignment();
  const grading = makeGradingVersion(source, 'tiny');
  const released = makeStudentVersion(source, 'tiny');

  it('restores weakened and deleted tests, keeps answers and extra cells in place', () => {
    let sub = withSource(released, 'test_double', '// I removed the test');
    sub = withSource(sub, 'double', 'function double(x: number): number { return helper(x); }');
    sub.cells = sub.cells.filter((c) => c.metadata.nbgrader?.grade_id !== 'test_square');
    const extra = { cell_type: 'code' as const, source: 'const helper = (x: number) => x * 2;', metadata: {}, outputs: [], execution_count: null };
    sub.cells.splice(2, 0, extra); // after 'setup', before 'double'
    const before = JSON.stringify(sub);
    const m = mergeSubmission(grading, released, sub);
    expect(JSON.stringify(sub)).toBe(before); // submission object untouched
    const srcs = m.notebook.cells.map(sourceOf);
    expect(srcs[2]).toBe('const helper = (x: number) => x * 2;');
    expect(srcs[3]).toContain('return helper(x)');
    expect(srcs[4]).toContain('hidden: double(-3)');
    expect(srcs.some((s) => s.includes("square(3) !== 9"))).toBe(true);
    expect(m.flags.map((f) => `${f.kind}:${f.gradeId}`)).toEqual(expect.arrayContaining(['edited-locked-cell:test_double', 'deleted-locked-cell:test_square']));
    expect(m.cells[4]).toEqual({ origin: 'instructor', gradeId: 'test_double' });
  });
  it('flags re-flagged metadata (unlocking a test cell) and ignores copies and unknown ids', () => {
    const sub = JSON.parse(JSON.stringify(released)) as Notebook;
    byId(sub, 'test_square').metadata.nbgrader!.locked = false;
    byId(sub, 'test_square').metadata.nbgrader!.solution = true;
    sub.cells.push(JSON.parse(JSON.stringify(byId(sub, 'double'))));
    sub.cells.push(answer('made_up', '1'));
    const m = mergeSubmission(grading, released, sub);
    const kinds = m.flags.map((f) => `${f.kind}:${f.gradeId}`);
    expect(kinds).toEqual(expect.arrayContaining(['edited-locked-cell:test_square', 'duplicate-cell:double', 'unknown-grade-id:made_up']));
    expect(m.flags.find((f) => f.gradeId === 'test_square')!.message).toMatch(/metadata/);
  });
  it('scores tests from a run report, manual answers per nbgrader (unchanged → 0, changed → pending)', () => {
    const a = { name: 'tiny', sourcePath: '', sourceSha256: '', source, grading, released, cells: gradeCells(source) };
    const sub = withSource(released, 'why', 'Because x² has a positive second derivative.');
    const m = mergeSubmission(grading, released, sub);
    const idx = (id: string) => m.cells.findIndex((c) => c.gradeId === id);
    const run = { status: 'ok' as const, message: '', seconds: 1, sandbox: 'bwrap', kernelOutput: '', cgroup: '', cells: new Map([[idx('test_double'), { status: 'ok' as const, seconds: 0, error: '' }], [idx('test_square'), { status: 'error' as const, seconds: 0, error: 'Error: not implemented: square' }]]) };
    const g = scoreCells(a, m, run);
    expect(g.map((c) => [c.gradeId, c.status, c.score])).toEqual([['test_double', 'passed', 2], ['test_square', 'failed', 0], ['why', 'manual', null]]);
    expect(g[2]!.answer).toMatch(/second derivative/);
    const g0 = scoreCells(a, mergeSubmission(grading, released, released), run);
    expect(g0[2]).toMatchObject({ status: 'unanswered', score: 0 });
  });
});

describe('gradebook CSV', () => {
  it('quotes and defuses formula-looking text', () => {
    expect(toCsv(['a', 'b'], [['x,y', '=HYPERLINK("evil")'], [1.23456, null]])).toBe('a,b\n"x,y","\'=HYPERLINK(""evil"")"\n1.235,\n');
  });
});

describe('merged notebook cell ids', () => {
  it('are unique even when the student copied cells or an old client dropped ids', () => {
    const source = tinyAssignment();
    source.cells.forEach((c, i) => (c.id = `c${i}`));
    const grading = makeGradingVersion(source, 'tiny');
    const released = makeStudentVersion(source, 'tiny');
    const sub = JSON.parse(JSON.stringify(released)) as Notebook;
    sub.cells.push({ ...JSON.parse(JSON.stringify(sub.cells[2])), metadata: {} }); // a copy: same id
    sub.cells.push({ cell_type: 'code', source: 'x', metadata: {}, outputs: [], execution_count: null }); // no id
    const ids = mergeSubmission(grading, released, sub, source).notebook.cells.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
  });
});
