// LMS export: Canvas's gradebook import columns, Gradescope's roster + score columns, the grader's own CSV; manual
// scores included, identities from a roster, missing students and pending manual points named.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyResult, exportGradebooks, parseCsv, parseRoster, recordManualScores } from '../../grader/index.js';
import { writeJsonAtomic } from '../../lib/util/fs.js';
import { fakeGrades } from './fake-grades.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('LMS export', () => {
  it('writes Canvas and Gradescope imports with the documented columns, manual scores applied, identities from the roster', () => {
    const { dir, a } = fakeGrades();
    // cat is enrolled but handed nothing in
    writeJsonAtomic(join(dir, 'tiny', 'cat', 'result.json'), emptyResult(a, 'cat', 'missing', 'no submission'));
    writeJsonAtomic(join(dir, 'roster.json'), { students: ['ada', 'bob', 'cat'], shard: null });
    recordManualScores(dir, [a], [{ student: 'ada', assignment: 'tiny', cell: 'why', points: 1 }]);
    const roster = 'student,first_name,last_name,email,sid,canvas_id,sis_login_id,section\nada,Ada,Lovelace,ada@uni.example,1001,501,alovelace,A\nbob,"=HYPERLINK(""x"")",Babbage,bob@uni.example,1002,502,cbabbage,B\n';
    const out = join(dir, 'export');
    const r = exportGradebooks({ gradesDir: dir, assignments: [a], rosterCsv: roster, outDir: out });
    expect(r.files.map((f) => f.slice(out.length + 1))).toEqual(['canvas.csv', 'gradescope-tiny.csv', 'gradebook.csv']);
    expect(r.notes).toEqual(['cat is not in the roster: exported under the folder name (add a line to the roster)']);
    const canvas = parseCsv(readFileSync(join(out, 'canvas.csv'), 'utf8'));
    expect(canvas[0]).toEqual(['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', 'tiny']);
    expect(canvas[1]).toEqual(['    Points Possible', '', '', '', '', '6']);
    expect(canvas[2]).toEqual(['Lovelace, Ada', '501', '', 'alovelace', 'A', '3']); // 2 autograded + 1 by hand
    expect(canvas[3]).toEqual(['Babbage, =HYPERLINK("x")', '502', '', 'cbabbage', 'B', '2']);
    expect(canvas[4]).toEqual(['cat', '', '', 'cat', '', '']); // missing: empty, Canvas leaves it unchanged
    const gs = parseCsv(readFileSync(join(out, 'gradescope-tiny.csv'), 'utf8'));
    expect(gs[0]).toEqual(['First Name', 'Last Name', 'SID', 'Email', 'Section', 'Total Score', 'Max Points', 'Status']);
    expect(gs[1]).toEqual(['Ada', 'Lovelace', '1001', 'ada@uni.example', 'A', '3', '6', 'Graded']);
    expect(gs[2]).toEqual(["'=HYPERLINK(\"x\")", 'Babbage', '1002', 'bob@uni.example', 'B', '2', '6', 'Graded']); // a formula is defused
    expect(gs[3]).toEqual(['cat', '', 'cat', '', '', '', '6', 'Missing']);
    expect(readFileSync(join(out, 'gradebook.csv'), 'utf8')).toMatch(/\nada,tiny,graded,3,5,0,6,/);
  });

  it('without a roster the folder name is the login id; pending manual points are named; bad formats and rosters are refused', () => {
    const { dir, a } = fakeGrades();
    const out = join(dir, 'x');
    const r = exportGradebooks({ gradesDir: dir, assignments: [a], formats: ['gradescope'], outDir: out });
    expect(r.notes).toEqual([
      'no --roster: each student folder name is used as the SIS Login ID (Canvas) and the SID (Gradescope)',
      'ada tiny: 1 point(s) still to grade by hand (exported without them; npm run grade -- score)',
    ]);
    expect(parseCsv(readFileSync(join(out, 'gradescope-tiny.csv'), 'utf8'))[1]).toEqual(['ada', '', 'ada', '', '', '2', '6', 'Ungraded']);
    expect(existsSync(join(out, 'canvas.csv'))).toBe(false);
    expect(() => exportGradebooks({ gradesDir: dir, assignments: [a], formats: ['moodle'], outDir: out })).toThrow(/argument 'format' must be one of canvas, gradescope, csv \(got "moodle"\)/);
    expect(() => parseRoster('login,email\n')).toThrow(/roster header' must be columns among student, name/);
    expect(() => parseRoster('student,email\nada,a@x\nada,b@x\n')).toThrow(/each student once \(got "ada"\)\. Fix: remove the duplicate line/);
    expect(() => exportGradebooks({ gradesDir: join(dir, 'none'), assignments: [a], outDir: out })).toThrow(/with roster\.json/);
  });

  const built = existsSync(join(ROOT, 'dist-grader', 'grader', 'index.js'));
  it.skipIf(!built)('npm run grade -- export writes the files and prints the notes', () => {
    const { dir, src } = fakeGrades();
    const roster = join(dir, 'roster.csv');
    writeFileSync(roster, 'student,name,sis_login_id\nada,Ada Lovelace,alove\nbob,Bob,bob1\n');
    const r = spawnSync('node', [join(ROOT, 'scripts', 'grade.mjs'), 'export', dir, '--no-build', '--source', src, '--roster', roster, '--format', 'canvas'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/note: ada tiny: 1 point\(s\) still to grade by hand[\s\S]*wrote .*export\/canvas\.csv/);
    expect(readFileSync(join(dir, 'export', 'canvas.csv'), 'utf8')).toMatch(/\n"Lovelace, Ada",,,alove,,2\n/);
  });
});
