/**
 * The autograder: `gradeAll({ submissionsDir })` grades `submissions/<student>/<assignment>.ipynb` against the
 * instructor sources, one notebook at a time, and writes (atomically) under `outDir` (default `grades/`):
 *
 *     <assignment>/<student>/submitted.ipynb   exact copy of what was graded (the submission itself is only read)
 *     <assignment>/<student>/graded.ipynb      the executed notebook (instructor tests restored, outputs)
 *     <assignment>/<student>/result.json       per-cell points, status, errors, tampering flags
 *     <assignment>/gradebook.csv               one row per student: points per grade_id, total, status, flags, errors
 *     students/<student>.json                  the student's results over all assignments
 *     gradebook.csv                            one row per student and assignment
 *
 * A crashing, endless or tampered notebook gets a status and a message in its row; the batch always goes on.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { check } from '../../util/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../../util/fs.js';
import { type CellKind } from './cells.js';
import { toCsv } from './csv.js';
import { type ExecuteForGradingOptions, type ExecutionReport, executeForGrading, prepareWorkDir } from './execute.js';
import { type Flag, isTampered, mergeSubmission } from './merge.js';
import { type Notebook, parseNotebook, readNotebook, serializeNotebook, sha256, sourceOf, writeNotebook } from './notebook.js';
import { assignmentName, gradeCells, type GradeCellInfo, listSources, makeGradingVersion, makeStudentVersion } from './release.js';

export type SubmissionStatus = 'graded' | 'timeout' | 'crashed' | 'unreadable' | 'missing' | 'grader-error';
export type CellGradeStatus = 'passed' | 'failed' | 'timeout' | 'not-run' | 'manual' | 'unanswered';

export interface CellGrade {
  gradeId: string;
  kind: CellKind;
  points: number;
  /** Points earned; null while a person has to grade it. */
  score: number | null;
  status: CellGradeStatus;
  message?: string;
  /** Manually graded answers: the student's text, for the person grading it. */
  answer?: string;
}

export interface GradeResult {
  student: string;
  assignment: string;
  status: SubmissionStatus;
  /** Points from autograded cells (+ 0 for manual answers left as released). */
  score: number;
  /** Points of autograded cells. */
  maxAuto: number;
  /** Points waiting for a person (manual answers and tasks). */
  pendingManual: number;
  /** All points of the assignment. */
  maxScore: number;
  tampered: boolean;
  flags: Flag[];
  cells: CellGrade[];
  /** Ungraded cells (answers, the student's extra cells, read-only cells) that failed or timed out. */
  cellErrors: Array<{ cell: string; status: string; error: string }>;
  message: string;
  seconds: number;
  gradedAt: string;
  submission: string;
  submissionSha256: string;
  sourceSha256: string;
  mode: string;
}

export interface Assignment {
  name: string;
  sourcePath: string;
  sourceSha256: string;
  source: Notebook;
  grading: Notebook;
  released: Notebook;
  cells: GradeCellInfo[];
}

/** Load an instructor source and derive the grading and released versions. */
export function loadAssignment(sourcePath: string): Assignment {
  const name = assignmentName(sourcePath);
  const source = readNotebook(sourcePath);
  return {
    name,
    sourcePath,
    sourceSha256: sha256(readFileSync(sourcePath)),
    source,
    grading: makeGradingVersion(source, name),
    released: makeStudentVersion(source, name),
    cells: gradeCells(source),
  };
}

/** Turn an execution report into per-cell grades (nbgrader semantics; see cells.ts). */
export function scoreCells(a: Assignment, merged: ReturnType<typeof mergeSubmission>, run: ExecutionReport | undefined, why = ''): CellGrade[] {
  const indexOf = new Map<string, number>();
  merged.cells.forEach((c, i) => {
    if (c.gradeId && c.origin !== 'student-extra') indexOf.set(c.gradeId, i);
  });
  const out: CellGrade[] = [];
  for (const info of a.cells) {
    if (info.points <= 0 && info.kind !== 'tests') continue;
    const g: CellGrade = { gradeId: info.gradeId, kind: info.kind, points: info.points, score: 0, status: 'not-run' };
    if (info.kind === 'tests') {
      const r = run?.cells.get(indexOf.get(info.gradeId) ?? -1);
      if (!r || r.status === 'not-run') {
        g.status = 'not-run';
        g.message = r?.error || why || 'not run';
      } else if (r.status === 'ok') {
        g.status = 'passed';
        g.score = info.points;
      } else {
        g.status = r.status === 'timeout' ? 'timeout' : 'failed';
        g.message = r.error;
      }
    } else if (info.kind === 'manual-answer') {
      const answer = merged.answers.get(info.gradeId);
      if (!answer || merged.unchangedManualAnswers.has(info.gradeId)) {
        g.status = 'unanswered';
        g.message = answer ? 'left as released' : 'answer cell deleted';
      } else {
        g.status = 'manual';
        g.score = null;
        g.answer = sourceOf(answer).slice(0, 20_000);
      }
    } else if (info.kind === 'manual-task') {
      g.status = 'manual';
      g.score = null;
    } else continue;
    out.push(g);
  }
  return out;
}

