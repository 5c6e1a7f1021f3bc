/**
 * Feedback students may keep (`npm run grade -- feedback <grades> --out feedback/`): per student and assignment
 * one self-contained HTML page, `<out>/<student>/<assignment>.html`, built from that student's folder only:
 *
 * - the summary: status, score (manual scores applied), points still to grade by hand, the run's message;
 * - the notebook in order: the assignment's cells **as released** (instructor text and code, test cells with their
 *   visible checks only), the student's own cells as submitted with their outputs from the graded run;
 * - under each graded cell its points, and for a failed test the error's one line (never its stack or source), for
 *   a manually graded cell the score and the comment.
 *
 * Never in it: the hidden tests' source (test cells are shown from the release, their outputs are left out, and a
 * reason that quotes a hidden-test line is replaced), the solutions (instructor cells come from the release;
 * answer cells are the student's), and nothing of another student (one folder is read per page). Student text is
 * escaped; HTML outputs are shown as text, images only as base64 PNG/JPEG.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { check } from '../lib/util/errors.js';
import { writeFileAtomic } from '../lib/util/fs.js';
import { firstErrorLine, type Assignment, type GradeResult } from './grade.js';
import { readResult } from './gradebook.js';
import { applyManualScores, type ManualCellGrade, readManualStore } from './manual-scores.js';
import { mergeSubmission, type MergeResult } from './merge.js';
import { type Cell, type Notebook, type Output, parseNotebook, sourceOf } from './notebook.js';
import { SAFE_NAME } from './submissions.js';

export { writeFileAtomic as writeBytesAtomic };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;
const MAX_OUTPUT = 20_000;

/** Lines (trimmed, 6+ characters) of the instructor's hidden tests and solutions: text a page must not show. */
export function secretLines(a: Assignment): { hidden: string[]; solutions: string[] } {
  const hidden: string[] = [];
  const solutions: string[] = [];
  const grab = (src: string, re: RegExp, into: string[]) => {
    for (const m of src.matchAll(re)) for (const l of m[1]!.split('\n').map((x) => x.trim())) if (l.length >= 6) into.push(l);
  };
  for (const c of a.source.cells) {
    const src = sourceOf(c);
    grab(src, /BEGIN HIDDEN TESTS[^\n]*\n([\s\S]*?)\n[^\n]*END HIDDEN TESTS/g, hidden);
    grab(src, /BEGIN SOLUTION[^\n]*\n([\s\S]*?)\n[^\n]*END SOLUTION/g, solutions);
  }
  return { hidden: [...new Set(hidden)], solutions: [...new Set(solutions)] };
}

/** Text with every quoted hidden-test line (12+ characters) replaced. */
export function redactHidden(text: string, hidden: string[]): string {
  let out = text.replace(ANSI, '');
  for (const h of hidden) if (h.length >= 12) out = out.split(h).join('[a hidden test: not shown]');
  return out;
}

/** A failure reason fit to show: its one error line, with anything quoting a hidden-test line replaced. */
export function safeReason(message: string | undefined, hidden: string[]): string {
  return redactHidden(firstErrorLine(message ?? ''), hidden);
}

function outputHtml(o: Output): string {
  const text = (t: unknown) => (Array.isArray(t) ? t.join('') : typeof t === 'string' ? t : '');
  const pre = (t: string, cls = 'out') => `<pre class="${cls}">${esc(t.replace(ANSI, '').slice(0, MAX_OUTPUT))}${t.length > MAX_OUTPUT ? '\n… (cut)' : ''}</pre>`;
  if (o.output_type === 'stream') return pre(text(o.text), o.name === 'stderr' ? 'out err' : 'out');
  if (o.output_type === 'error') return pre(`${o.ename ?? 'Error'}: ${o.evalue ?? ''}\n${(o.traceback ?? []).join('\n')}`, 'out err');
  const data = o.data ?? {};
  for (const mime of ['image/png', 'image/jpeg']) {
    const b64 = text(data[mime]).replace(/\s/g, '');
    if (b64 && /^[A-Za-z0-9+/=]+$/.test(b64) && b64.length < 4_000_000) return `<img alt="figure" src="data:${mime};base64,${b64}">`;
  }
  if (data['text/plain'] !== undefined) return pre(text(data['text/plain']));
  if (Object.keys(data).length) return '<p class="note">(an interactive output: open your notebook to see it)</p>';
  return '';
}

