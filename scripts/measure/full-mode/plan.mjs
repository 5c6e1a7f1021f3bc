// The arithmetic and bookkeeping of scripts/measure/full-mode-estimate.mjs, kept apart from tfjs so it can be tested
// without training anything (test/scripts/full-mode-estimate.test.ts): the command line, the step timer that stops a
// training run after enough timed steps, the extrapolation to the full-mode step counts, and the table.

export const NOTEBOOKS = [
  '00-setup', '01-good-representations', '02-classical-baselines', '03-pretext-tasks', '04-metric-learning',
  '05-transfer-learning', '06-contrastive-simclr-moco', '07-non-contrastive', '08-masked-modelling', '09-collapse-and-evaluation',
];

export const HELP = `usage: node scripts/measure/full-mode-estimate.mjs [options]
  Estimates each notebook's wall time in full mode (REPRLAB_MODE=full) on this machine: times a few steps of every
  training run at the notebook's full sizes (same model, batch, method) and its evaluation parts, and extrapolates.
  --notebooks LIST   comma list of notebooks, by number or name prefix (00, 06, 07-non), or all (default all)
  --steps N          timed steps per training run at most (default 20), after --warmup
  --warmup N         untimed steps first (default 3)
  --min-steps N      timed steps at least (default 5): a run stops at --steps, or at --budget CPU seconds
                     once it has --min-steps
  --budget S         CPU seconds of timed steps per run before it stops early (default 30)
  --eval-rows N      rows of the subsets the evaluation costs are timed on (default 4096; scaled to full size)
  --backend NAME     wasm (default), cpu, webgpu, tensorflow
  --out FILE         append one JSON line per measured part (default build/full-mode-estimate.jsonl)
  --resume           skip the parts --out already holds for these notebooks (after a crash or a kill)
  --table FILE       print the table of a JSON-lines file written earlier and exit (no tfjs)
  --markdown         print the table as markdown
  --group-eval       one row for a notebook's evaluation parts (with --table)
  --help`;

/** A bad command line: the message names the option and what it accepts. */
export class UsageError extends Error {}

/** Parse argv (without node and the script); throws {@link UsageError}. */
export function parseArgs(argv) {
  const o = { notebooks: [...NOTEBOOKS], steps: 20, warmup: 3, minSteps: 5, budget: 30, evalRows: 4096, backend: 'wasm', out: 'build/full-mode-estimate.jsonl', table: undefined, resume: false, markdown: false, groupEval: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--help' || a === '-h') return { ...o, help: true };
    else if (a === '--notebooks') o.notebooks = selectNotebooks(next());
    else if (a === '--steps') o.steps = integer(next(), a, 1);
    else if (a === '--warmup') o.warmup = integer(next(), a, 0);
    else if (a === '--min-steps') o.minSteps = integer(next(), a, 1);
    else if (a === '--budget') o.budget = positiveNumber(next(), a);
    else if (a === '--eval-rows') o.evalRows = integer(next(), a, 64);
    else if (a === '--backend') o.backend = oneOf(next(), a, ['wasm', 'cpu', 'webgpu', 'tensorflow']);
    else if (a === '--out') o.out = next();
    else if (a === '--table') o.table = next();
    else if (a === '--markdown') o.markdown = true;
    else if (a === '--resume') o.resume = true;
    else if (a === '--group-eval') o.groupEval = true;
    else throw new UsageError(`unknown option ${a} (--help lists them)`);
  }
  if (o.minSteps > o.steps) throw new UsageError(`--min-steps (${o.minSteps}) must not exceed --steps (${o.steps})`);
  return o;
}

/** The notebooks a --notebooks value names: 'all', or a comma list of numbers / name prefixes, each matching one. */
export function selectNotebooks(value) {
  if (value === 'all') return [...NOTEBOOKS];
  const picked = [];
  for (const part of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const hits = NOTEBOOKS.filter((n) => n === part || n.startsWith(part.length === 1 ? `0${part}` : part));
    if (hits.length !== 1) throw new UsageError(`--notebooks: '${part}' ${hits.length ? `is ambiguous (${hits.join(', ')})` : 'names no notebook'}; use numbers or names such as 06,07-non-contrastive, or all (${NOTEBOOKS.join(', ')})`);
    if (!picked.includes(hits[0])) picked.push(hits[0]);
  }
  if (!picked.length) throw new UsageError('--notebooks: empty list; use numbers such as 00,06 or all');
  return picked;
}

function integer(v, flag, min) {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} needs a whole number ≥ ${min} (got ${v})`);
  return Number(v);
}

function positiveNumber(v, flag) {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} needs a positive number of seconds (got ${v})`);
  return n;
}

function oneOf(v, flag, values) {
  if (!values.includes(v)) throw new UsageError(`${flag} must be one of ${values.join(', ')} (got ${v})`);
  return v;
}

/** Thrown by {@link StepTimer.tick} to end a training run once enough steps are timed (caught by the runner). */
export class EnoughSteps extends Error {
  constructor() {
    super('enough steps timed');
  }
}

/** Wall (ms) and CPU (ms, user + system of this process) clocks; tests pass fakes. */
export const realClock = {
  wall: () => performance.now(),
  cpu: () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  },
};

/**
 * Times the steps of one training run. `tick(done)` is called with the number of steps completed so far (from a
 * progress bar's update, or from a hook at the start of each step). The clock starts when `warmup` steps are done;
 * after `steps` timed steps, or once `budget` CPU seconds have passed with at least `minSteps` timed, `tick` records
 * the end and throws {@link EnoughSteps}. A run that ends by itself before that keeps what was timed.
 */