export interface GradeOptions extends Omit<ExecuteForGradingOptions, 'cwd' | 'env'> {
  /** Folder of submissions: `<student>/<assignment>.ipynb`. */
  submissionsDir: string;
  /** Instructor sources (default notebooks/homework). */
  sourceDir?: string;
  /** Where results go (default grades). */
  outDir?: string;
  /** REPRLAB_MODE for the graded notebooks (default smoke). */
  mode?: 'smoke' | 'full';
  /** REPRLAB_BACKEND for the graded notebooks (default: the library's choice). */
  backend?: string;
  /** Grade again even if the submission and the source are unchanged since the last result. */
  force?: boolean;
  students?: string[];
  assignments?: string[];
  log?: (line: string) => void;
}

const SAFE = /^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,127}$/;

interface Found {
  student: string;
  assignment: string;
  path: string;
  note?: string;
}

/** Match submissions to assignments: by file name, else by the assignment the release wrote into the metadata. */
export function findSubmissions(submissionsDir: string, assignments: string[]): { found: Found[]; skipped: string[] } {
  check(existsSync(submissionsDir) && statSync(submissionsDir).isDirectory(), 'grade', 'submissionsDir', 'a folder of <student>/<assignment>.ipynb', submissionsDir, 'pass the folder holding one sub-folder per student');
  const found: Found[] = [];
  const skipped: string[] = [];
  for (const student of readdirSync(submissionsDir).sort()) {
    const dir = join(submissionsDir, student);
    if (student.startsWith('.') || !statSync(dir).isDirectory()) continue;
    if (!SAFE.test(student)) {
      skipped.push(`${student}/: student folder names must be letters, digits and _.@+- (rename it)`);
      continue;
    }
    const taken = new Set<string>();
    const files = readdirSync(dir).filter((f) => f.endsWith('.ipynb') && !f.startsWith('.')).sort();
    const byName = files.filter((f) => assignments.includes(f.replace(/\.ipynb$/, '')));
    for (const f of byName) {
      found.push({ student, assignment: f.replace(/\.ipynb$/, ''), path: join(dir, f) });
      taken.add(f.replace(/\.ipynb$/, ''));
    }
    for (const f of files.filter((x) => !byName.includes(x))) {
      let meta: string | undefined;
      try {
        meta = ((JSON.parse(readFileSync(join(dir, f), 'utf8')) as Notebook).metadata?.reprlab as { assignment?: string } | undefined)?.assignment;
      } catch {
        meta = undefined;
      }
      if (meta && assignments.includes(meta) && !taken.has(meta)) {
        found.push({ student, assignment: meta, path: join(dir, f), note: `file '${f}' graded as ${meta} (from its metadata); please name it ${meta}.ipynb` });
        taken.add(meta);
      } else skipped.push(`${student}/${f}: not an assignment (expected one of ${assignments.map((x) => x + '.ipynb').join(', ')})`);
    }
  }
  return { found, skipped };
}

function emptyResult(a: Assignment, student: string, status: SubmissionStatus, message: string, extra: Partial<GradeResult> = {}): GradeResult {
  const maxScore = a.cells.reduce((s, c) => s + c.points, 0);
  return {
    student,
    assignment: a.name,
    status,
    score: 0,
    maxAuto: a.cells.filter((c) => c.kind === 'tests').reduce((s, c) => s + c.points, 0),
    pendingManual: 0,
    maxScore,
    tampered: false,
    flags: [],
    cells: a.cells.filter((c) => c.points > 0).map((c) => ({ gradeId: c.gradeId, kind: c.kind, points: c.points, score: 0, status: 'not-run' as const, message })),
    cellErrors: [],
    message,
    seconds: 0,
    gradedAt: new Date().toISOString(),
    submission: '',
    submissionSha256: '',
    sourceSha256: a.sourceSha256,
    mode: '',
    ...extra,
  };
}

