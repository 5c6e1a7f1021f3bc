// Verdicts outside the student's runtime (issue #28): test cells report values with check(), the grader compares
// them with the instructor kernel's values. Unit tests of the comparison, then real kernels: honest rows keep full
// marks, runtime patches and forged records gain nothing, hidden tests never reach the feedback files.
import { readdirSync, readFileSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareValues, gradeAll, judgeChecks, makeStudentVersion, markHiddenChecks, safeErrorText, scanCell, selfCheck, writeNotebook, type GradeResult } from '../../grader/index.js';
import { graderMissing } from './kernel.js';
import { checkAssignment, withSource, writeSubmission } from './fixture.js';

describe('check records, judged outside the kernel', () => {
  it('compares numbers with a relative tolerance, lists, tensors (shape first) and objects', () => {
    expect(compareValues(4, 4.00001, 1e-4)).toBe('');
    expect(compareValues(4, 4.1, 1e-4)).toMatch(/tolerance/);
    expect(compareValues(4, { $num: 'NaN' }, 1e-4)).toBe('not a finite number');
    expect(compareValues([1, 2], [1], 1e-4)).toMatch(/wrong length \(expected 2\)/);
    expect(compareValues({ $tensor: { shape: [2], values: [1, 2] } }, { $tensor: { shape: [1, 2], values: [1, 2] } }, 1e-4)).toMatch(/wrong shape \(expected \[2\]\)/);
    expect(compareValues({ $obj: { a: 1 } }, { $obj: { a: 1, b: 2 } }, 1e-4)).toMatch(/other fields/);
    expect(compareValues('x', 'x', 0)).toBe('');
    expect(compareValues(true, 1, 0)).toBe('differs');
  });

  it('takes tolerance and bounds from the reference; hidden checks fail without values; missing and doubled records fail', () => {
    const ref = [
      { name: 'a', value: 1, o: { tol: 0.5 } },
      { name: 'b', value: 10, o: {}, hidden: true },
      { name: 'c', value: 0.5, o: { atMost: 0.95 } },
      { name: 'd', value: [1], o: { finite: true } },
      { name: 'e', value: 3, o: {} },
    ];
    const got = [
      { name: 'a', value: 1.4, o: { tol: 100 } }, // the student's own tol is ignored: 1.4 is within 0.5 of 1
      { name: 'b', value: 11, o: { tol: 1 } },
      { name: 'c', value: 0.94, o: {} },
      { name: 'd', value: [{ $num: 'NaN' }], o: {} },
      { name: 'e', value: 3 },
      { name: 'e', value: 3 },
    ];
    const v = judgeChecks(ref, got);
    expect(v.map((x) => x.passed)).toEqual([true, false, true, false, false]);
    expect(v[1]!.message).toBe('hidden check #1 failed');
    expect(v[3]!.message).toMatch(/NaN or Infinity/);
    expect(v[4]!.message).toMatch(/reported 2 times/);
    expect(judgeChecks(ref.slice(0, 1), [])[0]!.message).toMatch(/not reached/);
    expect(judgeChecks([{ name: 'v', value: [0, 25], o: {} }], [{ name: 'v', value: [0, 24] }])[0]!.message).toBe("check 'v': your value differs by more than the tolerance (0.0001): expected [0,25]");
  });

  it('the reference run must meet what the instructor states; hidden regions get checkHidden', () => {
    expect(selfCheck([{ name: 'x', value: 4, o: { expected: 5 } }])[0]).toMatch(/check 'x'/);
    expect(selfCheck([{ name: 'x', value: 4, o: { expected: 4 } }, { name: 'y', value: 2, o: { atLeast: 1 } }])).toEqual([]);
    expect(markHiddenChecks("check('a', 1);\n// BEGIN HIDDEN TESTS\ncheck('b', 2);\n// END HIDDEN TESTS\ncheck('c', 3);")).toBe("check('a', 1);\ncheckHidden('b', 2);\ncheck('c', 3);");
  });

  it('feedback text keeps only stubs, error class names, diagnostics of student cells and the supervisor\'s own lines', () => {
    const hidden = "Error: hidden test source: check('double(-3)', double(-3));\n    at eval (__tslab__.js:3:9)";
    expect(safeErrorText(hidden, { studentCell: true })).toBe('Error (its message is not copied into feedback files: run the notebook yourself to see it)');
    expect(safeErrorText('Error: not implemented: double\n    at double', { studentCell: false, stubIds: new Set(['double']) })).toBe('Error: not implemented: double');
    expect(safeErrorText('Error: not implemented: secret_text', { studentCell: false, stubIds: new Set(['double']) })).not.toMatch(/secret_text/);
    expect(safeErrorText("3:1 - Cannot find name 'double'.", { studentCell: false, answerNames: new Set(['double']) })).toMatch(/does not compile against your code \(cannot find 'double'\)/);
    expect(safeErrorText("1:7 - Type 'string' is not assignable to type 'number'.", { studentCell: true })).toBe("1:7 - Type 'string' is not assignable to type 'number'.");
    expect(safeErrorText('cell timed out after 6 s of CPU time and was interrupted\nwhatever the kernel said', { studentCell: true })).toMatch(/^cell timed out after 6 s of CPU time and was interrupted$/m);
  });
});

