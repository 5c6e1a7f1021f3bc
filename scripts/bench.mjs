#!/usr/bin/env node
// reprlab GPU benchmark (issue #8; docs/performance.md). Imports the built package ('reprlab' -> dist/), so run
// `npm run build` first (`npm run bench` does).
//
//   node scripts/bench.mjs [--backend webgpu|wasm|cpu|tensorflow|all|LIST] [--vs-torch] [--threads N] [--quick]
//                          [--json out.json] [--kernels both|ours|stock] [--only simclr,matmul,...] [--warmup N]
//                          [--steps N] [--profile] [--soak [STEPS]] [--markdown]
//
// Default: the backend initBackend() picks (REPRLAB_BACKEND), full sizes, on webgpu both kernel sets (stock tfjs
// kernels and ours, same run, ratio ours/stock). --quick: tiny sizes for a CPU box (lavapipe/cpu, a few minutes).
// --backend wasm,cpu: each workload on each backend in turn, the speed-up over cpu on every row. --vs-torch: the
// same workloads in PyTorch (scripts/bench/torch_workloads.py), alternating step by step, reprlab/PyTorch on every
// row (options: scripts/bench/args.mjs). --profile: per-kernel time of one step of each selected step workload
// (tf.profile). --soak: memory over many steps (default 1000) of the first selected step workload.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP, parseArgs, UsageError } from './bench/args.mjs';
import { addRatios, targetLines } from './bench/compare.mjs';
import { startBackend, useBackend } from './bench/engines.mjs';
import { countDispatches, median, memorySnapshot, profileTop, quantile, stepFlops, timeIt } from './bench/measure.mjs';
import { markdownTable, mib, profileReport, rowLine } from './bench/report.mjs';
import { probeTorch, TORCH_INSTALL, TorchSession, torchPython } from './bench/torch.mjs';
import { sizes, workloads } from './bench/workloads.mjs';

function fail(msg) {
  console.error(`bench: ${msg}\n\n${HELP}`);
  process.exit(2);
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  if (err instanceof UsageError) fail(err.message);
  throw err;
}
if (opts.help) {
  console.log(HELP);
  process.exit(0);
}
const here = dirname(fileURLToPath(import.meta.url));

let R;
try {
  R = await import('reprlab');
} catch (err) {
  console.error(`bench: cannot import the built package 'reprlab' (${String(err).split('\n')[0]}). Run \`npm run build\` first.`);
  process.exit(1);
}
const tf = R.tf;

/** Our workloads for this backend, filtered by --only. */
async function allWorkloads(backend) {
  const list = workloads(opts.quick, backend);
  if (!opts.only.length) return list;
  return list.filter((w) => opts.only.some((s) => w.group === s || w.name.includes(s)));
}

/**
 * The classical baselines' benchmark (scripts/bench/classical.mjs, issue #3) is a program of its own: run it as a
 * child process on the same backend when it exists and --only does not leave it out; its JSON joins ours.
 */
async function runClassical(backend) {
  const script = join(here, 'bench', 'classical.mjs');
  if (!existsSync(script) || (opts.only.length && !opts.only.includes('classical'))) return;
  const json = join(os.tmpdir(), `reprlab-bench-classical-${process.pid}-${backend}.json`);
  const args = [script, '--backend', backend, '--json', json, ...(opts.quick ? ['--n', '2000'] : [])];
  const r = await runChildBench({ title: 'classical baselines', what: 'classical', args, file: json, parse: JSON.parse, empty: 'no JSON written' });
  classical.push('failed' in r ? { backend, status: r.failed } : { backend, ...r.value });
}

/**
 * Run a benchmark program `args` (script first) as a child process of this Node, its output shown; then read and
 * `parse` the file it wrote, and remove it. Returns { value } or { failed } (its exit status, or `empty` when the file
 * is missing or does not parse).
 */
