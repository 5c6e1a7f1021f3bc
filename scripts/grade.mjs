// `npm run grade -- <submissions dir>`: autograde submissions/<student>/<assignment>.ipynb in sandboxes.
// `npm run grade -- merge --out DIR SHARD_DIR...`: combine the output folders of sharded runs. See docs/homework.md.
import { availableParallelism } from 'node:os';
import { build, parseArgs, fail, importBuilt } from './lib/args.mjs';

const usage = `usage: npm run grade -- <submissions dir> [options]
       npm run grade -- merge --out DIR <shard output dir>... [--source DIR]

  <submissions dir>     one folder per student holding <assignment>.ipynb (only read, never modified)
  --source DIR          instructor notebooks (default notebooks/homework)
  --out DIR             results (default grades): <assignment>/<student>/{result.json,graded.ipynb,submitted.ipynb},
                        <assignment>/gradebook.csv, gradebook.csv, students/<student>.json, roster.json
  --timeout S           time limit per notebook in seconds (default 600)
  --cell-timeout S      time limit per cell (default 300); a cell over it is interrupted, the next one runs
  --mode smoke|full     REPRLAB_MODE for the graded notebooks (default smoke)
  --backend NAME        REPRLAB_BACKEND for the graded notebooks (default: the library's choice)
  --assignment NAME     only this assignment (repeatable or comma-separated)
  --student NAME        only this student (repeatable or comma-separated)
  --jobs N              sandboxes at once (default: the number of cores, here ${availableParallelism()})
  --shard I/N           grade only shard I of N (students split by a hash of their name); merge the outputs after
  --memory MB           memory (address space) limit of each sandbox (default 4096)
  --processes N         process/thread limit of each sandbox (default 256)
  --force               grade again even if nothing that decides the result changed since the last run
  --unsafe-no-sandbox   run student code WITHOUT the sandbox, with your rights (rows are marked 'unsandboxed')
  --no-build            skip 'npm run build' (the graded notebooks import the built package)

Exit status: 0 when every submission got a result (crashes, timeouts, refusals and tampering are results),
1 when the grader itself failed on some submission, 2 on bad arguments, 3 when grading could not run at all
(e.g. the sandbox cannot start: the message says why and how to fix it).`;

const RUNTIME_FAILURE = 3;
const argv = process.argv.slice(2);
const merging = argv[0] === 'merge';
const args = parseArgs(
  merging ? argv.slice(1) : argv,
  {
    source: { type: 'string', default: 'notebooks/homework' },
    out: { type: 'string', default: 'grades' },
    timeout: { type: 'number', default: 600 },
    'cell-timeout': { type: 'number', default: 300 },
    mode: { type: 'string', choices: ['smoke', 'full'], default: 'smoke' },
    backend: { type: 'string' },
    assignment: { type: 'list' },
    student: { type: 'list' },
    jobs: { type: 'number' },
    shard: { type: 'string', help: 'I/N' },
    memory: { type: 'number' },
    processes: { type: 'number' },
    force: { type: 'flag' },
    'unsafe-no-sandbox': { type: 'flag' },
    'no-build': { type: 'flag' },
  },
  usage,
);
if (!merging && args._.length !== 1) fail(args._.length ? `expected one submissions folder, got ${args._.length}: ${args._.join(' ')}` : 'missing the submissions folder', usage);
if (merging && args._.length === 0) fail('merge: list the shard output folders to combine (e.g. grades-1 grades-2)', usage);
if (args.jobs !== undefined && !Number.isInteger(args.jobs)) fail(`option '--jobs' must be a whole number (got '${args.jobs}')`, usage);
if (!args['no-build']) await build('grade');
const grader = await importBuilt('../dist-grader/grader/index.js');

if (merging) {
  let r;
  try {
    r = grader.combineShards({ shardDirs: args._, outDir: args.out, sourceDir: args.source });
  } catch (err) {
    if (err.name === 'ArgumentError') fail(err.message, usage);
    console.error(`error: ${err.message}`);
    process.exit(RUNTIME_FAILURE);
  }
  for (const n of r.notes) console.log(`note: ${n}`);
  console.log(`merged ${r.results} result(s) of ${r.students} student(s) from ${args._.length} folder(s). Gradebook: ${r.gradebook}`);
  process.exit(0);
}

let shard;
try {
  shard = args.shard ? grader.parseShard(args.shard) : undefined;
} catch (err) {
  fail(err.message, usage);
}
let batch;
try {
  batch = await grader.gradeAll({
    submissionsDir: args._[0],
    sourceDir: args.source,
    outDir: args.out,
    timeout: args.timeout,
    cellTimeout: Math.min(args['cell-timeout'], args.timeout),
    mode: args.mode,
    backend: args.backend,
    assignments: args.assignment,
    students: args.student,
    jobs: args.jobs,
    shard,
    limits: { ...(args.memory ? { memoryMb: args.memory } : {}), ...(args.processes ? { processes: args.processes } : {}) },
    force: !!args.force,
    unsafeNoSandbox: !!args['unsafe-no-sandbox'],
    log: (line) => console.log(line),
  });
} catch (err) {
  if (err.name === 'ArgumentError') fail(err.message, usage);
  console.error(`error: ${err.message}`);
  process.exit(RUNTIME_FAILURE);
}
for (const n of batch.notes) console.log(`note: ${n}`);
for (const s of batch.skipped) console.log(`skipped: ${s}`);
if (batch.sandbox === 'none') console.log('WARNING: graded without the sandbox (--unsafe-no-sandbox); the rows say so.');
const count = (st) => batch.results.filter((r) => r.status === st).length;
const tampered = batch.results.filter((r) => r.tampered).length;
console.log(
  `\ngraded ${batch.results.length} submission(s): ${count('graded')} ok, ${count('timeout')} timed out, ${count('crashed')} crashed, ` +
    `${count('unreadable')} unreadable, ${count('refused')} refused, ${tampered} tampered, ${count('grader-error')} grader errors. Gradebook: ${batch.gradebook}`,
);
process.exit(count('grader-error') > 0 ? 1 : 0);
