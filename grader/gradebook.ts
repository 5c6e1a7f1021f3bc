/**
 * Gradebooks, rewritten from every result.json under the output folder (atomically):
 *
 *     <assignment>/gradebook.csv   one row per student: points per grade_id, total, status, sandbox, flags, errors
 *     gradebook.csv                one row per student and assignment
 *     students/<student>.json      the student's results over all assignments
 *
 * The `sandbox` column says how the row's code ran: `bwrap`, or `none (unsafe)` for --unsafe-no-sandbox.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../lib/util/fs.js';
import { toCsv } from './csv.js';
import { type Assignment, emptyResult, firstErrorLine, type GradeResult } from './grade.js';

const sandboxOf = (r: GradeResult) => (r.sandbox === 'none' ? 'none (unsafe)' : r.sandbox || '');

export function readResult(path: string): GradeResult | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as GradeResult;
  } catch {
    return undefined;
  }
}

const errorsOf = (r: GradeResult) =>
  r.cells
    .filter((c) => c.status === 'failed' || c.status === 'timeout')
    .map((c) => `${c.gradeId}: ${firstErrorLine(c.message ?? '')}`)
    .join(' | ');

/** Rewrite the gradebooks from every result.json under `outDir` (students without a submission: 'missing'). */
export function writeGradebooks(outDir: string, assignments: Assignment[], students: string[]): { combined: string; perAssignment: string[] } {
  const all: GradeResult[] = [];
  const perAssignment: string[] = [];
  for (const a of assignments) {
    const adir = join(outDir, a.name);
    const results = new Map<string, GradeResult>();
    if (existsSync(adir)) {
      for (const s of readdirSync(adir)) {
        const r = readResult(join(adir, s, 'result.json'));
        if (r) results.set(s, r);
      }
    }
    if (results.size === 0) continue; // not graded yet
    for (const s of students) if (!results.has(s)) results.set(s, emptyResult(a, s, 'missing', 'no submission'));
    const graded = a.cells.filter((c) => c.points > 0);
    const header = ['student', 'status', 'score', 'max_auto', 'pending_manual', 'max_total', ...graded.map((c) => c.gradeId), 'tampered', 'sandbox', 'flags', 'errors'];
    const rows = [...results.keys()].sort().map((s) => {
      const r = results.get(s)!;
      all.push(r);
      const byId = new Map(r.cells.map((c) => [c.gradeId, c]));
      return [
        s,
        r.status,
        r.score,
        r.maxAuto,
        r.pendingManual,
        r.maxScore,
        ...graded.map((c) => {
          const g = byId.get(c.gradeId);
          return g ? (g.score === null ? 'manual' : g.score) : '';
        }),
        r.tampered ? 'yes' : 'no',
        sandboxOf(r),
        r.flags.map((f) => `${f.kind}${f.gradeId ? ':' + f.gradeId : ''}`).join(' '),
        [r.message, errorsOf(r)].filter(Boolean).join(' | ').slice(0, 2000),
      ];
    });
    const path = join(adir, 'gradebook.csv');
    writeFileAtomic(path, toCsv(header, rows));
    perAssignment.push(path);
  }
  const combined = join(outDir, 'gradebook.csv');
  writeFileAtomic(
    combined,
    toCsv(
      ['student', 'assignment', 'status', 'score', 'max_auto', 'pending_manual', 'max_total', 'tampered', 'sandbox', 'message'],
      all.sort((x, y) => x.student.localeCompare(y.student) || x.assignment.localeCompare(y.assignment)).map((r) => [r.student, r.assignment, r.status, r.score, r.maxAuto, r.pendingManual, r.maxScore, r.tampered ? 'yes' : 'no', sandboxOf(r), r.message.slice(0, 2000)]),
    ),
  );
  const byStudent = new Map<string, GradeResult[]>();
  for (const r of all) byStudent.set(r.student, [...(byStudent.get(r.student) ?? []), r]);
  for (const [s, rs] of byStudent) {
    writeJsonAtomic(join(outDir, 'students', `${s}.json`), {
      student: s,
      total: rs.reduce((t, r) => t + r.score, 0),
      max: rs.reduce((t, r) => t + r.maxScore, 0),
      assignments: rs.map((r) => ({ assignment: r.assignment, status: r.status, score: r.score, maxScore: r.maxScore, pendingManual: r.pendingManual, tampered: r.tampered, message: r.message })),
    });
  }
  return { combined, perAssignment };
}