/** Grade one submission file (only read) into `outDir/<assignment>/<student>/`. */
export async function gradeSubmission(a: Assignment, student: string, submissionPath: string, o: Omit<GradeOptions, 'submissionsDir'> & { outDir: string }): Promise<GradeResult> {
  const dir = join(o.outDir, a.name, student);
  const mode = o.mode ?? 'smoke';
  const bytes = readFileSync(submissionPath);
  const submissionSha256 = sha256(bytes);
  writeFileAtomic(join(dir, 'submitted.ipynb'), bytes);
  const base = { submission: resolve(submissionPath), submissionSha256, mode };
  let nb: Notebook;
  try {
    nb = parseNotebook(bytes.toString('utf8'), `${student}/${a.name}.ipynb`);
  } catch (err) {
    return emptyResult(a, student, 'unreadable', `the submission is not a readable notebook: ${(err as Error).message}`, base);
  }
  const merged = mergeSubmission(a.grading, a.released, nb, a.source);
  const work = prepareWorkDir(mkdtempSync(join(tmpdir(), 'reprlab-grade-')));
  let run: ExecutionReport;
  try {
    const input = join(work, `${a.name}.ipynb`);
    writeNotebook(input, merged.notebook);
    const executed = join(work, 'executed.ipynb');
    run = await executeForGrading(input, executed, join(work, 'report.json'), {
      timeout: o.timeout,
      cellTimeout: o.cellTimeout,
      kernel: o.kernel,
      python: o.python,
      cwd: work,
      env: { REPRLAB_MODE: mode, REPRLAB_GRADING: '1', ...(o.backend ? { REPRLAB_BACKEND: o.backend } : {}) },
    });
    const graded = existsSync(executed) ? readFileSync(executed) : Buffer.from(serializeNotebook(merged.notebook));
    writeFileAtomic(join(dir, 'graded.ipynb'), graded);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const status: SubmissionStatus = run.status === 'ok' ? 'graded' : run.status === 'timeout' ? 'timeout' : run.status === 'crashed' ? 'crashed' : 'grader-error';
  // name cells by grade_id (an extra cell by the graded cell before it), not by index
  const labels: string[] = [];
  let previous = 'the start';
  merged.cells.forEach((c) => {
    labels.push(c.origin === 'student-extra' ? `your extra cell after '${previous}'` : `'${c.gradeId}'`);
    if (c.gradeId && c.origin !== 'student-extra') previous = c.gradeId;
  });
  const testsIds = new Set(a.cells.filter((c) => c.kind === 'tests').map((c) => c.gradeId));
  const cellErrors = [...run.cells.entries()]
    .filter(([i, r]) => (r.status === 'error' || r.status === 'timeout') && !testsIds.has(merged.cells[i]?.gradeId ?? ''))
    .map(([i, r]) => ({ cell: labels[i] ?? `cell ${i}`, status: r.status, error: r.error.slice(-2000) }));
  let runMessage = run.message;
  if (run.status === 'crashed') {
    const at = [...run.cells.entries()].find(([, r]) => r.error.startsWith('the kernel died'));
    runMessage = `the kernel died in cell ${at ? labels[at[0]] : '?'} (process.exit, out of memory or a crash); later cells did not run`;
  } else if (run.status === 'timeout') {
    const at = [...run.cells.entries()].find(([, r]) => r.status === 'timeout');
    runMessage = `time limit: ${run.message}` + (at ? ` (cell ${labels[at[0]]} was still running)` : '');
  }
  const cells = scoreCells(a, merged, run, runMessage);
  const score = cells.reduce((s, c) => s + (c.score ?? 0), 0);
  const messages = [
    runMessage,
    ...merged.flags.filter((f) => f.kind !== 'reordered-cells').map((f) => f.message),
    ...cellErrors.filter((e) => run.status !== 'crashed' || !e.error.startsWith('the kernel died')).map((e) => `cell ${e.cell} ${e.status === 'timeout' ? 'timed out' : 'failed'}: ${firstErrorLine(e.error)}`),
  ].filter(Boolean);
  return {
    student,
    assignment: a.name,
    status,
    score,
    maxAuto: cells.filter((c) => c.kind === 'tests').reduce((s, c) => s + c.points, 0),
    pendingManual: cells.filter((c) => c.score === null).reduce((s, c) => s + c.points, 0),
    maxScore: a.cells.reduce((s, c) => s + c.points, 0),
    tampered: isTampered(merged.flags),
    flags: merged.flags,
    cells,
    cellErrors,
    message: messages.join('; '),
    seconds: Math.round(run.seconds * 10) / 10,
    gradedAt: new Date().toISOString(),
    sourceSha256: a.sourceSha256,
    ...base,
  };
}

function readResult(path: string): GradeResult | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as GradeResult;
  } catch {
    return undefined;
  }
}

