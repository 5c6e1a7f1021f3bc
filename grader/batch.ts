/**
 * The autograder batch: `gradeAll({ submissionsDir })` grades `submissions/<student>/<assignment>.ipynb` against
 * the instructor sources and writes (atomically) under `outDir` (default `grades/`):
 *
 *     <assignment>/<student>/submitted.ipynb   exact copy of what was graded
 *     <assignment>/<student>/graded.ipynb      the executed notebook (instructor tests restored, outputs)
 *     <assignment>/<student>/result.json       per-cell points, status, errors, flags, sandbox, cache key
 *     <assignment>/gradebook.csv, gradebook.csv, students/<student>.json   (grader/gradebook.ts)
 *     roster.json                              the students of this run (of this shard with --shard)
 *
 * Every submission is read (lstat-checked) before the first kernel starts; up to `jobs` sandboxes run at once;
 * any failure on one submission becomes that row's status and message. Refuses to run unsandboxed unless asked.
 */
import { createHash } from 'node:crypto';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { check } from '../lib/util/errors.js';
import { writeFileAtomic, writeJsonAtomic } from '../lib/util/fs.js';
import { projectRoot } from './execute.js';
import { type Assignment, cacheKeyOf, emptyResult, type GradeResult, type GradeSettings, gradeSubmission, graderVersion, loadAssignment, type References } from './grade.js';
import { loadOrComputeReferences, needsReferences } from './references.js';
import { readResult, writeGradebooks } from './gradebook.js';
import { sha256 } from './notebook.js';
import { listSources } from './release.js';
import { probeSandbox } from './sandbox.js';
import { findSubmissions } from './submissions.js';

export interface GradeOptions extends GradeSettings {
  /** Folder of submissions: `<student>/<assignment>.ipynb`. */
  submissionsDir: string;
  /** Instructor sources (default notebooks/homework). */
  sourceDir?: string;
  /** Where results go (default grades). */
  outDir?: string;
  /** Grade again even if nothing that decides the result changed since the last run. */
  force?: boolean;
  students?: string[];
  assignments?: string[];
  /** Sandboxes at once (default: the machine's cores). */
  jobs?: number;
  /** Grade only the students of shard `index` of `count` (1-based; deterministic: by a hash of the name). */
  shard?: { index: number; count: number };
  /** Run student code without the sandbox (rows are flagged `unsandboxed`). Default false: refuse instead. */
  unsafeNoSandbox?: boolean;
  log?: (line: string) => void;
}

/** The sandbox cannot start and the unsafe flag was not given: grading refuses (exit 3 in scripts/grade.mjs). */
export class SandboxUnavailableError extends Error {}

/** The shard (1..count) a student belongs to: the same on every machine, whoever else is in the course. */
export function shardOf(student: string, count: number): number {
  return (parseInt(createHash('sha256').update(student).digest('hex').slice(0, 8), 16) % count) + 1;
}

/** Parse `i/n` (1 <= i <= n). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  check(!!m && count >= 1 && index >= 1 && index <= count, 'grade', 'shard', "'i/n' with 1 <= i <= n (e.g. 2/8)", text);
  return { index, count };
}

/** A row that ran out of a time limit (the notebook's or a cell's). */
const hasTimeout = (r: GradeResult) => r.status === 'timeout' || r.cells.some((c) => c.status === 'timeout') || r.cellErrors.some((e) => e.status === 'timeout');

/** Run `fn` over `items` with at most `n` at once. */
async function pool<T>(items: T[], n: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(n, items.length)) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

export interface BatchResult {
  results: GradeResult[];
  skipped: string[];
  notes: string[];
  gradebook: string;
  /** 'bwrap' or 'none'. */
  sandbox: string;
}

