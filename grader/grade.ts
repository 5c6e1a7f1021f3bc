/**
 * Grading one submission: rebuild the notebook from the instructor source (grader/merge.ts), plan what the
 * supervisor sends for each code cell (hidden tests revealed only in what is sent, helpers frozen into each test),
 * run it in the sandbox (grader/execute.ts) and score the supervisor's report (nbgrader semantics). The batch
 * around it (staging, cache, parallel jobs, shards) is grader/batch.ts; the gradebooks grader/gradebook.ts.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CellKind, isLocked, nbgraderOf } from './cells.js';
import { checkPrelude, GRADER_NAMES, judgeChecks, markHiddenChecks, parseRecords, safeErrorText, usesChecks, type CheckRecord } from './checks.js';
import { type ExecuteForGradingOptions, type ExecutionReport, executeForGrading, type PlannedCell, supervisorScript } from './execute.js';
import { helpersFor, identifiersIn, topLevelDeclarations, withFrozenHelpers } from './helpers.js';
import { type Flag, isTampered, mergeSubmission, type MergeResult } from './merge.js';
import { type Notebook, parseNotebook, readNotebook, serializeNotebook, sha256, sourceOf } from './notebook.js';
import { assignmentName, gradeCells, type GradeCellInfo, makeGradingVersion, makeStudentVersion } from './release.js';
import { stripSolutionDelimiters } from './regions.js';
import { coversOf, scanCell } from './scan.js';

export type SubmissionStatus = 'graded' | 'timeout' | 'crashed' | 'unreadable' | 'refused' | 'missing' | 'grader-error';
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
  /** Test cells judged by checks: how many of the reference's checks the student's values met. */
  checks?: { passed: number; total: number };
}

/** Top-level names the assignment's answer cells declare (the names a test cell may fail to find). */
export function answerDeclarations(a: Assignment): Set<string> {
  const out = new Set<string>();
  for (const c of a.cells) if (c.kind === 'autograded-answer' && c.cellType === 'code') for (const n of topLevelDeclarations(sourceOf(a.source.cells[c.index]!)).names) out.add(n);
  return out;
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
  /** How the code ran: 'bwrap' (sandboxed) or 'none' (--unsafe-no-sandbox); '' when nothing ran. */
  sandbox: string;
  /** The sandbox's own cgroup ('v1', 'v2') or '' (rlimits only). */
  cgroup?: string;
  /** What the cache compares: hash of submission, instructor source, grader version, grading settings and references. */
  cacheKey: string;
  /** CPU seconds the sandbox used (where the cgroup measures them); what the time limits counted ('cpu' or 'wall'). */
  cpuSeconds?: number;
  timing?: string;
  /** Set when a timed-out row was graded again alone (no other sandbox running), as the batch does before it records a timeout. */
  regradedAlone?: boolean;
  /** The kernel hardening before the first student cell (grader/harden.ts): 'ok', 'off', or 'failed: <why>'. */
  hardened?: string;
}

