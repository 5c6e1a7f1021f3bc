// Each notebook's wall time in full mode on this machine, estimated without running it (issue #12):
//   node scripts/measure/full-mode-estimate.mjs [--notebooks 00,06] [--steps 20] [--warmup 3] [--budget 30] [--backend wasm]
//   node scripts/measure/full-mode-estimate.mjs --table build/full-mode-estimate.jsonl --markdown
// Every training run of a notebook is started with its full-mode model, batch, method and step count, timed over a
// few steps after a warm-up and stopped (scripts/measure/full-mode/notebooks.mjs lists the parts); the evaluation
// parts (embedding, linear probe, kNN, retrieval, k-means, PCA, t-SNE/UMAP) are timed once, at full size where cheap,
// else on a subset and scaled by the size they are linear in. Each part's CPU time (process.cpuUsage: what an idle
// one-core run would take) is measured beside its wall time (which a shared machine inflates), extrapolated to the
// full-mode counts, and appended as one JSON line to --out as soon as it is measured, so a killed run keeps what it
// had. Data loading, plots and the small cells are not counted (seconds each). Run one notebook per process (the
// runner does not free every model), e.g. `for n in 00 01 02; do nice -n 5 node ... --notebooks $n; done`.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import os from 'node:os';
import { HELP, UsageError, parseArgs, EnoughSteps, StepTimer, extrapolate, summarize, formatTable, hms } from './full-mode/plan.mjs';

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`full-mode-estimate: ${e.message}`);
  process.exit(2);
}
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
if (opts.table) {
  const records = readFileSync(opts.table, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  console.log(formatTable(summarize(records, { groupEval: opts.groupEval }), { markdown: opts.markdown }));
  process.exit(0);
}

const { initBackend, tf, setDefaultProgress } = await import('reprlab');
const { NOTEBOOK_PARTS } = await import('./full-mode/notebooks.mjs');
process.env.REPRLAB_MODE = 'full';
setDefaultProgress(false);
const info = await initBackend({ backend: opts.backend });
const machine = `${os.cpus()[0]?.model ?? '?'} × ${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`;
const load = () => os.loadavg().map((v) => +v.toFixed(2));
console.log(`full-mode estimate: backend ${info.backend} (${info.device}); ${machine}; load ${load().join(' ')}`);
console.log(`training runs: ${opts.warmup} warm-up steps, then ${opts.minSteps}–${opts.steps} timed (stop after ${opts.budget} s CPU); evaluation subsets of ${opts.evalRows} rows; results appended to ${opts.out}`);
mkdirSync(dirname(opts.out), { recursive: true });
const previous = new Map(); // what --out holds already: for --resume, and for parts that reuse another notebook's
if (existsSync(opts.out)) for (const l of readFileSync(opts.out, 'utf8').split('\n').filter(Boolean)) {
  const r = JSON.parse(l);
  previous.set(`${r.notebook}\u0000${r.run}`, r);
}

class Runner {
  constructor(notebook) {
    this.notebook = notebook;
    this.opts = opts;
    this.keep = {};
    this.measured = new Map();
  }

  record(r) {
    const full = { notebook: this.notebook, ...r, backend: info.backend, device: info.device, machine, load: load(), date: new Date().toISOString() };
    appendFileSync(opts.out, JSON.stringify(full) + '\n');
    const e = extrapolate(full);
    const per = r.kind === 'train' ? `${r.cpuMsPerStep.toFixed(0)} ms/step CPU (${r.wallMsPerStep.toFixed(0)} wall) over ${r.timedSteps} steps × ${r.fullSteps}` : `${r.cpuMs.toFixed(0)} ms CPU (${r.wallMs.toFixed(0)} wall)${r.scale && r.scale !== 1 ? ` × ${r.scale.toFixed(1)}` : ''}${r.count && r.count !== 1 ? ` × ${r.count}` : ''}`;
    console.log(`  ${this.notebook} | ${r.run}: ${per} → ${hms(e.cpuS)} CPU, ${hms(e.wallS)} wall  [load ${full.load.join(' ')}]`);
  }

  /** A part measured by an earlier run of this script (--resume), or undefined. */
  done(run) {
    return opts.resume ? previous.get(`${this.notebook}\u0000${run}`) : undefined;
  }

  /** A training run: `fn(timer)` starts it with its full step count; the timer stops it. */
  async train(run, fullSteps, fn, note) {
    const old = this.done(run);
    if (old) {
      this.measured.set(run, old);
      return console.log(`  ${this.notebook} | ${run}: measured before (--resume)`);
    }
    const timer = new StepTimer(opts);
    try {
      await fn(timer);
    } catch (e) {
      if (!(e instanceof EnoughSteps)) throw e;
    }
    const r = timer.result();
    if (!r) throw new Error(`${this.notebook}: ${run}: no step was timed (full-mode steps ${fullSteps}, --warmup ${opts.warmup})`);
    this.measured.set(run, r);
    this.record({ run, kind: 'train', fullSteps, ...r, note: note ?? `${r.timedSteps} steps timed after ${opts.warmup}` });
  }

  /** Runs with the same step as one measured before: its ms/step × their steps. */
  async alias(run, fullSteps, sameAs, note) {
    const r = this.measured.get(sameAs);
    if (!r) throw new Error(`${this.notebook}: ${run}: '${sameAs}' was not measured first`);
    this.record({ run, kind: 'train', fullSteps, timedSteps: r.timedSteps, wallMsPerStep: r.wallMsPerStep, cpuMsPerStep: r.cpuMsPerStep, note: `ms/step of '${sameAs}': ${note}` });
  }

  /** A training run with the step of one measured in another notebook (same model and batch). */
  async reuseTrain(run, fullSteps, notebook, fromRun, note) {
    if (this.done(run)) return console.log(`  ${this.notebook} | ${run}: measured before (--resume)`);
    const r = this.previous(notebook, fromRun);
    this.measured.set(run, r);
    this.record({ run, kind: 'train', fullSteps, timedSteps: r.timedSteps, wallMsPerStep: r.wallMsPerStep, cpuMsPerStep: r.cpuMsPerStep, note: `ms/step of ${notebook}'s '${fromRun}': ${note}` });
  }

  /** An evaluation part with the cost of one measured before in another notebook (same sizes), × count. */
  async reuse(run, notebook, fromRun, count, note = '', scale = undefined) {
    if (this.done(run)) return console.log(`  ${this.notebook} | ${run}: measured before (--resume)`);
    const r = this.previous(notebook, fromRun);
    this.record({ run, kind: 'eval', scale: scale ?? r.scale, count, cpuMs: r.cpuMs, wallMs: r.wallMs, note: `the cost of ${notebook}'s '${fromRun}'${note ? `: ${note}` : ''}` });
  }

  /** The record of another notebook's part in --out (measure that notebook first). */
  previous(notebook, run) {
    const r = previous.get(`${notebook}\u0000${run}`);
    if (!r) throw new Error(`${this.notebook}: needs '${run}' of ${notebook} in ${opts.out}: measure that notebook first`);
    return r;
  }

  /** An evaluation part timed once; estimate = time × scale × count. */
  async evalPart(run, { scale = 1, count = 1, note = '' } = {}, fn) {
    if (this.done(run)) {
      await fn(); // what later parts use (features of a subset) is computed again, untimed
      return console.log(`  ${this.notebook} | ${run}: measured before (--resume)`);
    }
    const w0 = performance.now(), u = process.cpuUsage();
    await fn();
    const du = process.cpuUsage(u);
    this.record({ run, kind: 'eval', scale, count, cpuMs: (du.user + du.system) / 1000, wallMs: performance.now() - w0, note });
  }
}

const t0 = performance.now(), c0 = process.cpuUsage();
const records = [];
for (const nb of opts.notebooks) {
  console.log(`\n${nb}`);
  const R = new Runner(nb);
  const rec = R.record.bind(R);
  R.record = (r) => {
    records.push({ notebook: nb, ...r });
    rec(r);
  };
  await NOTEBOOK_PARTS[nb](R);
}
const c = process.cpuUsage(c0);
console.log(`\n${formatTable(summarize(records), { markdown: opts.markdown })}`);
console.log(`\nmeasured in ${hms((performance.now() - t0) / 1000)} wall, ${hms((c.user + c.system) / 1e6)} CPU; load ${load().join(' ')}`);