async function runChildBench({ title, what, args, file, parse, empty }) {
  console.log(`\n${title}: node ${relative(process.cwd(), args[0])} ${args.slice(1).join(' ')}`);
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.log(`  (${what} benchmark exited with status ${r.status})`);
    return { failed: r.status };
  }
  try {
    const value = parse(readFileSync(file, 'utf8'));
    rmSync(file, { force: true });
    return { value };
  } catch {
    return { failed: empty };
  }
}

/**
 * The evaluation workloads (issue #24: linear probe + kNN20 on raw pixels, embed 70k + probe + kNN20 on the small
 * CNN's 128-d features) take minutes each, so they run only when asked for by name (`--only eval`): as
 * scripts/measure/eval-speed.mjs, a child process per side (reprlab at one wasm thread; with --vs-torch scikit-learn
 * / PyTorch at one thread, the order flipped between rounds), on 60k training rows (--quick: 5k). Its rows join the
 * JSON as `evaluation`.
 */
async function runEvaluation(backend) {
  if (!opts.only.includes('eval')) return;
  const script = join(here, 'measure', 'eval-speed.mjs');
  const jsonl = join(os.tmpdir(), `reprlab-bench-eval-${process.pid}-${backend}.jsonl`);
  const sides = torch.session ? 'reprlab,sklearn' : 'reprlab';
  const args = [script, '--backend', backend, '--sides', sides, '--train', opts.quick ? '5000' : '60000', '--rounds', opts.quick ? '1' : '2', '--out', jsonl];
  const parse = (text) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const r = await runChildBench({ title: 'evaluation', what: 'evaluation', args, file: jsonl, parse, empty: 'no JSON lines written' });
  if ('failed' in r) evaluation.push({ backend, status: r.failed });
  else evaluation.push(...r.value);
}

const backendsToRun = () => (opts.backends[0] === 'all' ? [...R.BACKEND_ORDER] : opts.backends);

const choice = (mode) => (mode === 'auto' ? 'auto' : mode === 'ours');
const results = [];
const classical = [];
const evaluation = [];
const profiles = [];
const soaks = [];
const stepFlopsSeen = new Map();

/**
 * Time one workload under each kernel mode. The modes are interleaved step by step (stock, ours, stock, ours, ...)
 * on separate but identical set-ups, so that a noisy shared machine slows both alike and the ratio holds. With
 * --vs-torch, PyTorch's version of the workload (once per workload, beside the first backend that runs it) takes its
 * turn in the same rotation: reprlab step, PyTorch step, reprlab step, ...
 */
