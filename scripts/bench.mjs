#!/usr/bin/env node
// reprlab GPU benchmark (issue #8; docs/performance.md). Imports the built package ('reprlab' -> dist/), so run
// `npm run build` first (`npm run bench` does).
//
//   node scripts/bench.mjs [--backend webgpu|cpu|tensorflow|all] [--quick] [--json out.json]
//                          [--kernels both|ours|stock] [--only simclr,matmul,...] [--warmup N] [--steps N]
//                          [--profile] [--soak [STEPS]] [--markdown]
//
// Default: the backend initBackend() picks (REPRLAB_BACKEND), full sizes, on webgpu both kernel sets (stock tfjs
// kernels and ours, same run, ratio ours/stock). --quick: tiny sizes for a CPU box (lavapipe/cpu, a few minutes).
// --profile: per-kernel time of one step of each selected step workload (tf.profile). --soak: memory over many
// steps (default 1000) of the first selected step workload.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { countDispatches, median, memorySnapshot, profileTop, quantile, stepFlops, timeIt } from './bench/measure.mjs';
import { markdownTable, mib, profileReport, rowLine } from './bench/report.mjs';
import { sizes, workloads } from './bench/workloads.mjs';

const HELP = `usage: node scripts/bench.mjs [options]   (or: npm run bench -- [options])
  --backend NAME    webgpu | cpu | tensorflow | all (default: REPRLAB_BACKEND or the first that starts)
  --quick           tiny sizes, for a CPU-only box (lavapipe or cpu): a few minutes
  --kernels WHICH   on webgpu, which kernel sets to time: both (= stock,ours; the default), or a comma list of
                    stock, ours, auto (auto = the default choice: all of ours on a GPU, fewer on a software
                    adapter; see lib/kernels). REPRLAB_KERNELS=stock|ours|auto sets the default to that one
  --only LIST       comma-separated: step, op, classical, simclr, supervised, mae, matmul, nt-xent, conv, or any part
                    of a name (classical = scripts/bench/classical.mjs, run as a child process when present)
  --warmup N        untimed calls first (default 3; quick 1)
  --steps N         timed calls, median reported (default 20; quick 3)
  --profile         print the top kernels (tf.profile) of one call of each selected step workload
  --soak [STEPS]    run STEPS (default 1000) steps of the first selected step workload and report memory
  --json FILE       also write every figure to FILE
  --markdown        print the closing table as markdown (default: also printed)
  --help`;

function parseArgs(argv) {
  const o = { backend: undefined, quick: false, kernels: undefined, only: [], warmup: undefined, steps: undefined, profile: false, soak: 0, json: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--help' || a === '-h') {
      console.log(HELP);
      process.exit(0);
    } else if (a === '--backend') o.backend = next();
    else if (a === '--quick') o.quick = true;
    else if (a === '--kernels') o.kernels = next();
    else if (a === '--only') o.only.push(...next().split(',').filter(Boolean));
    else if (a === '--warmup') o.warmup = int(next(), a);
    else if (a === '--steps') o.steps = int(next(), a);
    else if (a === '--profile') o.profile = true;
    else if (a === '--soak') o.soak = /^\d+$/.test(argv[i + 1] ?? '') ? int(argv[++i], a) : 1000;
    else if (a === '--json') o.json = next();
    else if (a === '--markdown') o.markdown = true;
    else fail(`unknown option ${a}`);
  }
  const envKernels = process.env.REPRLAB_KERNELS?.toLowerCase();
  o.kernels ??= envKernels === 'ours' || envKernels === 'stock' || envKernels === 'auto' ? envKernels : 'both';
  o.kernelModes = o.kernels === 'both' ? ['stock', 'ours'] : o.kernels.split(',');
  if (!o.kernelModes.length || o.kernelModes.some((m) => !['ours', 'stock', 'auto'].includes(m))) fail(`--kernels must be both, or a comma list of stock, ours, auto (got ${o.kernels})`);
  o.warmup ??= o.quick ? 1 : 3;
  o.steps ??= o.quick ? 3 : 20;
  return o;
}
function int(v, flag) {
  if (!/^\d+$/.test(v)) fail(`${flag} needs a whole number (got ${v})`);
  return Number(v);
}
function fail(msg) {
  console.error(`bench: ${msg}\n\n${HELP}`);
  process.exit(2);
}

const opts = parseArgs(process.argv.slice(2));
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
  console.log(`\nclassical baselines: node ${relative(process.cwd(), script)} ${args.slice(1).join(' ')}`);
  const { spawnSync } = await import('node:child_process');
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.log(`  (classical benchmark exited with status ${r.status})`);
    classical.push({ backend, status: r.status });
    return;
  }
  try {
    classical.push({ backend, ...JSON.parse(readFileSync(json, 'utf8')) });
    rmSync(json, { force: true });
  } catch {
    classical.push({ backend, status: 'no JSON written' });
  }
}