const CSS = `body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:.6rem;border-radius:4px;font:13px/1.4 ui-monospace,monospace}
pre.out{background:#fff;border-left:3px solid #ccc}pre.err{border-left-color:#c01c28;color:#7a1010}
.cell{margin:1rem 0}.md{white-space:pre-wrap}.grade{padding:.4rem .6rem;border-radius:4px;margin:.3rem 0;font-size:14px}
.passed{background:#e6f4ea}.failed,.timeout,.not-run,.unanswered{background:#fdecea}.manual{background:#fff4e5}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;font-size:14px}
.note{color:#555;font-size:13px}img{max-width:100%}.tag{font-size:12px;color:#555}`;

function gradeBox(c: ManualCellGrade | undefined, hidden: string[]): string {
  if (!c) return '';
  const pts = c.score === null ? `? / ${c.points}` : `${c.score} / ${c.points}`;
  let what: string = c.status;
  if (c.status === 'manual') what = c.score === null ? 'to be graded by hand' : 'graded by hand';
  const reason = c.status === 'failed' || c.status === 'timeout' || c.status === 'not-run' || c.status === 'unanswered' ? safeReason(c.message, hidden) : '';
  return (
    `<div class="grade ${esc(c.status)}"><b>${esc(c.gradeId)}: ${esc(pts)} point(s)</b> — ${esc(what)}` +
    (reason ? `<br>why: ${esc(reason)}` : '') +
    (c.comment ? `<br>comment: <span class="md">${esc(c.comment)}</span>` : '') +
    (c.staleManual ? '<br>your answer changed after it was graded by hand: it will be graded again' : '') +
    '</div>'
  );
}

/** The HTML page for one result (and its graded notebook, when there is one). */
export function feedbackHtml(a: Assignment, r: GradeResult, graded: Notebook | undefined, merged: MergeResult | undefined): string {
  const { hidden } = secretLines(a);
  const byId = new Map((r.cells as ManualCellGrade[]).map((c) => [c.gradeId, c]));
  const releasedById = new Map<string, Cell>();
  for (const c of a.released.cells) {
    const id = c.metadata.nbgrader?.grade_id;
    if (id) releasedById.set(id, c);
  }
  const kindOf = new Map(a.cells.map((c) => [c.gradeId, c.kind]));
  const summary = [...byId.values()]
    .map((c) => `<tr><td>${esc(c.gradeId)}</td><td>${c.score === null ? '?' : c.score} / ${c.points}</td><td>${esc(c.status === 'manual' && c.score !== null ? 'graded by hand' : c.status)}</td><td>${esc(c.comment ?? (c.status === 'passed' ? '' : safeReason(c.message, hidden)))}</td></tr>`)
    .join('');
  const head = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(r.assignment)}: feedback for ${esc(r.student)}</title><style>${CSS}</style></head><body>
