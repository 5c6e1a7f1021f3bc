// `npm run grade -- <submissions dir>`: autograde submissions/<student>/<assignment>.ipynb. See docs/homework.md.
import { build, parseArgs, fail, importBuilt } from './lib/args.mjs';

const usage = `usage: npm run grade -- <submissions dir> [options]

  <submissions dir>     one folder per student holding <assignment>.ipynb (only read, never modified)
  --source DIR          instructor notebooks (default notebooks/homework)
  --out DIR             results (default grades): <assignment>/<student>/{result.json,graded.ipynb,submitted.ipynb},
                        <assignment>/gradebook.csv, gradebook.csv, students/<student>.json
  --timeout S           time limit per notebook in seconds (default 600)
  --cell-timeout S      time limit per cell (default 300); a cell over it is interrupted, the next one runs
  --mode smoke|full     REPRLAB_MODE for the graded notebooks (default smoke)
  --backend NAME        REPRLAB_BACKEND for the graded notebooks (default: the library's choice)
  --assignment NAME     only this assignment (repeatable or comma-separated)
  --student NAME        only this student (repeatable or comma-separated)
  --force               grade again even if submission and source are unchanged since the last run
  --no-build            skip 'npm run build' (the graded notebooks import the built package)

Exit status: 0 when every submission got a result (crashes, timeouts and tampering are results),
1 when the grader itself failed on some submission, 2 on bad arguments.`;
const args = parseArgs(
  process.argv.slice(2),
  {
    source: { type: 'string', default: 'notebooks/homework' },
    out: { type: 'string', default: 'grades' },
    timeout: { type: 'number', default: 600 },
    'cell-timeout': { type: 'number', default: 300 },
    mode: { type: 'string', choices: ['smoke', 'full'], default: 'smoke' },
    backend: { type: 'string' },
    assignment: { type: 'list' },
    student: { type: 'list' },
    force: { type: 'flag' },
    'no-build': { type: 'flag' },
  },
  usage,
);
if (args._.length !== 1) fail(args._.length ? `expected one submissions folder, got ${args._.length}: ${args._.join(' ')}` : 'missing the submissions folder', usage);
if (!args['no-build']) await build('grade');
const { gradeAll } = await importBuilt('notebook/assign/index.js');
let batch;
try {
  batch = await gradeAll({
    submissionsDir: args._[0],
    sourceDir: args.source,
    outDir: args.out,
    timeout: args.timeout,
    cellTimeout: Math.min(args['cell-timeout'], args.timeout),
    mode: args.mode,
    backend: args.backend,
    assignments: args.assignment,
    students: args.student,
    force: !!args.force,
    log: (line) => console.log(line),
  });
} catch (err) {
  fail(err.message, usage);
}
for (const n of batch.notes) console.log(`note: ${n}`);
for (const s of batch.skipped) console.log(`skipped: ${s}`);
const count = (st) => batch.results.filter((r) => r.status === st).length;
const tampered = batch.results.filter((r) => r.tampered).length;
console.log(
  `\ngraded ${batch.results.length} submission(s): ${count('graded')} ok, ${count('timeout')} timed out, ${count('crashed')} crashed, ` +
    `${count('unreadable')} unreadable, ${tampered} tampered, ${count('grader-error')} grader errors. Gradebook: ${batch.gradebook}`,
);
process.exit(count('grader-error') > 0 ? 1 : 0);
