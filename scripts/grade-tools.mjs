// The grading loop after the autograder (docs/homework.md, "After grading"), as subcommands of `npm run grade`:
//   score     record manual scores and comments (one, or a CSV of many) and rewrite the gradebooks
//   export    gradebooks for Canvas and Gradescope import (and the grader's own CSV)
//   feedback  per student and assignment, an HTML page (and PDF) students may keep
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, parseArgs, fail, importBuilt } from './lib/args.mjs';

const usages = {
  score: `usage: npm run grade -- score <grades dir> --student S --assignment A --cell ID --points P [--comment TEXT]
       npm run grade -- score <grades dir> --csv FILE

  Records a person's points (0 to the cell's points; decimals allowed) and comment for a manually graded cell in
  <grades>/<assignment>/<student>/manual.json and rewrites the gradebooks. A CSV has the header
  student,assignment,cell,points[,comment]; every line is checked before anything is written.
  A regrade keeps manual scores, unless the answer changed: then the score is set aside and the regrade says so.
  --source DIR   instructor notebooks (default notebooks/homework)
  --no-build     skip 'npm run build'`,
  export: `usage: npm run grade -- export <grades dir> [--format canvas,gradescope,csv] [--roster FILE] [--out DIR]

  Writes <out>/canvas.csv (Canvas gradebook import: Student, ID, SIS User ID, SIS Login ID, Section, one column per
  assignment, a Points Possible row), <out>/gradescope-<assignment>.csv (Gradescope roster columns and score) and
  <out>/gradebook.csv (the grader's own). --roster: a CSV mapping our student folder names to LMS identities,
  header student[,name,first_name,last_name,email,sid,canvas_id,sis_user_id,sis_login_id,section].
  --out DIR      default <grades dir>/export
  --source DIR   instructor notebooks (default notebooks/homework)
  --no-build     skip 'npm run build'`,
  feedback: `usage: npm run grade -- feedback <grades dir> --out DIR [--student S] [--assignment A] [--pdf]

  Writes DIR/<student>/<assignment>.html (and .pdf with --pdf: Chromium through playwright-core): the student's
  own cells and outputs, each graded cell's points, why a test failed, manual scores and comments; never the
  hidden tests, the solutions, or anything of another student.
  --source DIR   instructor notebooks (default notebooks/homework)
  --no-build     skip 'npm run build'`,
};

export async function main(argv) {
  const cmd = argv[0];
  const usage = usages[cmd];
  const args = parseArgs(
    argv.slice(1),
    {
      source: { type: 'string', default: 'notebooks/homework' },
      student: { type: 'list' },
      assignment: { type: 'list' },
      cell: { type: 'string' },
      points: { type: 'string' },
      comment: { type: 'string' },
      csv: { type: 'string' },
      format: { type: 'list' },
      roster: { type: 'string' },
      out: { type: 'string' },
      pdf: { type: 'flag' },
      'no-build': { type: 'flag' },
    },
    usage,
  );
  if (args._.length !== 1) fail(args._.length ? `expected one grades folder, got ${args._.length}: ${args._.join(' ')}` : 'missing the grades folder (the --out folder of npm run grade)', usage);
  const gradesDir = args._[0];
  if (!args['no-build']) await build('grade');
  const grader = await importBuilt('../dist-grader/grader/index.js');
  const run = async (fn) => {
    try {
      return await fn();
    } catch (err) {
      if (err.name === 'ArgumentError') fail(err.message, usage);
      console.error(`error: ${err.message}`);
      process.exit(3);
    }
  };
  const assignments = await run(() => grader.listSources(args.source).map(grader.loadAssignment));

  if (cmd === 'score') {
    let entries;
    if (args.csv) {
      if (args.student || args.assignment || args.cell || args.points !== undefined) fail('--csv takes the scores from the file: leave out --student, --assignment, --cell and --points', usage);
      let text;
      try {
        text = readFileSync(args.csv, 'utf8');
      } catch (err) {
        fail(`cannot read --csv ${args.csv} (${err.code ?? err.message})`, usage);
      }
      entries = await run(() => grader.parseManualScoresCsv(text));
    } else {
      for (const k of ['student', 'assignment', 'cell', 'points']) if (args[k] === undefined) fail(`missing --${k} (or give --csv FILE)`, usage);
      if (args.student.length !== 1 || args.assignment.length !== 1) fail('--student and --assignment take one name each here (use --csv for many)', usage);
      const points = await run(() => grader.parsePoints(args.points));
      entries = [{ student: args.student[0], assignment: args.assignment[0], cell: args.cell, points, comment: args.comment ?? '' }];
    }
    const done = await run(() => grader.recordManualScores(gradesDir, assignments, entries));
    const roster = JSON.parse(readFileSync(join(gradesDir, 'roster.json'), 'utf8')).students ?? [];
    const { combined } = await run(() => grader.writeGradebooks(gradesDir, assignments, roster));
    for (const e of done) console.log(`${e.student} ${e.assignment} '${e.cell}': ${e.points} point(s)${e.before !== undefined ? ` (was ${e.before})` : ''}${e.comment ? ' with a comment' : ''}`);
    console.log(`recorded ${done.length} manual score(s). Gradebook: ${combined}`);
    return 0;
  }
  if (cmd === 'export') {
    const r = await run(() =>
      grader.exportGradebooks({ gradesDir, assignments, formats: args.format, rosterCsv: args.roster ? readFileSync(args.roster, 'utf8') : undefined, outDir: args.out ?? join(gradesDir, 'export') }),
    );
    for (const n of r.notes) console.log(`note: ${n}`);
    for (const f of r.files) console.log(`wrote ${f}`);
    return 0;
  }
  if (cmd === 'feedback') {
    if (!args.out) fail('missing --out DIR (where the feedback pages go)', usage);
    const r = await run(() => grader.writeFeedback({ gradesDir, assignments, outDir: args.out, students: args.student, only: args.assignment }));
    if (args.pdf) {
      const { launchChromium } = await import('./handouts/export.mjs');
      let browser;
      try {
        browser = await launchChromium();
        for (const f of r.files) {
          const page = await browser.newPage();
          await page.goto(pathToFileURL(resolve(f)).href);
          const pdf = await page.pdf({ format: 'A4', printBackground: true, margin: { top: '12mm', bottom: '12mm', left: '10mm', right: '10mm' } });
          grader.writeBytesAtomic(f.replace(/\.html$/, '.pdf'), pdf);
          await page.close();
        }
      } catch (err) {
        console.error(`error: printing the PDFs failed: ${err.message.split('\n')[0]} (the HTML pages are written)`);
        return 3;
      } finally {
        await browser?.close();
      }
    }
    for (const n of r.notes) console.log(`note: ${n}`);
    console.log(`wrote ${r.files.length} feedback page(s)${args.pdf ? ' (HTML and PDF)' : ''} under ${args.out}`);
    return 0;
  }
  fail(`unknown subcommand '${cmd}'`, usage);
}