/** The reference values of an assignment's checks (grader/references.ts): the instructor's kernel, never a student's. */
export interface References {
  /** The seed every test block gets as TEST_SEED (the same in the reference kernel and in every student kernel). */
  seed: number;
  /** grade_id of a test cell → the check records the instructor's solution produced in it. */
  cells: Record<string, CheckRecord[]>;
  /** sha256 of seed and records: part of every result's cache key. */
  digest: string;
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
export function scoreCells(a: Assignment, merged: ReturnType<typeof mergeSubmission>, run: ExecutionReport | undefined, why = '', refs?: References): CellGrade[] {
  const stubIds = new Set(a.cells.filter((c) => c.kind === 'autograded-answer' || c.kind === 'manual-answer').map((c) => c.gradeId));
  const answerNames = answerDeclarations(a);
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
      const reference = refs?.cells[info.gradeId];
      if (!r || r.status === 'not-run') {
        g.status = 'not-run';
        g.message = (r?.error ? safeErrorText(r.error, { studentCell: false, stubIds, answerNames }) : '') || why || 'not run';
      } else if (reference && reference.length > 0) {
        // the verdict: the records the student's kernel reported, compared here with the instructor kernel's
        const verdicts = judgeChecks(reference, parseRecords(r.checks));
        const failed = verdicts.filter((v) => !v.passed);
        const err = r.status === 'ok' ? '' : safeErrorText(r.error, { studentCell: false, stubIds, answerNames });
        const forged = r.forgedChecks ? `${r.forgedChecks} line(s) in the output imitated check records of another test: ignored` : '';
        if (r.status === 'ok' && failed.length === 0) {
          g.status = 'passed';
          g.score = info.points;
        } else {
          g.status = r.status === 'timeout' ? 'timeout' : 'failed';
          const checksLine = `${verdicts.length - failed.length} of ${verdicts.length} checks passed` + (failed.length ? `; ${failed.slice(0, 3).map((v) => v.message).join('; ')}` : '');
          g.message = [err, checksLine].filter(Boolean).join('\n');
        }
        if (forged) g.message = [g.message, forged].filter(Boolean).join('\n');
        g.checks = { passed: verdicts.length - failed.length, total: verdicts.length };
      } else if (r.status === 'ok') {
        g.status = 'passed';
        g.score = info.points;
      } else {
        g.status = r.status === 'timeout' ? 'timeout' : 'failed';
        g.message = safeErrorText(r.error, { studentCell: false, stubIds, answerNames });
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

export interface GradeSettings extends ExecuteForGradingOptions {
  /** REPRLAB_MODE for the graded notebooks (default smoke). */
  mode?: 'smoke' | 'full';
}

export function emptyResult(a: Assignment, student: string, status: SubmissionStatus, message: string, extra: Partial<GradeResult> = {}): GradeResult {
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
    sandbox: '',
    cacheKey: '',
    ...extra,
  };
}

/** The grader's own version: a hash of its code (this folder, the supervisor and its atomic_io.py), so a new grader regrades. */
export function graderVersion(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const h = createHash('sha256');
  for (const f of readdirSync(here).filter((x) => /\.(js|ts)$/.test(x) && !x.endsWith('.d.ts')).sort()) h.update(f).update(readFileSync(join(here, f)));
  h.update(readFileSync(supervisorScript()));
  h.update(readFileSync(join(dirname(supervisorScript()), 'atomic_io.py')));
  return h.digest('hex').slice(0, 16);
}

/** The cache key of one submission: what the grader itself computed, never anything read from a result. */
export function cacheKeyOf(submissionSha256: string, a: Assignment, s: GradeSettings, version = graderVersion(), refsDigest = ''): string {
  const settings = { mode: s.mode ?? 'smoke', backend: s.backend ?? '', sandbox: s.sandbox ?? true, timeout: s.timeout ?? 600, cellTimeout: s.cellTimeout ?? null, limits: s.limits ?? null, ...(s.harden === false ? { harden: false } : {}) };
  return sha256(JSON.stringify([version, submissionSha256, a.sourceSha256, settings, ...(refsDigest ? [refsDigest] : [])]));
}

const normalise = (src: string) =>
  src
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join('\n');

/**
 * What the supervisor sends for each code cell of the merged notebook; and the flags for student cells that
 * redeclare a name the instructor's locked cells declare and the tests use (`shadowed-helper`).
 */
export function planCells(a: Assignment, merged: MergeResult, seed = 0): { cells: PlannedCell[]; flags: Flag[] } {
  const kindOf = new Map(a.cells.map((c) => [c.gradeId, c.kind]));
  const helpers = new Map<string, string>();
  const declared = new Set<string>();
  const testIds = new Set<string>();
  merged.notebook.cells.forEach((cell, i) => {
    const m = merged.cells[i]!;
    if (cell.cell_type !== 'code' || m.origin !== 'instructor') return;
    if (kindOf.get(m.gradeId ?? '') === 'tests') {
      for (const id of identifiersIn(sourceOf(cell))) testIds.add(id);
      return;
    }
    if (!isLocked(cell)) return;
    const d = topLevelDeclarations(sourceOf(cell));
    for (const n of d.names) declared.add(n);
    for (const [n, text] of d.functions) if (!GRADER_NAMES.has(n)) helpers.set(n, text);
  });
  const sourceById = new Map<string, string>();
  for (const c of a.source.cells) {
    const m = nbgraderOf(c);
    if (m) sourceById.set(m.grade_id, sourceOf(c));
  }
  /** A test cell as sent: with checks, in a block that declares the instructor's helpers and the grader's check. */
  const testSend = (gradeId: string, merged: string): string => {
    const original = sourceById.get(gradeId);
    const text = original !== undefined ? markHiddenChecks(original) : merged;
    if (!usesChecks(text)) return withFrozenHelpers(merged, helpers);
    const names = helpersFor(text, helpers);
    return `{\n${names.map((n) => helpers.get(n)!).join('\n')}\n${checkPrelude(seed)}\n${text}\n}`;
  };
  const protectedNames = new Set([...declared].filter((n) => testIds.has(n)));
  const covers = coversOf(a.source.metadata);
  const flags: Flag[] = [];
  const cells: PlannedCell[] = [];
  let previous = 'the start';
  merged.notebook.cells.forEach((cell, i) => {
    const m = merged.cells[i]!;
    if (cell.cell_type === 'code') {
      const source = sourceOf(cell);
      const isTest = m.origin === 'instructor' && kindOf.get(m.gradeId ?? '') === 'tests';
      if (m.origin === 'student' || m.origin === 'student-extra' || m.origin === 'stub') {
        const shadowed = [...topLevelDeclarations(source).names].filter((n) => protectedNames.has(n));
        const where = m.origin === 'student-extra' ? `your extra cell after '${previous}'` : `cell '${m.gradeId}'`;
        if (shadowed.length) {
          flags.push({ kind: 'shadowed-helper', gradeId: m.gradeId ?? '', message: `${where} redeclares ${shadowed.map((n) => `'${n}'`).join(', ')}, which the tests use; the tests ran the instructor's helpers` });
        }
        if (m.origin !== 'stub') {
          const findings = scanCell(source, covers);
          for (const kind of ['runtime-tampering', 'library-answer'] as const) {
            const f = findings.filter((x) => x.kind === kind);
            if (!f.length) continue;
            const what = f.slice(0, 6).map((x) => `line ${x.line}: ${x.what}`).join('; ') + (f.length > 6 ? `; and ${f.length - 6} more` : '');
            flags.push({
              kind,
              gradeId: m.gradeId ?? '',
              message: kind === 'runtime-tampering' ? `${where} changes the runtime the tests run in (${what}); the verdicts are decided outside the kernel, check this row by hand` : `${where} calls the library's own implementation of what the assignment asks for (${what})`,
            });
          }
        }
      }
      cells.push({ index: i, send: isTest ? testSend(m.gradeId ?? '', source) : source, role: isTest ? 'test' : m.origin === 'instructor' ? 'instructor' : 'student' });
    }
    if (m.gradeId && m.origin !== 'student-extra') previous = m.gradeId;
  });
  return { cells, flags };
}

/** True when every autograded answer is the instructor's solution (whitespace aside): a copied solution. */
export function identicalToSolution(a: Assignment, merged: MergeResult): boolean {
  const answers = a.cells.filter((c) => c.kind === 'autograded-answer');
  if (answers.length === 0) return false;
  return answers.every((info) => {
    const submitted = merged.answers.get(info.gradeId);
    const solution = a.source.cells[info.index];
    return !!submitted && !!solution && normalise(stripSolutionDelimiters(sourceOf(submitted))) === normalise(stripSolutionDelimiters(sourceOf(solution)));
  });
}

/** Grade one staged submission (its bytes); the graded notebook comes back with the result (nothing is written). */
export async function gradeSubmission(a: Assignment, student: string, bytes: Buffer, s: GradeSettings, cacheKey: string, refs?: References): Promise<{ result: GradeResult; graded?: Buffer }> {
  const mode = s.mode ?? 'smoke';
  const submissionSha256 = sha256(bytes);
  const base = { submissionSha256, mode, cacheKey };
  let nb: Notebook;
  try {
    nb = parseNotebook(bytes.toString('utf8'), `${student}/${a.name}.ipynb`);
  } catch (err) {
    return { result: emptyResult(a, student, 'unreadable', `the submission is not a readable notebook: ${(err as Error).message}`, base) };
  }
  const merged = mergeSubmission(a.grading, a.released, nb, a.source);
  const plan = planCells(a, merged, refs?.seed ?? 0);
  const flags: Flag[] = [...merged.flags, ...plan.flags];
  if (identicalToSolution(a, merged)) flags.push({ kind: 'identical-to-solution', gradeId: '', message: "every answer is the instructor's solution, character for character: check how the student got it" });
  const sandboxed = s.sandbox ?? true;
  if (!sandboxed) flags.push({ kind: 'unsandboxed', gradeId: '', message: 'graded without the sandbox (--unsafe-no-sandbox): the student code ran with the grader\'s rights' });
  const { report: run, executed } = await executeForGrading(merged.notebook, plan.cells, { ...s, mode });
  const graded = executed ?? Buffer.from(serializeNotebook(merged.notebook));
  const status: SubmissionStatus = run.status === 'ok' ? 'graded' : run.status === 'timeout' ? 'timeout' : run.status === 'crashed' ? 'crashed' : 'grader-error';
  // name cells by grade_id (an extra cell by the graded cell before it), not by index
  const labels: string[] = [];
  let previous = 'the start';
  merged.cells.forEach((c) => {
    labels.push(c.origin === 'student-extra' ? `your extra cell after '${previous}'` : `'${c.gradeId}'`);
    if (c.gradeId && c.origin !== 'student-extra') previous = c.gradeId;
  });
  const testsIds = new Set(a.cells.filter((c) => c.kind === 'tests').map((c) => c.gradeId));
  // what a failed cell says in the feedback files: the grader's own words and safe parts only (grader/checks.ts)
  const stubIds = new Set(a.cells.filter((c) => c.kind === 'autograded-answer' || c.kind === 'manual-answer').map((c) => c.gradeId));
  const cellErrors = [...run.cells.entries()]
    .filter(([i, r]) => (r.status === 'error' || r.status === 'timeout') && !testsIds.has(merged.cells[i]?.gradeId ?? ''))
    .map(([i, r]) => ({ cell: labels[i] ?? `cell ${i}`, status: r.status, error: safeErrorText(r.error, { studentCell: merged.cells[i]?.origin !== 'instructor', stubIds }).slice(-2000) }));
  let runMessage = run.message;
  if (run.status === 'crashed') {
    const at = [...run.cells.entries()].find(([, r]) => r.error.startsWith('the kernel died'));
    runMessage = at
      ? `the kernel died in cell ${labels[at[0]]} (process.exit, out of memory, a resource limit or a crash); later cells did not run`
      : `the kernel ended without the grader's end marker: ${run.message}`;
  } else if (run.status === 'timeout') {
    const at = [...run.cells.entries()].find(([, r]) => r.status === 'timeout');
    runMessage = `time limit: ${run.message}` + (at ? ` (cell ${labels[at[0]]} was still running)` : '');
  } else if (run.status === 'error') {
    runMessage = `the grader could not run this notebook: ${run.message}`;
  }
  const cells = scoreCells(a, merged, run, runMessage, refs);
  const forged = [...run.cells.values()].reduce((t, r) => t + (r.forgedChecks ?? 0), 0);
  if (forged > 0) flags.push({ kind: 'forged-check-record', gradeId: '', message: `${forged} line(s) of output imitated the grader's check records (without the test cell's nonce): ignored, and flagged` });
  const score = cells.reduce((t, c) => t + (c.score ?? 0), 0);
  const messages = [
    runMessage,
    ...flags.filter((f) => f.kind !== 'reordered-cells').map((f) => f.message),
    ...cellErrors.filter((e) => run.status !== 'crashed' || !e.error.startsWith('the kernel died')).map((e) => `cell ${e.cell} ${e.status === 'timeout' ? 'timed out' : 'failed'}: ${firstErrorLine(e.error)}`),
  ].filter(Boolean);
  return {
    graded,
    result: {
      student,
      assignment: a.name,
      status,
      score,
      maxAuto: cells.filter((c) => c.kind === 'tests').reduce((t, c) => t + c.points, 0),
      pendingManual: cells.filter((c) => c.score === null).reduce((t, c) => t + c.points, 0),
      maxScore: a.cells.reduce((t, c) => t + c.points, 0),
      tampered: isTampered(flags),
      flags,
      cells,
      cellErrors,
      message: messages.join('; '),
      seconds: Math.round(run.seconds * 10) / 10,
      gradedAt: new Date().toISOString(),
      submission: '',
      sourceSha256: a.sourceSha256,
      sandbox: run.sandbox,
      cgroup: run.cgroup,
      ...(run.cpuSeconds !== undefined ? { cpuSeconds: run.cpuSeconds } : {}),
      ...(run.timing ? { timing: run.timing } : {}),
      ...(run.hardened ? { hardened: run.hardened } : {}),
      ...base,
    },
  };
}

/** The line of a cell's error output that says what went wrong (tslab prints the source line and a caret first). */
export function firstErrorLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  return (
    lines.find((l) => /^(cell timed out|the kernel died|the test cell ended)/.test(l)) ??
    lines.find((l) => /^[A-Za-z]*(Error|Exception)\b[^(]*:/.test(l)) ??
    lines.find((l) => /^\d+:\d+ - /.test(l)) ??
    lines[0] ??
    ''
  ).slice(0, 300);
}