async function measureWorkload(w, info, modes) {
  const gpu = info.backend === 'webgpu';
  const use = (mode) => gpu && R.useCustomKernels(choice(mode));
  const rows = Object.fromEntries(modes.map((mode) => [mode, { backend: info.backend, workload: w.name, family: w.family, group: w.group, items: w.items, kernels: gpu ? mode : '-' }]));
  const set = {};
  const times = Object.fromEntries(modes.map((m) => [m, []]));
  const withTorch = torch.session && w.torch && !torch.done.has(w.name);
  const torchRow = withTorch ? { backend: 'pytorch', workload: w.name, family: w.family, group: w.group, items: w.items, kernels: '-', threads: torch.session.info.threads, times: [] } : null;
  let torchId;
  const torchStep = async () => torchRow.times.push((await torch.session.step(torchId)).ms);
  try {
    for (const mode of modes) set[mode] = await w.setup(R);
    for (const mode of modes) {
      use(mode);
      await timeIt(set[mode].run, { warmup: opts.warmup, steps: 0 });
    }
    if (withTorch) {
      torch.done.add(w.name);
      try {
        torchId = await torch.session.setup(w.torch);
        for (let i = 0; i < opts.warmup; i++) await torch.session.step(torchId);
      } catch (err) {
        torchRow.error = String(err.message ?? err).split('\n')[0];
      }
    }
    const memBefore = memorySnapshot(tf);
    for (let i = 0; i < opts.steps; i++) {
      for (const mode of modes) {
        use(mode);
        times[mode].push((await timeIt(set[mode].run, { warmup: 0, steps: 1 })).times[0]);
        if (torchRow && !torchRow.error) await torchStep().catch((err) => (torchRow.error = String(err.message ?? err)));
      }
    }
    const memAfter = memorySnapshot(tf);
    const first = set[modes[0]];
    // FLOPs of a step come from one profiled step; the same workload on another backend has the same FLOPs.
    const flops = first.flops ?? (w.group === 'op' ? 0 : (stepFlopsSeen.get(w.name) ?? (await stepFlops(tf, first.run)).flops));
    stepFlopsSeen.set(w.name, flops);
    for (const mode of modes) {
      use(mode);
      const t = times[mode];
      Object.assign(rows[mode], {
        ms: median(t),
        p10: quantile(t, 0.1),
        p90: quantile(t, 0.9),
        steps: t.length,
        imgPerS: w.items ? (1000 * w.items) / median(t) : undefined,
        flops,
        tflops: flops ? flops / (median(t) * 1e-3) / 1e12 : undefined,
        dispatches: await countDispatches(tf, set[mode].run),
        memBefore,
        memAfter,
        note: set[mode].note,
      });
    }
    if (torchRow && !torchRow.error) {
      const t = torchRow.times;
      Object.assign(torchRow, { ms: median(t), p10: quantile(t, 0.1), p90: quantile(t, 0.9), steps: t.length, imgPerS: w.items ? (1000 * w.items) / median(t) : undefined, flops, tflops: flops ? flops / (median(t) * 1e-3) / 1e12 : undefined });
    }
  } catch (err) {
    for (const mode of modes) rows[mode].error ??= String(err).split('\n')[0];
  } finally {
    for (const mode of modes) set[mode]?.dispose();
    if (torchId) await torch.session.dispose(torchId).catch(() => {});
  }
  for (const m of ['ours', 'auto']) if (rows[m]?.ms && rows.stock?.ms) rows[m].ratio = rows[m].ms / rows.stock.ms;
  if (torchRow?.ms) for (const mode of modes) if (rows[mode].ms) rows[mode].vsTorch = rows[mode].ms / torchRow.ms;
  const torchNote = torch.reason ?? (!w.torch && torch.session ? 'no PyTorch version of this workload' : undefined);
  for (const mode of modes) {
    if (torchNote && !rows[mode].vsTorch && !torch.done.has(w.name)) rows[mode].torchNote = torchNote;
    results.push(rows[mode]);
    console.log(rows[mode].error ? `${w.name.padEnd(44)} ${rows[mode].kernels.padEnd(6)} ERROR ${rows[mode].error}` : rowLine(rows[mode]));
  }
  if (torchRow && (torchRow.ms || torchRow.error)) {
    results.push(torchRow);
    console.log(torchRow.error ? `${w.name.padEnd(44)} torch  ERROR ${torchRow.error}` : rowLine({ ...torchRow, kernels: 'torch' }));
  }
  const notes = [...new Set(modes.map((m) => rows[m].note).filter(Boolean))];
  for (const n of notes) console.log(`  (${n})`);
  const m = rows[modes[0]];
  if (m.memBefore && (m.memAfter.numTensors !== m.memBefore.numTensors || m.memAfter.numBytes !== m.memBefore.numBytes))
    console.log(`  memory changed over the timed steps: ${m.memBefore.numTensors} -> ${m.memAfter.numTensors} tensors, ${mib(m.memBefore.numBytes)} -> ${mib(m.memAfter.numBytes)} MiB`);
}