/** Grade every submission (up to `jobs` at once); never stops at a bad one. */
export async function gradeAll(o: GradeOptions): Promise<BatchResult> {
  const log = o.log ?? (() => {});
  const outDir = o.outDir ?? 'grades';
  const sources = listSources(o.sourceDir ?? 'notebooks/homework');
  check(sources.length > 0, 'grade', 'sourceDir', 'a folder with instructor notebooks (*.ipynb)', o.sourceDir ?? 'notebooks/homework', 'pass --source <folder>');
  check(o.mode === undefined || o.mode === 'smoke' || o.mode === 'full', 'grade', 'mode', "'smoke' or 'full'", o.mode);
  const jobs = o.jobs ?? availableParallelism();
  check(Number.isInteger(jobs) && jobs >= 1, 'grade', 'jobs', 'a whole number >= 1', o.jobs);
  const all = sources.map(loadAssignment);
  let assignments = all;
  if (o.assignments?.length) {
    for (const n of o.assignments) check(all.some((a) => a.name === n), 'grade', 'assignment', `one of ${all.map((a) => a.name).join(', ')}`, n);
    assignments = all.filter((a) => o.assignments!.includes(a.name));
  }
  // 1. read every submission before anything runs
  const scan = findSubmissions(o.submissionsDir, all.map((a) => a.name));
  const inShard = (s: string) => !o.shard || shardOf(s, o.shard.count) === o.shard.index;
  const students = scan.students.filter(inShard);
  const wanted = scan.found.filter((f) => assignments.some((a) => a.name === f.assignment) && inShard(f.student) && (!o.students?.length || o.students.includes(f.student)));
  // 2. the sandbox must work (or the instructor said explicitly to run without it)
  const sandbox = !o.unsafeNoSandbox;
  if (sandbox && wanted.some((f) => f.bytes)) {
    const probeDir = mkdtempSync(join(tmpdir(), 'reprlab-probe-'));
    try {
      const probe = probeSandbox(projectRoot(), probeDir);
      if (!probe.ok) throw new SandboxUnavailableError(`grading refused: ${probe.reason}. To grade anyway with the grader's own rights (only for code you trust), pass --unsafe-no-sandbox; those rows are marked 'unsandboxed'.`);
    } finally {
      rmSync(probeDir, { recursive: true, force: true });
    }
  }
  const settings: GradeSettings = { timeout: o.timeout, cellTimeout: o.cellTimeout, mode: o.mode, backend: o.backend, python: o.python, sandbox, limits: o.limits, ...(o.harden === false ? { harden: false } : {}) };
  const version = graderVersion();
  const results: GradeResult[] = new Array(wanted.length);
  const notes: string[] = [];
  // 3. reference values (the instructor notebook in its own kernel), before any student kernel starts
  const refs = new Map<string, References>();
  const refErrors = new Map<string, string>();
  for (const a of assignments.filter((x) => needsReferences(x) && wanted.some((f) => f.assignment === x.name && f.bytes))) {
    try {
      refs.set(a.name, await loadOrComputeReferences(a, settings, outDir, log, version));
    } catch (err) {
      refErrors.set(a.name, (err as Error).message);
      log(`grader error: ${(err as Error).message}`);
    }
  }
  let done = 0;
  const timedOut: number[] = [];
  const gradeOne = async (f: (typeof wanted)[number], k: number, alone: boolean) => {
    const a = assignments.find((x) => x.name === f.assignment)!;
    const dir = join(outDir, a.name, f.student);
    const tag = `${f.student} ${a.name}`;
    let r: GradeResult;
    try {
      if (f.note && !alone) notes.push(`${f.student}: ${f.note}`);
      if (!f.bytes) {
        r = emptyResult(a, f.student, 'refused', `the submission ${f.refused ?? 'cannot be read'}`, { submission: resolve(f.path) });
      } else if (refErrors.has(a.name)) {
        // the details (which may quote hidden tests) are in the log, not in the student's files
        r = emptyResult(a, f.student, 'grader-error', "the grader could not compute this assignment's reference values from the instructor notebook (see the grader's log); nothing was graded", { submission: resolve(f.path), mode: o.mode ?? 'smoke' });
      } else {
        const sha = sha256(f.bytes);
        const ref = refs.get(a.name);
        const key = cacheKeyOf(sha, a, settings, version, ref?.digest);
        const previous = readResult(join(dir, 'result.json'));
        if (!alone && !o.force && previous && previous.cacheKey === key && previous.status !== 'grader-error') {
          log(`[${++done}/${wanted.length}] ${tag}: unchanged since ${previous.gradedAt}, kept (${previous.score}/${previous.maxAuto}); --force to grade again`);
          results[k] = previous;
          return;
        }
        writeFileAtomic(join(dir, 'submitted.ipynb'), f.bytes);
        const g = await gradeSubmission(a, f.student, f.bytes, settings, key, ref);
        r = { ...g.result, submission: resolve(f.path), ...(alone ? { regradedAlone: true } : {}) };
        // a timeout while other sandboxes ran may be theirs: graded again alone before it is recorded
        if (!alone && jobs > 1 && wanted.length > 1 && hasTimeout(r)) {
          timedOut.push(k);
          log(`${tag}: timed out while other sandboxes ran; it is graded again alone at the end`);
          return;
        }
        if (g.graded) writeFileAtomic(join(dir, 'graded.ipynb'), g.graded);
      }
    } catch (err) {
      r = emptyResult(a, f.student, 'grader-error', `the grader failed on this submission: ${(err as Error).message}`, { submission: resolve(f.path), mode: o.mode ?? 'smoke' });
    }
    try {
      writeJsonAtomic(join(dir, 'result.json'), r);
    } catch (err) {
      r = { ...r, status: 'grader-error', message: `cannot write ${join(dir, 'result.json')}: ${(err as Error).message}` };
    }
    results[k] = r;
    const flag = r.tampered ? ' TAMPERED' : '';
    log(`[${++done}/${wanted.length}] ${tag}: ${r.status}${flag}: ${r.score}/${r.maxAuto} autograded${r.pendingManual ? ` + ${r.pendingManual} to grade by hand` : ''} (${r.seconds}s)${alone ? ' (graded alone)' : ''}${r.status !== 'graded' || r.tampered ? ` - ${r.message}` : ''}`);
  };
  await pool(wanted, jobs, (f, k) => gradeOne(f, k, false));
  for (const k of timedOut) await gradeOne(wanted[k]!, k, true); // one at a time: nothing else runs beside it
  writeJsonAtomic(join(outDir, 'roster.json'), { students, shard: o.shard ? `${o.shard.index}/${o.shard.count}` : null, graderVersion: version });
  const { combined } = writeGradebooks(outDir, all, students.sort()); // every assignment: the combined gradebook stays whole
  return { results, skipped: scan.skipped, notes, gradebook: combined, sandbox: sandbox ? 'bwrap' : 'none' };
}
