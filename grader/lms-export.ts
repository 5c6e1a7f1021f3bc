/**
 * Gradebooks a learning-management system imports (`npm run grade -- export <grades>`), from the results and the
 * manual scores (the same numbers as the grader's own gradebook.csv):
 *
 *     canvas.csv                   Canvas gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, then one
 *                                  column per assignment; the second row is "Points Possible" (as Canvas exports it)
 *     gradescope-<assignment>.csv  Gradescope's roster columns (First Name, Last Name, SID, Email, Section) and its
 *                                  grade columns (Total Score, Max Points, Status), one per assignment
 *     gradebook.csv                the grader's own (one row per student and assignment)
 *
 * Our students are folder names; a roster CSV (`student,name,first_name,last_name,email,sid,canvas_id,sis_user_id,
 * sis_login_id,section`, any subset after `student`) maps them to the LMS's identities. Without one, the folder name
 * is the SIS Login ID (Canvas) and the SID (Gradescope). A submission that is missing leaves its cell empty (Canvas
 * leaves an empty cell unchanged); points still waiting for a person are named in the notes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../lib/util/errors.js';
import { writeFileAtomic } from '../lib/util/fs.js';
import { parseCsv, toCsv } from './csv.js';
import type { Assignment, GradeResult } from './grade.js';
import { readResult, writeGradebooks } from './gradebook.js';
import { applyManualScores, readManualStore } from './manual-scores.js';

export type LmsFormat = 'canvas' | 'gradescope' | 'csv';
export const LMS_FORMATS: LmsFormat[] = ['canvas', 'gradescope', 'csv'];

export interface RosterEntry {
  student: string;
  name?: string;
  first_name?: string;
  last_name?: string;
  email?: string;
  sid?: string;
  canvas_id?: string;
  sis_user_id?: string;
  sis_login_id?: string;
  section?: string;
}

const ROSTER_COLUMNS = ['student', 'name', 'first_name', 'last_name', 'email', 'sid', 'canvas_id', 'sis_user_id', 'sis_login_id', 'section'];

/** Parse the roster CSV (header names as above, case and spaces ignored). */
export function parseRoster(text: string): Map<string, RosterEntry> {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  check(rows.length > 0, 'grade export', 'roster', `a CSV with the header ${ROSTER_COLUMNS.join(',')} (student first; the others as you have them)`, 'an empty file');
  const header = rows[0]!.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  for (const h of header) check(ROSTER_COLUMNS.includes(h), 'grade export', 'roster header', `columns among ${ROSTER_COLUMNS.join(', ')}`, h, 'rename or remove that column');
  check(header.includes('student'), 'grade export', 'roster header', "a 'student' column (the student's folder name in the submissions)", rows[0]!.join(','));
  const out = new Map<string, RosterEntry>();
  for (const r of rows.slice(1)) {
    if (!r.some((x) => x.trim())) continue;
    const e: Record<string, string> = {};
    header.forEach((h, i) => {
      const v = (r[i] ?? '').trim();
      if (v) e[h] = v;
    });
    check(!!e.student, 'grade export', 'roster', "a 'student' on every line", r.join(','));
    check(!out.has(e.student), 'grade export', 'roster', 'each student once', e.student, 'remove the duplicate line');
    out.set(e.student, e as unknown as RosterEntry);
  }
  return out;
}

function splitName(e: RosterEntry): { first: string; last: string; full: string } {
  if (e.first_name || e.last_name) return { first: e.first_name ?? '', last: e.last_name ?? '', full: [e.first_name, e.last_name].filter(Boolean).join(' ') };
  const full = e.name ?? e.student;
  const parts = full.split(/\s+/);
  return { first: parts.length > 1 ? parts.slice(0, -1).join(' ') : full, last: parts.length > 1 ? parts.at(-1)! : '', full };
}

export interface ExportOptions {
  gradesDir: string;
  assignments: Assignment[];
  formats?: string[];
  rosterCsv?: string;
  outDir: string;
}