async function profileWorkload(w, info, modes) {
  for (const mode of modes) {
    if (info.backend === 'webgpu') R.useCustomKernels(choice(mode));
    const s = await w.setup(R);
    try {
      for (let i = 0; i < Math.max(1, opts.warmup); i++) {
        const out = s.run();
        await out.data();
        out.dispose();
      }
      const p = await profileTop(tf, s.run);
      p.dispatches = await countDispatches(tf, s.run);
      profiles.push({ backend: info.backend, device: info.device, workload: w.name, kernels: mode, ...p });
      console.log(`\nprofile: ${w.name} on ${info.backend}${info.backend === 'webgpu' ? `, ${mode} kernels` : ''}` + (p.dispatches != null ? ` (${p.dispatches} GPU dispatches)` : ''));
      console.log(profileReport(p));
    } finally {
      s.dispose();
    }
  }
}

async function soak(w, info, steps) {
  const mode = opts.kernelModes[opts.kernelModes.length - 1];
  if (info.backend === 'webgpu') R.useCustomKernels(choice(mode));
  console.log(`\nsoak: ${steps} steps of ${w.name} on ${info.backend}${info.backend === 'webgpu' ? ` (${mode} kernels)` : ''}`);
  const s = await w.setup(R);
  const trace = [];
  const every = Math.max(1, Math.round(steps / 10));
  try {
    const first = s.run();
    await first.data();
    first.dispose();
    const start = memorySnapshot(tf);
    trace.push({ step: 0, ...start });
    const t0 = performance.now();
    for (let i = 1; i <= steps; i++) {
      const out = s.run();
      await out.data(); // sync every step, as the timed runs do
      out.dispose();
      if (i % every === 0 || i === steps) {
        const m = memorySnapshot(tf);
        trace.push({ step: i, ...m, msPerStep: (performance.now() - t0) / i });
        console.log(`  step ${String(i).padStart(5)}: ${m.numTensors} tensors, ${mib(m.numBytes)} MiB` + (m.numBytesInGPU !== undefined ? `, GPU ${mib(m.numBytesInGPU)} MiB in use / ${mib(m.numBytesAllocatedInGPU)} MiB allocated` : '') + `, ${((performance.now() - t0) / i).toFixed(1)} ms/step`);
      }
    }
    const end = trace[trace.length - 1];
    const flat = end.numTensors === start.numTensors && end.numBytes === start.numBytes;
    console.log(`  memory ${flat ? 'FLAT' : 'NOT FLAT'}: ${start.numTensors} -> ${end.numTensors} tensors, ${mib(start.numBytes)} -> ${mib(end.numBytes)} MiB`);
    soaks.push({ backend: info.backend, workload: w.name, kernels: mode, steps, flat, trace });
  } finally {
    s.dispose();
  }
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`reprlab bench ${new Date().toISOString()} | node ${process.version} | tfjs ${tf.version_core} | ${os.cpus()[0]?.model ?? os.arch()} x${os.cpus().length}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB | load ${load()} | ${opts.quick ? 'quick sizes' : 'full sizes'}`);
const loadStart = os.loadavg();
const devices = [];
const engines = [];
for (const name of backendsToRun()) {
  let info;
  try {
    info = await startBackend(R, name, { threads: opts.threads });
  } catch (err) {
    const reason = String(err.message ?? err).split('\n')[0].split('. ')[0];
    console.log(`\nbackend ${name}: skipped (${reason})`);
    results.push({ backend: name, skipped: reason });
    continue;
  }
  devices.push(info);
  engines.push(info);
  const threads = info.threads && !/thread/.test(info.device) ? `, ${info.threads} thread${info.threads === 1 ? '' : 's'}` : '';
  console.log(`backend ${info.backend} on ${info.device}${threads}`);
}