describe('student cells read for runtime tampering and the library\'s answers (grader/scan.ts)', () => {
  const covers = new Set(['tripletLoss', 'onlineTripletLoss', 'pairwiseSquaredDistances']);
  it('flags assignments to intrinsics, globalThis and __tslab__, and vm / inspector, with the line', () => {
    const src = [
      '(Math as any).abs = () => 0;',
      'Array.prototype.forEach = function () {};',
      "Object.defineProperty(Number, 'isFinite', { value: () => true });",
      "const vm = require('vm');",
      "import * as insp from 'node:inspector';",
      'globalThis.x = 1;',
      '(__tslab__ as any).foo = 1;',
      'JSON["stringify"] = (v: unknown) => "";',
      'const mine = { abs: 1 }; mine.abs = 2; let k = 0; k += 1;',
    ].join('\n');
    const f = scanCell(src, covers).map((x) => `${x.line} ${x.what}`);
    expect(f).toEqual(['1 assigns to Math.abs', '2 assigns to Array.prototype.forEach', '3 Object.defineProperty on Number', "4 loads 'vm'", "5 imports 'node:inspector'", '6 assigns to globalThis.x', '7 assigns to __tslab__.foo', '7 uses __tslab__ (the kernel itself)', '8 assigns to JSON.stringify']);
  });
  it("flags the library's own implementation of an answer, however it is reached", () => {
    const src = ["import { tripletLoss as t, tf } from 'reprlab';", "import * as R from 'reprlab';", 'const x = R.onlineTripletLoss;', "const y = (R as any)['pairwiseSquaredDistances'];", "const { tripletLoss } = require('reprlab');", 'function tripletLoss2(a: number) { return a; }'].join('\n');
    expect(scanCell(src, covers).map((x) => `${x.line} ${x.kind}`)).toEqual(['1 library-answer', '3 library-answer', '4 library-answer', '5 library-answer']);
    expect(scanCell('function tripletLoss(a: number) { return tripletLoss(a); }', covers)).toEqual([]);
  });
});

const missing = graderMissing();

/** Every file under `dir` (recursively) whose name is one of `names`, as text. */
function feedbackTexts(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, f.name);
      if (f.isDirectory()) walk(p);
      else if (/^(result\.json|gradebook\.csv|[^/]+\.json)$/.test(f.name) && !p.includes('.references') && f.name !== 'roster.json') out.push(readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out.join('\n');
}

