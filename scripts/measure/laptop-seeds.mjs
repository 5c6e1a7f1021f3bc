#!/usr/bin/env node
// Laptop mode over several seeds (issue #15): run notebooks at laptop size once per seed, record each run's CPU
// time (user + sys of the runner and the kernel it reaps), wall time, peak RSS, load average and claim lines, and
// print the docs/results.md table (mean and spread over the seeds of every figure of every claim).
//
//   node scripts/measure/laptop-seeds.mjs [--seeds 0,1,2] [--notebooks 00,01,…] [--jobs 1] [--out build/laptop-seeds]
//   node scripts/measure/laptop-seeds.mjs --summary [--out build/laptop-seeds]      # the table only
//
// Resumable: a (notebook, seed) already in OUT/runs.jsonl is not run again (delete its line to redo it). Runs go
// one at a time by default, as a laptop would run them; `--jobs 2` halves the wall time on 2 cores, at the price
// of some CPU time (shared caches): the table says how the runs were made.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, fail } from '../lib/args.mjs';
import { claimsOf, summarise } from './laptop-seeds/summary.mjs';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const USAGE = `usage: node scripts/measure/laptop-seeds.mjs [--seeds 0,1,2] [--notebooks 00,01,…] [--jobs 1] [--out DIR] [--summary]
  --seeds LIST      the runs' seeds (REPRLAB_SEED), default 0,1,2
  --notebooks LIST  notebook numbers or name prefixes (default: all of notebooks/)
  --jobs N          runs at a time (default 1, as a laptop runs them; 2 on 2 cores halves the wall time)
  --out DIR         runs.jsonl and the executed notebooks (default build/laptop-seeds)
  --summary         print the table of the runs recorded in DIR and exit`;
const o = parseArgs(process.argv.slice(2), {
  seeds: { type: 'list', default: undefined }, notebooks: { type: 'list' }, jobs: { type: 'number', default: 1 },
  out: { type: 'string', default: 'build/laptop-seeds' }, summary: { type: 'flag' },
}, USAGE);
const out = resolve(o.out);
const runsFile = join(out, 'runs.jsonl');
const readRuns = () => (existsSync(runsFile) ? readFileSync(runsFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);

if (o.summary) {
  process.stdout.write(summarise(readRuns()));
  process.exit(0);
}

const seeds = (o.seeds ?? ['0', '1', '2']).map(Number);
if (seeds.some((s) => !Number.isInteger(s) || s < 0)) fail('--seeds takes non-negative integers, e.g. --seeds 0,1,2', USAGE);
const all = readdirSync(join(ROOT, 'notebooks')).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).map((f) => f.replace(/\.ipynb$/, '')).sort();
const notebooks = (o.notebooks ?? all).map((w) => all.find((n) => n.startsWith(w)) ?? fail(`--notebooks: no notebook '${w}' in notebooks/ (have ${all.join(', ')})`, USAGE));
const jobs = o.jobs;
if (!(Number.isInteger(jobs) && jobs <= 4)) fail('--jobs must be 1, 2, 3 or 4', USAGE);
mkdirSync(out, { recursive: true });

const done = new Set(readRuns().map((r) => `${r.notebook}@${r.seed}`));
const queue = seeds.flatMap((seed) => notebooks.map((notebook) => ({ notebook, seed }))).filter((j) => !done.has(`${j.notebook}@${j.seed}`));
console.log(`laptop-seeds: ${queue.length} runs to do (${done.size} recorded in ${runsFile}), ${jobs} at a time`);

/** One run under /usr/bin/time; resolves to its record. */
function runOne({ notebook, seed }) {
  const dir = join(out, `s${seed}`);
  mkdirSync(dir, { recursive: true });
  const startLoad = loadavg()[0];
  const started = new Date();
  const cmd = ['-f', 'TIME %U %S %e %M', 'node', 'scripts/run-notebooks.mjs', notebook, '--mode', 'laptop', '--backend', 'wasm',
    '--seed', String(seed), '--no-build', '--timeout', '1800', '--out', dir];
  return new Promise((done) => {
    const child = spawn('/usr/bin/time', cmd, { cwd: ROOT, env: { ...process.env, REPRLAB_SEED: String(seed) } });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    child.on('close', (code) => {
      const t = /TIME ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(log);
      const nbPath = join(dir, `${notebook}.ipynb`);
      const rec = {
        notebook, seed, ok: code === 0, started: started.toISOString(), finished: new Date().toISOString(),
        cpuS: t ? +(+t[1] + +t[2]).toFixed(1) : null, wallS: t ? +t[3] : null, maxRssMB: t ? Math.round(+t[4] / 1024) : null,
        load: [+startLoad.toFixed(1), +loadavg()[0].toFixed(1)], jobs,
        claims: existsSync(nbPath) ? claimsOf(nbPath) : [], error: code === 0 ? undefined : log.split('\n').slice(-15).join('\n'),
      };
      appendFileSync(runsFile, JSON.stringify(rec) + '\n');
      console.log(`laptop-seeds: ${notebook} seed ${seed}: ${rec.ok ? 'ok' : 'FAILED'}, CPU ${rec.cpuS} s, wall ${rec.wallS} s, load ${rec.load.join(' → ')}`);
      done(rec);
    });
  });
}

let next = 0;
await Promise.all(Array.from({ length: jobs }, async () => {
  while (next < queue.length) await runOne(queue[next++]);
}));
process.stdout.write(summarise(readRuns()));
