// Hostile submissions (issue 13), graded in one batch in sandboxes next to two honest ones: each attack ends graded
// correctly or flagged, the honest rows are exactly what they should be, and nothing outside the sandbox changes.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeAll, makeStudentVersion, readNotebook, sha256, sourceOf, writeNotebook, type GradeResult } from '../../grader/index.js';
import { graderMissing } from './kernel.js';
import { hashTree, helperAssignment, withSource, writeSubmission } from './fixture.js';

const ROOT = resolve(import.meta.dirname, '../..');
const missing = graderMissing();

/** Processes whose command line holds `marker` (a detached process that outlived its sandbox). */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** The text a cell of the executed notebook printed. */
function printed(out: string, student: string, gradeId: string): string {
  const nb = readNotebook(join(out, 'tiny', student, 'graded.ipynb'));
  const cell = nb.cells.find((c) => c.metadata.nbgrader?.grade_id === gradeId)!;
  return (cell.outputs ?? []).map((o) => (Array.isArray(o.text) ? o.text.join('') : (o.text ?? ''))).join('');
}

const J = JSON.stringify;

describe.skipIf(!!missing)(`attacks on the grader${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('contains every attack of issue 13, a fork bomb and a memory hog; honest rows are untouched', async () => {
    const root = mkdtempSync(join(tmpdir(), 'reprlab-attacks-'));
    const src = join(root, 'homework');
    const source = helperAssignment();
    writeNotebook(join(src, 'tiny.ipynb'), source);
    const released = makeStudentVersion(source, 'tiny');
    const subs = join(root, 'submissions');
    const out = join(root, 'grades');
    const canary = join(root, 'canary.txt');
    writeFileSync(canary, 'still here');
    const tag = sha256(root).slice(0, 10);
    const detachedMarker = `reprlab-detached-${tag}`;
    const bombMarker = `reprlab-bomb-${tag}`;
    const forged = join(root, 'forged.txt');
    const answer = (nb: typeof released, double: string, square = 'function square(x: number): number { return x * x; }') => withSource(withSource(nb, 'double', double), 'square', square);
    const goodDouble = 'function double(x: number): number { return 2 * x; }';
    const stubDouble = "function double(x: number): number { throw new Error('not implemented: double'); }";

    writeSubmission(subs, 'ada', 'tiny', source); // the instructor's solution: full marks, flagged as a copy
    writeSubmission(subs, 'bob', 'tiny', answer(released, goodDouble)); // honest, full marks
    // 1. a forged report.json in the kernel's folder, then SIGKILL to the parent
    writeSubmission(subs, 'kim', 'tiny', answer(released, [
      "import * as fs from 'fs';",
      `fs.writeFileSync('report.json', ${J(J({ status: 'ok', message: '', kernel_pid: 1, cells: { 0: { status: 'ok', seconds: 0, error: '' } } }))});`,
      "try { process.kill(process.ppid, 'SIGKILL'); } catch (e) { console.log('kill parent: ' + String(e)); }",
      stubDouble,
    ].join('\n'), "function square(x: number): number { throw new Error('not implemented: square'); }"));
    // 2. through /proc to the grader's folders: forge another row, leave a detached process behind
    writeSubmission(subs, 'pat', 'tiny', answer(released, [
      "import * as fs from 'fs';",
      "import * as cp from 'child_process';",
      "import * as path from 'path';",
      'const found: Record<string, string> = {};',
      `for (const p of ['/proc/' + process.ppid + '/cwd', '/proc/1/cwd', '/proc/1/root']) { try { found[p] = fs.readlinkSync(p); } catch (e: any) { found[p] = e.code; } }`,
      `for (const t of [${J(join(out, 'tiny', 'bob', 'result.json'))}, ${J(join(out, 'gradebook.csv'))}]) { try { fs.mkdirSync(path.dirname(t), { recursive: true }); fs.writeFileSync(t, '{"score": 0}'); found[t] = 'WRITTEN'; } catch (e: any) { found[t] = e.code; } }`,
      `cp.spawn('/bin/sh', ['-c', ${J(`sleep 30; echo forged > ${forged}`)}, ${J(detachedMarker)}], { detached: true, stdio: 'ignore' }).unref();`,
      "console.log('PAT ' + JSON.stringify(found));",
      goodDouble,
    ].join('\n'), "function square(x: number): number { throw new Error('not implemented: square'); }"));
    // 3. delete files outside: another submission, results, the sources, a file of the host
    writeSubmission(subs, 'del', 'tiny', answer(released, [
      "import * as fs from 'fs';",
      'const tried: Record<string, string> = {};',
      `for (const p of [${J(join(subs, 'bob', 'tiny.ipynb'))}, ${J(canary)}, ${J(out)}, ${J(src)}, ${J(join(ROOT, 'package.json'))}, ${J(join(ROOT, 'node_modules', 'tslab'))}, '/usr/bin/node']) { try { fs.rmSync(p, { recursive: true }); tried[p] = 'DELETED'; } catch (e: any) { tried[p] = e.code; } }`,
      "console.log('DEL ' + JSON.stringify(tried));",
      goodDouble,
    ].join('\n')));
    // 4. read the instructor's sources through node_modules' real path, and the environment
    writeSubmission(subs, 'spy', 'tiny', answer(released, [
      "import * as fs from 'fs';",
      "import * as path from 'path';",
      "const nm = fs.realpathSync('node_modules');",
      'const seen: Record<string, string> = {};',
      `for (const p of [path.join(nm, '..'), path.join(nm, '..', 'notebooks', 'homework'), path.join(nm, '..', 'grader'), path.join(nm, '..', 'test'), ${J(src)}, ${J(subs)}, ${J(out)}, '/root', '/work', '/home']) { try { seen[p] = 'LISTED ' + fs.readdirSync(p).join(','); } catch (e: any) { seen[p] = e.code; } }`,
      "console.log('SPY ' + JSON.stringify({ seen, env: Object.keys(process.env).sort() }));",
      stubDouble,
    ].join('\n'), "function square(x: number): number { throw new Error('not implemented: square'); }"));
    // 5. redefine the test helper, with wrong answers
    writeSubmission(subs, 'red', 'tiny', answer(released, 'function assertEq(actual: number, expected: number, what: string): void {}\nfunction double(x: number): number { return 0; }', 'function square(x: number): number { return 0; }'));
    // 5b. silence the output channel the end markers travel on: tests cannot count, and the row says so
    writeSubmission(subs, 'mut', 'tiny', answer(released, `console.log = () => {};\n${goodDouble}`));
    // 6. a symbolic link to the instructor's source
    mkdirSync(join(subs, 'sym'), { recursive: true });
    symlinkSync(join(src, 'tiny.ipynb'), join(subs, 'sym', 'tiny.ipynb'));
    // 7. a busy loop inside setTimeout (after its cell returned)
    writeSubmission(subs, 'tmr', 'tiny', answer(released, goodDouble, 'function square(x: number): number { return x * x; }\nsetTimeout(() => { for (;;) {} }, 0);'));
    // 8. a fork bomb (detached, so the cell returns) and 9. a memory hog
    writeSubmission(subs, 'bmb', 'tiny', answer(released, `import * as cp from 'child_process';\ncp.spawn('/bin/sh', ['-c', 'b() { b | b & }; b', ${J(bombMarker)}], { detached: true, stdio: 'ignore' }).unref();\n${goodDouble}`));
    writeSubmission(subs, 'hog', 'tiny', answer(released, goodDouble, 'function square(x: number): number { return x * x; }\nconst keep: Uint8Array[] = [];\nfor (let i = 0; i < 10000; i++) keep.push(new Uint8Array(64 << 20).fill(1));'));

    const before = { subs: hashTree(subs), src: hashTree(src) };
    const t0 = Date.now();
    const lines: string[] = [];
    const batch = await gradeAll({ submissionsDir: subs, sourceDir: src, outDir: out, timeout: 60, cellTimeout: 8, jobs: 2, limits: { memoryMb: 2048, processes: 128 }, log: (l) => lines.push(l) });
    const seconds = (Date.now() - t0) / 1000;
    const r = (s: string) => batch.results.find((x) => x.student === s) as GradeResult;
    const scores = (s: string) => Object.fromEntries(r(s).cells.filter((g) => g.kind === 'tests').map((g) => [g.gradeId, g.score]));
    const kinds = (s: string) => r(s).flags.map((f) => f.kind);
    console.log(`attack batch: ${batch.results.length} submissions in ${seconds.toFixed(0)} s (2 jobs)\n${lines.join('\n')}`);

    // nothing outside the sandboxes changed; no process outlived its sandbox
    expect(hashTree(subs)).toEqual(before.subs);
    expect(hashTree(src)).toEqual(before.src);
    expect(readFileSync(canary, 'utf8')).toBe('still here');
    expect(existsSync(forged)).toBe(false);
    expect(processesWith(detachedMarker)).toEqual([]);
    expect(processesWith(bombMarker)).toEqual([]);

    // the honest rows
    expect(r('ada')).toMatchObject({ status: 'graded', score: 5, tampered: false, sandbox: 'bwrap' });
    expect(kinds('ada')).toEqual(['identical-to-solution']);
    expect(r('bob')).toMatchObject({ status: 'graded', score: 5, tampered: false, flags: [] });
    const bobFile = JSON.parse(readFileSync(join(out, 'tiny', 'bob', 'result.json'), 'utf8')) as GradeResult;
    expect(bobFile).toMatchObject({ score: 5, status: 'graded' });

    // 1. the forged report and the kill change nothing: stubs score 0
    expect(r('kim').score).toBe(0);
    expect(['graded', 'crashed']).toContain(r('kim').status);
    // 2. /proc leads nowhere, the forgeries did not land, the detached process died with the sandbox
    expect(r('pat')).toMatchObject({ status: 'graded', score: 2 });
    const pat = JSON.parse(printed(out, 'pat', 'double').match(/PAT (.*)/)![1]!) as Record<string, string>;
    // (a write may "succeed" into the sandbox's own /tmp, which shadows the host path; the host files are the grader's)
    expect(readFileSync(join(out, 'gradebook.csv'), 'utf8')).toMatch(/^student,assignment,status/);
    for (const [p, v] of Object.entries(pat)) if (p.startsWith('/proc')) expect(v).not.toMatch(/grades|reprlab-grade-|reprlab-attacks-/);
    // 3. nothing outside could be deleted
    expect(r('del')).toMatchObject({ status: 'graded', score: 5 });
    const del = JSON.parse(printed(out, 'del', 'double').match(/DEL (.*)/)![1]!) as Record<string, string>;
    expect(Object.values(del)).not.toContain('DELETED');
    // 4. no instructor file, submission or result is visible; the environment is the allow-list
    const spy = JSON.parse(printed(out, 'spy', 'double').match(/SPY (.*)/)![1]!) as { seen: Record<string, string>; env: string[] };
    for (const [p, v] of Object.entries(spy.seen)) {
      if (p === '/home') expect(v).toBe('LISTED student');
      else if (p === ROOT) expect(v).toBe('LISTED data,dist,node_modules,package.json'); // the project: only what notebooks import
      else if (ROOT.startsWith(p + '/')) expect(v, p).toBe(`LISTED ${ROOT.slice(p.length + 1).split('/')[0]}`); // the folders leading to it
      else expect(v, p).toMatch(/^(ENOENT|EACCES)$/);
    }
    expect(spy.env).toEqual(['HOME', 'LANG', 'PATH', 'PWD', 'REPRLAB_MODE', 'TMPDIR']); // PWD: bwrap's --chdir; nothing says 'graded' (issue #28)
    expect(r('spy').score).toBe(0);
    // 5. the tests ran the instructor's helper; the redefinition is flagged
    expect(r('red')).toMatchObject({ score: 0, tampered: true });
    expect(kinds('red')).toContain('shadowed-helper');
    expect(r('red').message).toMatch(/redeclares 'assertEq'/);
    expect(r('mut')).toMatchObject({ status: 'crashed', score: 0 });
    expect(r('mut').cells.find((g) => g.gradeId === 'test_double')!.message).toMatch(/ended without the grader's end marker/);
    expect(r('mut').message).toMatch(/end marker/);
    // 6. the symbolic link is refused with a clear row
    expect(r('sym')).toMatchObject({ status: 'refused', score: 0 });
    expect(r('sym').message).toMatch(/symbolic link.*hand in the \.ipynb file itself/);
    // 7. the timer's busy loop is caught by the cell limit; earlier tests count
    expect(['timeout', 'crashed']).toContain(r('tmr').status);
    expect(scores('tmr').test_double).toBe(2);
    // limits count the sandbox's CPU time (a wall-clock cap of 3 x the limit); it timed out beside another sandbox,
    // so it was graded again alone before the timeout was recorded
    expect(r('tmr').seconds).toBeLessThan(3 * 60 + 30);
    expect(r('tmr').regradedAlone).toBe(true);
    // 8. the fork bomb and 9. the memory hog end graded or flagged, within the limits
    const bmb = r('bmb');
    expect(bmb.status === 'graded' ? bmb.score : bmb.message).toEqual(bmb.status === 'graded' ? 5 : expect.stringMatching(/kernel|limit/));
    expect(scores('hog').test_double).toBe(2);
    expect(['graded', 'crashed']).toContain(r('hog').status);
    const csv = readFileSync(join(out, 'tiny', 'gradebook.csv'), 'utf8');
    expect(csv).toMatch(/^sym,refused,0,/m);
    expect(csv).toMatch(/^red,graded,0,5,0,6,0,0,0,yes,bwrap,.*shadowed-helper/m);

    // a rerun keeps the results: the cache key is the grader's own, not a file the student could write
    const again = await gradeAll({ submissionsDir: subs, sourceDir: src, outDir: out, timeout: 60, cellTimeout: 8, jobs: 2, limits: { memoryMb: 2048, processes: 128 }, students: ['bob', 'ada'], log: (l) => lines.push(l) });
    expect(again.results.map((x) => [x.student, x.score])).toEqual([['ada', 5], ['bob', 5]]);
    expect(lines.slice(-2).every((l) => /unchanged since/.test(l))).toBe(true);
    expect(sourceOf(readNotebook(join(out, 'tiny', 'ada', 'graded.ipynb')).cells[3]!)).toContain('hidden: double(-3)');

    // --unsafe-no-sandbox: same grades, every row marked
    const unsafeOut = join(root, 'grades-unsafe');
    const unsafe = await gradeAll({ submissionsDir: subs, sourceDir: src, outDir: unsafeOut, timeout: 60, cellTimeout: 8, students: ['bob'], unsafeNoSandbox: true });
    expect(unsafe.sandbox).toBe('none');
    expect(unsafe.results[0]).toMatchObject({ student: 'bob', status: 'graded', score: 5, sandbox: 'none', tampered: false });
    expect(unsafe.results[0]!.flags.map((f) => f.kind)).toEqual(['unsandboxed']);
    expect(readFileSync(join(unsafeOut, 'tiny', 'gradebook.csv'), 'utf8')).toMatch(/^bob,graded,5,5,0,6,2,3,0,no,none \(unsafe\),unsandboxed,/m);
  }, 600_000);
});