/** Write the LMS gradebooks; returns the files written and notes (unmatched students, pending manual points). */
export function exportGradebooks(o: ExportOptions): { files: string[]; notes: string[] } {
  const formats = (o.formats?.length ? o.formats : LMS_FORMATS) as LmsFormat[];
  for (const f of formats) check(LMS_FORMATS.includes(f), 'grade export', 'format', `one of ${LMS_FORMATS.join(', ')}`, f);
  const rosterPath = join(o.gradesDir, 'roster.json');
  check(existsSync(rosterPath), 'grade export', 'grades folder', 'an output folder of npm run grade (with roster.json)', o.gradesDir, 'pass the --out folder of a grading run (merged, for sharded runs)');
  const students = (JSON.parse(readFileSync(rosterPath, 'utf8')) as { students: string[] }).students;
  const roster = o.rosterCsv !== undefined ? parseRoster(o.rosterCsv) : undefined;
  const notes: string[] = [];
  if (!roster) notes.push('no --roster: each student folder name is used as the SIS Login ID (Canvas) and the SID (Gradescope)');
  const id = (s: string): RosterEntry => {
    const e = roster?.get(s);
    if (roster && !e) notes.push(`${s} is not in the roster: exported under the folder name (add a line to the roster)`);
    return e ?? { student: s, sis_login_id: s, sid: s };
  };
  const ids = new Map(students.map((s) => [s, id(s)]));
  if (roster) for (const s of roster.keys()) if (!ids.has(s)) notes.push(`${s} is in the roster but has no results in ${o.gradesDir}: left out`);
  // results with manual scores applied; graded assignments only
  const graded = o.assignments.filter((a) => existsSync(join(o.gradesDir, a.name)));
  const results = new Map<string, GradeResult>();
  for (const a of graded)
    for (const s of students) {
      const r = readResult(join(o.gradesDir, a.name, s, 'result.json'));
      if (!r) continue;
      const applied = applyManualScores(r, readManualStore(o.gradesDir, a.name, s));
      results.set(`${a.name}/${s}`, applied);
      if (applied.pendingManual > 0) notes.push(`${s} ${a.name}: ${applied.pendingManual} point(s) still to grade by hand (exported without them; npm run grade -- score)`);
    }
  const scoreOf = (a: Assignment, s: string) => {
    const r = results.get(`${a.name}/${s}`);
    return !r || r.status === 'missing' ? '' : r.score;
  };
  const maxOf = (a: Assignment) => a.cells.reduce((t, c) => t + c.points, 0);
  const files: string[] = [];
  if (formats.includes('canvas')) {
    const header = ['Student', 'ID', 'SIS User ID', 'SIS Login ID', 'Section', ...graded.map((a) => a.name)];
    const rows: unknown[][] = [['    Points Possible', '', '', '', '', ...graded.map(maxOf)]];
    for (const s of students) {
      const e = ids.get(s)!;
      const n = splitName(e);
      rows.push([n.last ? `${n.last}, ${n.first}` : n.full, e.canvas_id ?? '', e.sis_user_id ?? '', e.sis_login_id ?? '', e.section ?? '', ...graded.map((a) => scoreOf(a, s))]);
    }
    const path = join(o.outDir, 'canvas.csv');
    writeFileAtomic(path, toCsv(header, rows));
    files.push(path);
  }
  if (formats.includes('gradescope')) {
    for (const a of graded) {
      const rows = students.map((s) => {
        const e = ids.get(s)!;
        const n = splitName(e);
        const r = results.get(`${a.name}/${s}`);
        const status = !r || r.status === 'missing' ? 'Missing' : r.pendingManual > 0 ? 'Ungraded' : 'Graded';
        return [n.first, n.last, e.sid ?? '', e.email ?? '', e.section ?? '', scoreOf(a, s), maxOf(a), status];
      });
      const path = join(o.outDir, `gradescope-${a.name}.csv`);
      writeFileAtomic(path, toCsv(['First Name', 'Last Name', 'SID', 'Email', 'Section', 'Total Score', 'Max Points', 'Status'], rows));
      files.push(path);
    }
  }
  if (formats.includes('csv')) {
    const { combined } = writeGradebooks(o.gradesDir, o.assignments, students); // current, with manual scores
    const path = join(o.outDir, 'gradebook.csv');
    writeFileAtomic(path, readFileSync(combined));
    files.push(path);
  }
  return { files, notes: [...new Set(notes)] };
}