/** PyTorch beside reprlab (--vs-torch): one server process for the run, at the wasm backend's thread count. */
const torch = { session: null, reason: undefined, done: new Set() };
if (opts.vsTorch && !opts.soak && !opts.profile) {
  const probe = probeTorch();
  if (!probe.ok) {
    torch.reason = probe.reason;
    console.log(`\n${probe.reason}\n  PyTorch columns stay empty. To compare, install PyTorch for ${torchPython()}: ${TORCH_INSTALL}`);
  } else {
    const threads = engines.find((e) => e.backend === 'wasm')?.threads ?? opts.threads ?? 1;
    try {
      torch.session = await TorchSession.start({ threads });
      const i = torch.session.info;
      console.log(`PyTorch ${i.torch} (${torchPython()}), ${i.threads} thread${i.threads === 1 ? '' : 's'}, oneDNN ${i.mkldnn ? 'on' : 'off'}, BLAS ${i.blas}`);
      devices.push({ backend: 'pytorch', device: `PyTorch ${i.torch}, BLAS ${i.blas}`, threads: i.threads });
    } catch (err) {
      torch.reason = `PyTorch did not start: ${String(err.message ?? err).split('\n')[0]}`;
      console.log(torch.reason);
    }
  }
}

if (opts.soak || opts.profile) {
  for (const info of engines) {
    await useBackend(tf, info.backend);
    const modes = info.backend === 'webgpu' ? opts.kernelModes : ['-'];
    const steps = (await allWorkloads(info.backend)).filter((w) => w.group !== 'op');
    if (!steps.length) fail(`${opts.soak ? '--soak' : '--profile'} needs a step workload (see --only)`);
    if (opts.soak) await soak(steps[0], info, opts.soak);
    else for (const w of steps) await profileWorkload(w, info, modes);
  }
} else {
  // Workload by workload, each on every backend in turn (so a ratio between backends is measured minutes, not a
  // whole run, apart); the list is the first backend's, then what later ones add (their sizes may differ).
  const lists = await Promise.all(engines.map(async (e) => ({ e, list: await allWorkloads(e.backend) })));
  const order = [...new Set(lists.flatMap(({ list }) => list.map((w) => w.name)))];
  if (engines.length && !order.length && !opts.only.includes('classical') && !opts.only.includes('eval')) fail(`--only ${opts.only.join(',')} selects no workload`);
  let header = null;
  for (const name of order) {
    for (const { e, list } of lists) {
      const w = list.find((x) => x.name === name);
      if (!w) continue;
      await useBackend(tf, e.backend);
      const modes = e.backend === 'webgpu' ? opts.kernelModes : ['-'];
      if (header !== e.backend && engines.length === 1) console.log(`\nbackend ${e.backend}${e.backend === 'webgpu' ? ` | kernels: ${modes.join(' vs ')}` : ''}`);
      header = e.backend;
      await measureWorkload(w, e, modes);
    }
  }
  for (const e of engines) {
    await useBackend(tf, e.backend);
    await runClassical(e.backend);
    await runEvaluation(e.backend);
  }
}
await torch.session?.close();

const loadEnd = os.loadavg();
if (!opts.soak && !opts.profile) {
  addRatios(results);
  console.log(`\nload average ${loadStart.map((x) => x.toFixed(2)).join(' ')} at the start, ${load()} at the end; ${engines.map((e) => `${e.backend}: ${e.device}${e.threads && !/thread/.test(e.device) ? `, ${e.threads} thread(s)` : ''}`).join('; ')}`);
  console.log('\n' + markdownTable(results.filter((r) => !r.error)));
  for (const line of targetLines(results)) console.log(line);
}
if (opts.json) {
  const file = resolve(opts.json);
  mkdirSync(dirname(file), { recursive: true });
  const out = { date: new Date().toISOString(), loadavg: { start: loadStart, end: loadEnd }, node: process.version, tfjs: tf.version_core, cpu: os.cpus()[0]?.model, quick: opts.quick, sizes: Object.fromEntries(engines.map((d) => [d.backend, sizes(opts.quick, d.backend)])), warmup: opts.warmup, steps: opts.steps, devices, results, classical, evaluation, profiles, soaks };
  writeFileSync(file, JSON.stringify(out, null, 1));
  console.log(`\nwrote ${file}`);
}