export class StepTimer {
  constructor({ warmup, steps, minSteps, budget }, clock = realClock) {
    Object.assign(this, { warmup, steps, minSteps, budget, clock });
    this.start = undefined;
    this.end = undefined;
  }

  tick(done) {
    if (this.end) return;
    const now = { step: done, wall: this.clock.wall(), cpu: this.clock.cpu() };
    if (!this.start) {
      if (done >= this.warmup) this.start = now;
      return;
    }
    this.last = now;
    const timed = done - this.start.step;
    if (timed >= this.steps || (timed >= this.minSteps && now.cpu - this.start.cpu >= 1000 * this.budget)) {
      this.end = now;
      throw new EnoughSteps();
    }
  }

  /** A lib/train ProgressLike: update(step) is called after each step with the count done. */
  progress() {
    return { update: (step) => this.tick(step), done: () => {} };
  }

  /** { timedSteps, wallMsPerStep, cpuMsPerStep }, or undefined when no step was timed. */
  result() {
    const end = this.end ?? this.last;
    if (!this.start || !end || end.step <= this.start.step) return undefined;
    const n = end.step - this.start.step;
    return { timedSteps: n, wallMsPerStep: (end.wall - this.start.wall) / n, cpuMsPerStep: (end.cpu - this.start.cpu) / n };
  }
}

/**
 * The full-mode estimate of one part. A training run: ms/step × its full-mode steps. An evaluation part timed once:
 * its time × `scale` (how much larger the full-size input is than the timed one, for a cost linear in it) ×
 * `count` (how many times the notebook runs it at full size).
 */
export function extrapolate(part) {
  if (part.kind === 'train') {
    if (!(part.fullSteps >= 0) || !(part.cpuMsPerStep >= 0)) throw new Error(`extrapolate: ${part.run}: needs fullSteps and cpuMsPerStep`);
    return { cpuS: (part.cpuMsPerStep * part.fullSteps) / 1000, wallS: (part.wallMsPerStep * part.fullSteps) / 1000 };
  }
  const scale = part.scale ?? 1, count = part.count ?? 1;
  if (!(scale > 0) || !(count >= 0)) throw new Error(`extrapolate: ${part.run}: scale must be > 0 and count ≥ 0`);
  return { cpuS: (part.cpuMs * scale * count) / 1000, wallS: (part.wallMs * scale * count) / 1000 };
}

/** Seconds as h:mm:ss (or m:ss under an hour). */
export function hms(s) {
  const t = Math.round(s);
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
  return h ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${m}:${String(sec).padStart(2, '0')}`;
}

/**
 * The rows of the table from the JSON records (one per part, as appended by the runner; a later record of the same
 * notebook and run replaces an earlier one), with a total row per notebook.
 */
export function summarize(records, { groupEval = false } = {}) {
  const latest = new Map();
  for (const r of records) latest.set(`${r.notebook}\u0000${r.run}`, r);
  const byNotebook = new Map();
  for (const r of latest.values()) {
    if (!byNotebook.has(r.notebook)) byNotebook.set(r.notebook, []);
    byNotebook.get(r.notebook).push(r);
  }
  const rows = [];
  for (const nb of [...byNotebook.keys()].sort()) {
    let cpu = 0, wall = 0;
    const evals = { n: 0, cpuS: 0, wallS: 0 };
    for (const r of byNotebook.get(nb)) {
      const e = extrapolate(r);
      cpu += e.cpuS;
      wall += e.wallS;
      if (groupEval && r.kind === 'eval') {
        evals.n++;
        evals.cpuS += e.cpuS;
        evals.wallS += e.wallS;
        continue;
      }
      rows.push({ notebook: nb, run: r.run, kind: r.kind, full: r.kind === 'train' ? r.fullSteps : r.count, msPerStep: r.kind === 'train' ? r.cpuMsPerStep : undefined, wallMsPerStep: r.kind === 'train' ? r.wallMsPerStep : undefined, timed: r.kind === 'train' ? r.timedSteps : undefined, cpuS: e.cpuS, wallS: e.wallS, note: r.note ?? '' });
    }
    if (evals.n) rows.push({ notebook: nb, run: `evaluation (${evals.n} part${evals.n === 1 ? '' : 's'})`, kind: 'eval', cpuS: evals.cpuS, wallS: evals.wallS, note: '' });
    rows.push({ notebook: nb, run: 'total', kind: 'total', cpuS: cpu, wallS: wall, note: '' });
  }
  return rows;
}

/** The table as text (markdown when `markdown`). */
export function formatTable(rows, { markdown = false } = {}) {
  const head = ['notebook', 'run', 'full-mode steps (or times run)', 'timed steps', 'CPU ms/step', 'wall ms/step', 'estimate, CPU', 'estimate, wall', 'how'];
  const cells = rows.map((r) => [
    r.notebook, r.kind === 'total' ? '**total**' : r.run, r.full === undefined ? '' : r.kind === 'train' ? String(r.full) : `×${r.full}`,
    r.timed === undefined ? '' : String(r.timed), r.msPerStep === undefined ? '' : r.msPerStep.toFixed(0), r.wallMsPerStep === undefined ? '' : r.wallMsPerStep.toFixed(0),
    r.kind === 'total' ? `**${hms(r.cpuS)}**` : hms(r.cpuS), r.kind === 'total' ? `**${hms(r.wallS)}**` : hms(r.wallS), r.note,
  ]);
  if (markdown) return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i >= 2 && i <= 7 ? '---:' : '---')).join('|')}|`, ...cells.map((c) => `| ${c.join(' | ')} |`)].join('\n');
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  return [head, ...cells].map((c) => c.map((v, i) => (i >= 2 && i <= 7 ? v.padStart(w[i]) : v.padEnd(w[i]))).join('  ').trimEnd()).join('\n');
}