/** The line of a cell's error output that says what went wrong (tslab prints the source line and a caret first). */
export function firstErrorLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return (
    lines.find((l) => /^(cell timed out|the kernel died)/.test(l)) ??
    lines.find((l) => /^[A-Za-z]*(Error|Exception)\b[^(]*:/.test(l)) ??
    lines.find((l) => /^\d+:\d+ - /.test(l)) ??
    lines[0] ??
    ''
  ).slice(0, 300);
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
    const header = ['student', 'status', 'score', 'max_auto', 'pending_manual', 'max_total', ...graded.map((c) => c.gradeId), 'tampered', 'flags', 'errors'];
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
      ['student', 'assignment', 'status', 'score', 'max_auto', 'pending_manual', 'max_total', 'tampered', 'message'],
      all.sort((x, y) => x.student.localeCompare(y.student) || x.assignment.localeCompare(y.assignment)).map((r) => [r.student, r.assignment, r.status, r.score, r.maxAuto, r.pendingManual, r.maxScore, r.tampered ? 'yes' : 'no', r.message.slice(0, 2000)]),
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

export interface BatchResult {
  results: GradeResult[];
  skipped: string[];
  notes: string[];
  gradebook: string;
}

/** Grade every submission (sequentially); never stops at a bad one. */
export async function gradeAll(o: GradeOptions): Promise<BatchResult> {
  const log = o.log ?? (() => {});
  const outDir = o.outDir ?? 'grades';
  const sources = listSources(o.sourceDir ?? 'notebooks/homework');
  check(sources.length > 0, 'grade', 'sourceDir', 'a folder with instructor notebooks (*.ipynb)', o.sourceDir ?? 'notebooks/homework', 'pass --source <folder>');
  check(o.mode === undefined || o.mode === 'smoke' || o.mode === 'full', 'grade', 'mode', "'smoke' or 'full'", o.mode);
  const all = sources.map(loadAssignment);
  let assignments = all;
  if (o.assignments?.length) {
    for (const n of o.assignments) check(all.some((a) => a.name === n), 'grade', 'assignment', `one of ${all.map((a) => a.name).join(', ')}`, n);
    assignments = all.filter((a) => o.assignments!.includes(a.name));
  }
  const scan = findSubmissions(o.submissionsDir, all.map((a) => a.name));
  const found = scan.found.filter((f) => assignments.some((a) => a.name === f.assignment));
  const skipped = scan.skipped;
  const wanted = found.filter((f) => !o.students?.length || o.students.includes(f.student));
  // every student folder gets a gradebook row ('missing' where an assignment was not handed in)
  const students = readdirSync(o.submissionsDir).filter((d) => !d.startsWith('.') && SAFE.test(d) && statSync(join(o.submissionsDir, d)).isDirectory());
  const results: GradeResult[] = [];
  const notes: string[] = [];
  let k = 0;
  for (const f of wanted) {
    k++;
    const a = assignments.find((x) => x.name === f.assignment)!;
    const resultPath = join(outDir, a.name, f.student, 'result.json');
    const previous = readResult(resultPath);
    const sha = sha256(readFileSync(f.path));
    if (f.note) notes.push(`${f.student}: ${f.note}`);
    if (!o.force && previous && previous.submissionSha256 === sha && previous.sourceSha256 === a.sourceSha256 && previous.mode === (o.mode ?? 'smoke') && previous.status !== 'grader-error') {
      log(`[${k}/${wanted.length}] ${f.student} ${a.name}: unchanged since ${previous.gradedAt}, kept (${previous.score}/${previous.maxAuto}); --force to grade again`);
      results.push(previous);
      continue;
    }
    log(`[${k}/${wanted.length}] ${f.student} ${a.name} ...`);
    let r: GradeResult;
    try {
      r = await gradeSubmission(a, f.student, f.path, { ...o, outDir });
    } catch (err) {
      r = emptyResult(a, f.student, 'grader-error', `the grader failed on this submission: ${(err as Error).message}`, { submission: resolve(f.path), submissionSha256: sha, mode: o.mode ?? 'smoke' });
    }
    writeJsonAtomic(resultPath, r);
    results.push(r);
    const flag = r.tampered ? ' TAMPERED' : '';
    log(`      ${r.status}${flag}: ${r.score}/${r.maxAuto} autograded${r.pendingManual ? ` + ${r.pendingManual} to grade by hand` : ''} (${r.seconds}s)${r.status !== 'graded' || r.tampered ? ` - ${r.message}` : ''}`);
  }
  const { combined } = writeGradebooks(outDir, all, students.sort()); // every assignment: the combined gradebook stays whole
  return { results, skipped, notes, gradebook: combined };
}
