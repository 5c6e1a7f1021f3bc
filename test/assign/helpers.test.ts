// Frozen test helpers and the plan the supervisor gets (no kernel needed).
import { describe, expect, it } from 'vitest';
import { gradeCells, helpersFor, identicalToSolution, makeGradingVersion, makeStudentVersion, mergeSubmission, planCells, sourceOf, topLevelDeclarations, withFrozenHelpers } from '../../grader/index.js';
import { helperAssignment, withSource } from './fixture.js';

describe('test helpers', () => {
  it('finds top-level declarations of every kind, and only top-level ones', () => {
    const d = topLevelDeclarations("import { tf, rng as r } from 'reprlab';\nimport * as fs from 'fs';\nconst [a, { b }] = [1, { b: 2 }];\nlet c = 3;\nfunction f(x: number) { const inner = 1; return x + inner; }\nclass K {}\nasync function g() {}");
    expect([...d.names].sort()).toEqual(['K', 'a', 'b', 'c', 'f', 'fs', 'g', 'r', 'tf']);
    expect([...d.functions.keys()]).toEqual(['f', 'g']);
    expect(d.functions.get('f')).toBe('function f(x: number) { const inner = 1; return x + inner; }');
  });

  it('inlines the helpers a test uses, transitively, in a block around it', () => {
    const helpers = new Map([
      ['near', 'function near(a: number, b: number) { return Math.abs(a - b) < 1e-6; }'],
      ['assertClose', "function assertClose(a: number, b: number) { if (!near(a, b)) throw new Error('far'); }"],
      ['unused', 'function unused() {}'],
    ]);
    expect(helpersFor('assertClose(1, 1);', helpers)).toEqual(['near', 'assertClose']);
    expect(withFrozenHelpers('{ assertClose(f(1), 2); }', helpers)).toBe(`{\n${helpers.get('near')}\n${helpers.get('assertClose')}\n{ assertClose(f(1), 2); }\n}`);
    expect(withFrozenHelpers('{ if (f(1) !== 2) throw new Error(); }', helpers)).toBe('{ if (f(1) !== 2) throw new Error(); }');
  });

  it('plans the cells: test cells get the frozen helpers and the hidden tests; redeclared helpers and copied solutions are flagged', () => {
    const source = helperAssignment();
    const a = { name: 'tiny', sourcePath: '', sourceSha256: '', source, grading: makeGradingVersion(source, 'tiny'), released: makeStudentVersion(source, 'tiny'), cells: gradeCells(source) };
    const sub = withSource(a.released, 'double', 'function assertEq(a: number, b: number, w: string) {}\nconst offset = 1;\nfunction double(x: number) { return 2 * x; }');
    const merged = mergeSubmission(a.grading, a.released, sub, source);
    const plan = planCells(a, merged);
    const test = plan.cells.find((c) => sourceOf(merged.notebook.cells[c.index]!).includes('double(2)'))!;
    expect(test.role).toBe('test');
    expect(test.send).toMatch(/^\{\nfunction assertEq\(actual: number[\s\S]*hidden: double\(-3\)[\s\S]*\n\}$/);
    expect(plan.cells.find((c) => merged.cells[c.index]!.gradeId === 'double')!.role).toBe('student');
    // 'offset' is the instructor's but no test uses it: not a helper
    expect(plan.flags).toEqual([{ kind: 'shadowed-helper', gradeId: 'double', message: expect.stringMatching(/cell 'double' redeclares 'assertEq', which the tests use/) }]);
    expect(identicalToSolution(a, merged)).toBe(false);
    expect(identicalToSolution(a, mergeSubmission(a.grading, a.released, source, source))).toBe(true);
    // whitespace does not hide a copy
    const copied = withSource(withSource(a.released, 'double', 'function double(x: number): number {\n    return 2 * offset(x);\n}'), 'square', 'function square(x: number): number {\n  return x * x;\n}\n');
    expect(identicalToSolution(a, mergeSubmission(a.grading, a.released, copied, source))).toBe(true);
  });
});