describe.skipIf(!!missing)(`checks judged outside the kernel${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('honest rows full marks; patched intrinsics, wrapped vm, forged records and leaked tests gain nothing', async () => {
    const root = mkdtempSync(join(tmpdir(), 'reprlab-verdicts-'));
    const src = join(root, 'homework');
    const source = checkAssignment();
    writeNotebook(join(src, 'tiny.ipynb'), source);
    const released = makeStudentVersion(source, 'tiny');
    const subs = join(root, 'submissions');
    const out = join(root, 'grades');
    const answer = (double: string, square = 'function square(x: number): number { return x * x; }') => withSource(withSource(released, 'double', double), 'square', square);
    const good = 'function double(x: number): number { return 2 * x; }';
    const wrong = 'function double(x: number): number { return 4; }'; // right for the visible check only
    writeSubmission(subs, 'ada', 'tiny', source);
    // honest, with a top-level name starting with '__' (tslab could not compile one: lib/notebook/tslab-names.ts)
    writeSubmission(subs, 'bob', 'tiny', answer('const __two = 2;\nfunction double(x: number): number { return __two * x; }'));
    writeSubmission(subs, 'zed', 'tiny', released);
    // patch every intrinsic a comparison in the kernel would use, with a wrong answer
    writeSubmission(subs, 'pat', 'tiny', answer(['(Math as any).abs = () => 0;', '(Array as any).isArray = () => true;', '(Number as any).isFinite = () => true;', '(Array.prototype as any).forEach = function () {};', '(JSON as any).stringify = ((s: any) => (v: unknown) => s(v))(JSON.stringify);', wrong].join('\n'), 'function square(x: number): number { return 9; }'));
    // wrap tslab's vm.runInThisContext: swallow every failure, print the test's end marker, forge records with the
    // nonce it reads from the test's code (visible values known from the release), and keep the test sources
    writeSubmission(subs, 'vmw', 'tiny', answer([
      "const vm = require('vm');",
      'const run0 = vm.runInThisContext;',
      'const stolen: string[] = [];',
      '(globalThis as any).stolen = stolen;',
      'vm.runInThisContext = function (code: string, ...rest: unknown[]) {',
      '  stolen.push(code);',
      "  const nonce = /\\('([0-9a-f]{24})', console\\.log/.exec(code);",
      "  const marker = /__reprlab_cell_done_[0-9a-f]{24}__/.exec(code);",
      "  if (nonce && nonce[1]) console.log('__reprlab_check__' + nonce[1] + ' ' + JSON.stringify({ name: 'double(2)', value: 4, o: {} }));",
      '  try { return run0.call(this, code, ...rest); } catch (e) { if (marker) console.log(marker[0]); return undefined; }',
      '};',
      wrong,
    ].join('\n')));
    // print lines that look like check records of another test (no nonce)
    writeSubmission(subs, 'fgd', 'tiny', answer(`console.log('__reprlab_check__' + '0'.repeat(24) + ' ' + JSON.stringify({ name: 'double(-3)', value: -6 }));\n${good}`));
    // leak the hidden tests: record the code of every request, rethrow it from an extra cell at the end
    const leak = answer(['const vm = require(\'vm\');', 'const run1 = vm.runInThisContext;', 'const seen: string[] = [];', 'vm.runInThisContext = function (code: string, ...rest: unknown[]) { seen.push(code); return run1.call(this, code, ...rest); };', '(globalThis as any).seen = seen;', good].join('\n'));
    leak.cells.push({ cell_type: 'code', source: "throw new Error('LEAK ' + ((globalThis as any).seen as string[]).join('\\n'));", metadata: {}, outputs: [], execution_count: null });
    leak.cells.push({ cell_type: 'code', source: "console.log('LEAK ' + ((globalThis as any).seen as string[]).join('\\n')); throw new TypeError(((globalThis as any).seen as string[]).join(' '));", metadata: {}, outputs: [], execution_count: null });
    writeSubmission(subs, 'lk', 'tiny', leak);
    // a neighbour that starts detached busy loops (no CPU limit per sandbox before): the honest rows beside it keep
    // their marks (one core per sandbox, limits by the sandbox's own CPU time); and 30 MB outputs in a loop, and
    // /dev and /dev/shm filled: the graded notebook stays within the notebook's output budget
    writeSubmission(subs, 'cpu', 'tiny', answer(`import * as cp from 'child_process';\nfor (let i = 0; i < 40; i++) cp.spawn('/bin/sh', ['-c', 'while :; do :; done'], { detached: true, stdio: 'ignore' }).unref();\n${good}`));
    const flood = "import * as tslab from 'tslab';\ntslab.display.html('<b>' + 'x'.repeat(28_000_000) + '</b>');";
    const outNbk = answer([
      "import * as fs from 'fs';",
      'const dev: Record<string, string> = {};',
      "for (const [p, n] of [['/dev/evil', 1], ['/dev/shm/big', 64 << 20]] as const) { try { fs.writeFileSync(p, Buffer.alloc(n)); dev[p] = 'WRITTEN'; } catch (e: any) { dev[p] = e.code; } }",
      "console.log('DEV ' + JSON.stringify(dev));",
      "import * as tslab from 'tslab';",
      "tslab.display.html('<b>' + 'x'.repeat(28_000_000) + '</b>');",
      good,
    ].join('\n'), `${flood}\nfunction square(x: number): number { return x * x; }`);
    outNbk.cells.push({ cell_type: 'code', source: flood, metadata: {}, outputs: [], execution_count: null });
    writeSubmission(subs, 'out', 'tiny', outNbk);

    const lines: string[] = [];
    const batch = await gradeAll({ submissionsDir: subs, sourceDir: src, outDir: out, timeout: 60, cellTimeout: 10, jobs: 2, log: (l) => lines.push(l) });
    const r = (s: string) => batch.results.find((x) => x.student === s) as GradeResult;
    const scores = (s: string) => Object.fromEntries(r(s).cells.filter((g) => g.kind === 'tests').map((g) => [g.gradeId, g.score]));
    const kinds = (s: string) => r(s).flags.map((f) => f.kind);
    const summary = batch.results.map((x) => `${x.student}: ${x.status} ${x.score} [${x.flags.map((f) => f.kind).join(' ')}] ${x.message}`).join('\n');
    console.log(`verdict batch:\n${lines.join('\n')}\n${summary}`);
    expect(existsSync(join(out, '.references', 'tiny.json'))).toBe(true);

    expect(r('ada'), summary).toMatchObject({ status: 'graded', score: 5, tampered: false });
    expect(r('bob'), summary).toMatchObject({ status: 'graded', score: 5, tampered: false, flags: [] });
    expect(r('bob').cells.find((g) => g.gradeId === 'test_double')!.checks).toEqual({ passed: 3, total: 3 });
    expect(r('zed')).toMatchObject({ status: 'graded', score: 0 });
    expect(r('zed').cells.find((g) => g.gradeId === 'test_double')!.message).toMatch(/not implemented: double[\s\S]*0 of 3 checks passed/);
    // patched intrinsics change only the values reported: the wrong answers fail
    expect(scores('pat'), summary).toEqual({ test_double: 0, test_square: 0 });
    // the wrapped vm: forged records and end markers gain nothing beyond what the honest answer earns
    expect(scores('vmw').test_double, summary).toBe(0);
    expect(r('vmw').cells.find((g) => g.gradeId === 'test_double')!.message).toMatch(/cannot find 'double'|hidden check #1 (failed|was not reached)|reported 2 times/) // the hardened kernel refuses 'vm' first;
    // lines imitating records of another test: ignored and flagged
    expect(r('fgd')).toMatchObject({ score: 5, tampered: true });
    expect(kinds('fgd')).toContain('forged-check-record');
    // the hardened kernel refuses 'vm' (grader/harden.ts): the wrapping attacks fail in the student's own cell
    for (const s of ['ada', 'bob', 'pat', 'vmw', 'lk']) expect(r(s).hardened, s).toBe('ok');
    expect(scores('lk')).toEqual({ test_double: 0, test_square: 3 });
    expect(r('lk').cellErrors[0]).toMatchObject({ cell: "'double'" });
    // hidden tests never reach a feedback file
    const feedback = feedbackTexts(out);
    expect(feedback).toContain('"student": "lk"');
    for (const secret of ['double(-3)', 'double at the seed', 'TEST_SEED', '__reprlab_check__', 'LEAK']) expect(feedback.includes(secret), secret).toBe(false);
    // runtime changes are flagged with the cell and the line
    expect(kinds('pat')).toContain('runtime-tampering');
    expect(r('pat').flags.find((f) => f.kind === 'runtime-tampering')!.message).toMatch(/cell 'double' changes the runtime.*line 1: assigns to Math\.abs; line 2: assigns to Array\.isArray/);
    expect(kinds('vmw')).toContain('runtime-tampering');
    // fair CPU: the busy neighbour's honest answers still count where its kernel gets time; bob and ada are intact
    // (asserted above); time limits counted the sandbox's CPU time where the cgroup measures it
    if (r('bob').cgroup) expect(r('bob').timing).toBe('cpu');
    expect(r('bob').regradedAlone).toBeUndefined();
    // output budget, read-only /dev, small /dev/shm
    const outNb = readFileSync(join(out, 'tiny', 'out', 'graded.ipynb'), 'utf8');
    expect(outNb.length).toBeLessThan(70_000_000);
    expect(r('out'), summary).toMatchObject({ status: 'graded', score: 5 }); // the end markers are seen before any cap
    expect(outNb).toMatch(/further output of this notebook cut; over 64000000 characters in all/);
    const dev = JSON.parse(/DEV (\{.*?\})/.exec(outNb.replace(/\\"/g, '"'))![1]!) as Record<string, string>;
    expect(dev['/dev/evil']).toBe('EROFS');
    expect(dev['/dev/shm/big']).toBe('ENOSPC');
    // without the hardening the leak works inside the kernel (the extra cells print and throw every test's code),
    // and still nothing of it reaches the feedback files
    const out2 = join(root, 'grades-unhardened');
    const soft = await gradeAll({ submissionsDir: subs, sourceDir: src, outDir: out2, timeout: 60, cellTimeout: 10, students: ['lk'], harden: false });
    expect(soft.results[0]).toMatchObject({ student: 'lk', score: 5, hardened: 'off' });
    const leaked = JSON.parse(readFileSync(join(out2, 'tiny', 'lk', 'graded.ipynb'), 'utf8')).cells.flatMap((c: { outputs?: Array<{ text?: string | string[] }> }) => c.outputs ?? []).map((o: { text?: string | string[] }) => [o.text ?? ''].flat().join('')).filter((t: string) => t.startsWith('LEAK'));
    expect(leaked.join('\n')).toContain('double(-3)'); // the leak happened in the kernel: the hidden test's code was printed
    const feedback2 = feedbackTexts(out2);
    for (const secret of ['double(-3)', 'double at the seed', 'TEST_SEED', '__reprlab_check__', 'LEAK']) expect(feedback2.includes(secret), secret).toBe(false);
    // the references are computed once and kept: a rerun of the honest row keeps its result
    const again = await gradeAll({ submissionsDir: subs, sourceDir: src, outDir: out, timeout: 60, cellTimeout: 10, students: ['bob'], log: (l) => lines.push(l) });
    expect(again.results[0]).toMatchObject({ student: 'bob', score: 5 });
    expect(lines.at(-1)).toMatch(/unchanged since/);
  }, 600_000);
});
