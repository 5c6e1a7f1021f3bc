/**
 * Reference values for an assignment's checks (grader/checks.ts): the instructor's own notebook (solutions, hidden
 * tests) run by the same supervisor, in a fresh sandboxed kernel that never runs student code, with the same mode,
 * engine and limits as the students' kernels. Each test cell's check records become the values the students'
 * records are compared with, outside every sandbox.
 *
 * Cached per output folder in `<outDir>/.references/<assignment>.json` (written atomically), keyed by the grader's
 * version, the instructor source's hash and the settings that change values (mode, backend, sandbox). The file also
 * holds the assignment's TEST_SEED (random when the references are first computed, then kept), so hidden inputs
 * drawn from it are the same in the reference kernel and in every student kernel, and not known from the release.
 * No sandbox can reach the output folder.
 */
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { writeJsonAtomic } from '../lib/util/fs.js';
import { parseRecords, selfCheck, usesChecks, type CheckRecord } from './checks.js';
import { executeForGrading } from './execute.js';
import { type Assignment, type GradeSettings, graderVersion, planCells, type References } from './grade.js';
import { mergeSubmission } from './merge.js';
import { sha256, sourceOf } from './notebook.js';
import { readRegularFile } from './submissions.js';

/** The instructor notebook did not produce usable references: the message names the cells and why (for the instructor). */
export class ReferenceValuesError extends Error {}

/** Whether any test cell of the assignment states checks (else no reference run is needed). */
export function needsReferences(a: Assignment): boolean {
  return a.cells.some((c) => c.kind === 'tests' && usesChecks(sourceOf(a.source.cells[c.index]!)));
}

export function referencesKey(a: Assignment, s: GradeSettings, version = graderVersion()): string {
  return sha256(JSON.stringify(['references', version, a.sourceSha256, s.mode ?? 'smoke', s.backend ?? '', s.sandbox ?? true, s.limits ?? null, s.harden ?? true]));
}

export const referencesPath = (outDir: string, a: Assignment): string => join(outDir, '.references', `${a.name}.json`);

interface ReferencesFile {
  assignment: string;
  key: string;
  seed: number;
  cells: Record<string, CheckRecord[]>;
  computedAt: string;
  seconds: number;
}

const digestOf = (seed: number, cells: Record<string, CheckRecord[]>) => sha256(JSON.stringify([seed, Object.entries(cells).sort(([x], [y]) => x.localeCompare(y))]));

/** Compute the references of one assignment (one kernel run of the instructor notebook). */
export async function computeReferences(a: Assignment, s: GradeSettings, seed = randomInt(1, 2 ** 31 - 1)): Promise<{ refs: References; seconds: number }> {
  const merged = mergeSubmission(a.grading, a.released, a.source, a.source);
  const plan = planCells(a, merged, seed);
  const { report } = await executeForGrading(merged.notebook, plan.cells, { ...s, mode: s.mode ?? 'smoke' });
  const problems: string[] = [];
  if (report.status !== 'ok') problems.push(`the run ended '${report.status}': ${report.message}`);
  const cells: Record<string, CheckRecord[]> = {};
  merged.cells.forEach((m, i) => {
    const info = a.cells.find((c) => c.gradeId === m.gradeId && c.kind === 'tests');
    if (!info || m.origin !== 'instructor') return;
    const r = report.cells.get(i);
    if (!r || r.status !== 'ok') {
      problems.push(`test cell '${info.gradeId}' ${r ? r.status : 'did not run'} on the instructor's solution: ${(r?.error ?? '').trim().split('\n').slice(-4).join(' | ')}`);
      return;
    }
    const records = parseRecords(r.checks);
    if (r.forgedChecks || r.checkOverflow) problems.push(`test cell '${info.gradeId}': ${r.checkOverflow ? 'too many check records' : 'records without the nonce'}`);
    for (const p of selfCheck(records)) problems.push(`test cell '${info.gradeId}': ${p}`);
    if (usesChecks(sourceOf(a.source.cells[info.index]!)) && records.length === 0) problems.push(`test cell '${info.gradeId}' states checks but reported none`);
    cells[info.gradeId] = records;
  });
  if (problems.length) {
    throw new ReferenceValuesError(`${a.name}: the instructor notebook gives no usable reference values (nothing was graded against it):\n  - ${problems.join('\n  - ')}\nFix the instructor notebook (it must pass its own checks in ${s.mode ?? 'smoke'} mode) and grade again.`);
  }
  return { refs: { seed, cells, digest: digestOf(seed, cells) }, seconds: report.seconds };
}

/** The cached references of `a` when their key matches, else computed now (and cached). */
export async function loadOrComputeReferences(a: Assignment, s: GradeSettings, outDir: string, log: (line: string) => void = () => {}, version = graderVersion()): Promise<References> {
  const key = referencesKey(a, s, version);
  const path = referencesPath(outDir, a);
  const bytes = readRegularFile(path, 256 * 1024 * 1024);
  let previous: ReferencesFile | undefined;
  if (typeof bytes !== 'string') {
    try {
      previous = JSON.parse(bytes.toString('utf8')) as ReferencesFile;
    } catch {
      previous = undefined;
    }
  }
  if (previous && previous.key === key && Number.isInteger(previous.seed) && previous.cells && typeof previous.cells === 'object') {
    return { seed: previous.seed, cells: previous.cells, digest: digestOf(previous.seed, previous.cells) };
  }
  log(`${a.name}: computing reference values from the instructor notebook (a kernel that runs no student code)...`);
  const { refs, seconds } = await computeReferences(a, s, previous?.seed);
  const file: ReferencesFile = { assignment: a.name, key, seed: refs.seed, cells: refs.cells, computedAt: new Date().toISOString(), seconds: Math.round(seconds * 10) / 10 };
  writeJsonAtomic(path, file);
  log(`${a.name}: reference values of ${Object.values(refs.cells).reduce((t, r) => t + r.length, 0)} checks in ${Object.keys(refs.cells).length} test cells (${file.seconds} s)`);
  return refs;
}