function backendsToRun() {
  const b = opts.backend ?? process.env.REPRLAB_BACKEND;
  if (!b || b === 'auto') return [undefined];
  if (b === 'all') return [...R.BACKEND_ORDER];
  return [b];
}

const choice = (mode) => (mode === 'auto' ? 'auto' : mode === 'ours');
const results = [];
const classical = [];
const profiles = [];
const soaks = [];

/**
 * Time one workload under each kernel mode. The modes are interleaved step by step (stock, ours, stock, ours, ...)
 * on separate but identical set-ups, so that a noisy shared machine slows both alike and the ratio holds.
 */
async function measureWorkload(w, info, modes) {
  const gpu = info.backend === 'webgpu';
  const use = (mode) => gpu && R.useCustomKernels(choice(mode));
  const rows = Object.fromEntries(modes.map((mode) => [mode, { backend: info.backend, workload: w.name, group: w.group, kernels: gpu ? mode : '-' }]));
  const set = {};
  const times = Object.fromEntries(modes.map((m) => [m, []]));
  try {
    for (const mode of modes) set[mode] = await w.setup(R);
    for (const mode of modes) {
      use(mode);
      await timeIt(set[mode].run, { warmup: opts.warmup, steps: 0 });
    }
    const memBefore = memorySnapshot(tf);
    for (let i = 0; i < opts.steps; i++) {
      for (const mode of modes) {
        use(mode);
        times[mode].push((await timeIt(set[mode].run, { warmup: 0, steps: 1 })).times[0]);
      }
    }
    const memAfter = memorySnapshot(tf);
    const first = set[modes[0]];
    const flops = first.flops ?? (w.group === 'op' ? 0 : (await stepFlops(tf, first.run)).flops);
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
  } catch (err) {
    for (const mode of modes) rows[mode].error ??= String(err).split('\n')[0];
  } finally {
    for (const mode of modes) set[mode]?.dispose();
  }
  for (const m of ['ours', 'auto']) if (rows[m]?.ms && rows.stock?.ms) rows[m].ratio = rows[m].ms / rows.stock.ms;
  for (const mode of modes) {
    results.push(rows[mode]);
    console.log(rows[mode].error ? `${w.name.padEnd(44)} ${rows[mode].kernels.padEnd(6)} ERROR ${rows[mode].error}` : rowLine(rows[mode]));
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

console.log(`reprlab bench ${new Date().toISOString()} | node ${process.version} | tfjs ${tf.version_core} | ${os.cpus()[0]?.model ?? os.arch()} x${os.cpus().length} | ${opts.quick ? 'quick sizes' : 'full sizes'}`);
const devices = [];
for (const name of backendsToRun()) {
  let info;
  try {
    info = await R.initBackend({ backend: name, verbose: false });
  } catch (err) {
    const reason = String(err.message ?? err).split('\n')[0].split('. ')[0];
    console.log(`\nbackend ${name}: skipped (${reason})`);
    results.push({ backend: name, skipped: reason });
    continue;
  }
  devices.push({ backend: info.backend, device: info.device });
  const modes = info.backend === 'webgpu' ? opts.kernelModes : ['-'];
  console.log(`\nbackend ${info.backend} on ${info.device}${info.backend === 'webgpu' ? ` | kernels: ${modes.join(' vs ')}` : ''}`);
  const list = await allWorkloads(info.backend);
  if (!list.length && !opts.only.includes('classical')) fail(`--only ${opts.only.join(',')} selects no workload`);
  const steps = list.filter((w) => w.group !== 'op');
  if (opts.soak) {
    if (!steps.length) fail('--soak needs a step workload (see --only)');
    await soak(steps[0], info, opts.soak);
  } else if (opts.profile) {
    for (const w of steps) await profileWorkload(w, info, modes);
  } else {
    for (const w of list) await measureWorkload(w, info, modes);
    await runClassical(info.backend);
  }
}

if (!opts.soak && !opts.profile) {
  console.log('\n' + markdownTable(results.filter((r) => !r.error)));
}
if (opts.json) {
  const file = resolve(opts.json);
  mkdirSync(dirname(file), { recursive: true });
  const out = { date: new Date().toISOString(), node: process.version, tfjs: tf.version_core, cpu: os.cpus()[0]?.model, quick: opts.quick, sizes: Object.fromEntries(devices.map((d) => [d.backend, sizes(opts.quick, d.backend)])), warmup: opts.warmup, steps: opts.steps, devices, results, classical, profiles, soaks };
  writeFileSync(file, JSON.stringify(out, null, 1));
  console.log(`\nwrote ${file}`);
}