<h1>${esc(r.assignment)}</h1>
<p><b>${esc(r.student)}</b> · status <b>${esc(r.status)}</b> · score <b>${r.score} / ${r.maxScore}</b>${r.pendingManual ? ` · ${r.pendingManual} point(s) still to be graded by hand` : ''} · graded ${esc(r.gradedAt)} (${esc(r.mode || '-')} mode)</p>
${r.message ? `<p class="note">${esc(redactHidden(r.message, hidden).slice(0, 2000))}</p>` : ''}
<table><thead><tr><th>part</th><th>points</th><th>result</th><th>why / comment</th></tr></thead><tbody>${summary}</tbody></table>
<p class="note">Test cells show the checks you could see; hidden checks ran too and are not shown.</p>`;
  if (!graded || !merged || merged.cells.length !== graded.cells.length) {
    return `${head}<p class="note">${graded ? 'The graded notebook does not match this assignment any more: cells are not shown.' : 'No notebook ran for this submission.'}</p></body></html>\n`;
  }
  const body: string[] = [];
  graded.cells.forEach((cell, i) => {
    const m = merged.cells[i]!;
    const id = m.gradeId ?? '';
    const kind = kindOf.get(id);
    let source: string;
    let outputs = true;
    if (m.origin === 'instructor') {
      const released = releasedById.get(id);
      if (!released) return; // not in the release: nothing to show
      source = sourceOf(released);
      if (kind === 'tests') outputs = false; // hidden tests ran in this cell: their prints are not shown
    } else source = sourceOf(cell); // the student's own (or the released stub)
    const tag = m.origin === 'student-extra' ? 'your extra cell' : m.origin === 'instructor' ? (kind === 'tests' ? 'tests' : '') : 'your answer';
    const src = cell.cell_type === 'code' ? `<pre>${esc(source)}</pre>` : `<div class="md">${esc(source)}</div>`;
    const outs = outputs && cell.cell_type === 'code' ? (cell.outputs ?? []).map(outputHtml).join('') : '';
    body.push(`<div class="cell">${tag ? `<div class="tag">${esc(tag)}${id && m.origin !== 'student-extra' ? ` · ${esc(id)}` : ''}</div>` : ''}${src}${outs}${m.origin !== 'student-extra' ? gradeBox(byId.get(id), hidden) : ''}</div>`);
  });
  return `${head}<hr>${body.join('\n')}</body></html>\n`;
}

export interface FeedbackOptions {
  gradesDir: string;
  assignments: Assignment[];
  outDir: string;
  students?: string[];
  /** Only these assignments. */
  only?: string[];
}

/** Write `<out>/<student>/<assignment>.html` for every graded result (atomically); returns the files and notes. */
export function writeFeedback(o: FeedbackOptions): { files: string[]; notes: string[] } {
  const rosterPath = join(o.gradesDir, 'roster.json');
  check(existsSync(rosterPath), 'grade feedback', 'grades folder', 'an output folder of npm run grade (with roster.json)', o.gradesDir, 'pass the --out folder of a grading run');
  const roster = (JSON.parse(readFileSync(rosterPath, 'utf8')) as { students: string[] }).students.filter((s) => SAFE_NAME.test(s));
  for (const s of o.students ?? []) check(roster.includes(s), 'grade feedback', 'student', `a student of ${o.gradesDir} (${roster.slice(0, 8).join(', ')}${roster.length > 8 ? ', ...' : ''})`, s);
  for (const n of o.only ?? []) check(o.assignments.some((a) => a.name === n), 'grade feedback', 'assignment', `one of ${o.assignments.map((a) => a.name).join(', ')}`, n);
  const files: string[] = [];
  const notes: string[] = [];
  for (const a of o.assignments.filter((x) => !o.only?.length || o.only.includes(x.name))) {
    for (const s of roster.filter((x) => !o.students?.length || o.students.includes(x))) {
      const dir = join(o.gradesDir, a.name, s);
      const raw = readResult(join(dir, 'result.json'));
      if (!raw) continue;
      const r = applyManualScores(raw, readManualStore(o.gradesDir, a.name, s));
      let graded: Notebook | undefined;
      let merged: MergeResult | undefined;
      try {
        if (existsSync(join(dir, 'graded.ipynb')) && existsSync(join(dir, 'submitted.ipynb'))) {
          graded = parseNotebook(readFileSync(join(dir, 'graded.ipynb'), 'utf8'), `${s}/graded.ipynb`);
          merged = mergeSubmission(a.grading, a.released, parseNotebook(readFileSync(join(dir, 'submitted.ipynb'), 'utf8'), `${s}/submitted.ipynb`), a.source);
        }
      } catch (err) {
        notes.push(`${s} ${a.name}: the notebook could not be read (${(err as Error).message.split('\n')[0]}); the page has the scores only`);
        graded = undefined;
      }
      if (graded && merged && merged.cells.length !== graded.cells.length) notes.push(`${s} ${a.name}: graded.ipynb does not match the assignment as it is now (regrade it); the page has the scores only`);
      const path = join(o.outDir, s, `${a.name}.html`);
      writeFileAtomic(path, feedbackHtml(a, r, graded, merged));
      files.push(path);
    }
  }
  return { files, notes };
}
