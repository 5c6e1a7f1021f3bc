// The bench's SimCLR step (smallCnn 32-64-128 + GAP + projection head 128-128-64, NT-Xent τ 0.5, Adam 1e-3, two
// noise-perturbed views of B images of 28×28×1) on the wasm backend with 1 and with 2 XNNPACK threads, side by side
// in one run: the thread count is fixed when the wasm module starts, so each count runs in a child process of its
// own, and the parent asks them for one step in turn (1, 2, 1, 2, …) so that the load of a shared machine hits both
// alike. Each child reports the step's wall time and its process CPU time (all threads).
//   node scripts/measure/wasm-threads-ab.mjs [--batch 32] [--steps 10] [--warmup 2] [--threads 1,2]
// Prints the medians, the ratio 1 thread / N threads (> 1: more threads are faster), the CPU/wall ratio of each (≈ the
// cores in use) and the load average at the start and end; one JSON line at the end.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { option } from './backend.mjs';
import { simclrBenchStep } from './simclr-bench-step.mjs';

const int = (name, fallback, min = 1) => {
  const v = option(name, fallback);
  if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`--${name} must be an integer ≥ ${min} (got '${v}')`);
  return Number(v);
};

if (process.argv.includes('--child')) {
  // child: start wasm with the given threads, build the step, then one step per line read on stdin
  const threads = int('child', '1');
  const B = int('batch', '32');
  const { initBackend, tf, smallCnn, projectionHead, ntXent } = await import('reprlab');
  await initBackend({ backend: 'wasm', wasmThreads: threads, verbose: false });
  const { getThreadsCount } = await import('@tensorflow/tfjs-backend-wasm');
  const { step } = simclrBenchStep({ tf, smallCnn, projectionHead, ntXent }, B);
  process.stdout.write(JSON.stringify({ ready: true, threads: getThreadsCount() }) + '\n');
  for await (const line of createInterface({ input: process.stdin })) {
    if (line !== 'step') break;
    const w0 = performance.now(), u0 = process.cpuUsage();
    const l = step();
    const loss = (await l.data())[0];
    l.dispose();
    const u = process.cpuUsage(u0);
    process.stdout.write(JSON.stringify({ wallMs: performance.now() - w0, cpuMs: (u.user + u.system) / 1000, loss, tensors: tf.memory().numTensors }) + '\n');
  }
  process.exit(0);
}

const B = int('batch', '32');
const steps = int('steps', '10');
const warmup = int('warmup', '2', 0);
const counts = option('threads', '1,2').split(',').map(Number);
if (counts.length < 2 || !counts.every((n) => Number.isInteger(n) && n >= 1 && n <= 8)) throw new Error(`--threads must be a comma list of two or more thread counts from 1 to 8, e.g. 1,2 (got '${option('threads', '')}')`);

/** A child process running the step with `threads` threads; `next()` resolves with its next JSON line. */
function child(threads) {
  const p = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child', String(threads), '--batch', String(B)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: p.stdout });
  const queue = [], waiting = [];
  lines.on('line', (l) => (waiting.length ? waiting.shift()(JSON.parse(l)) : queue.push(JSON.parse(l))));
  p.on('exit', (code) => { for (const w of waiting.splice(0)) w({ error: `child (${threads} threads) exited with ${code}` }); });
  const next = () => new Promise((resolve) => (queue.length ? resolve(queue.shift()) : waiting.push(resolve)));
  return { threads, p, next, ask: async () => { p.stdin.write('step\n'); const r = await next(); if (r.error) throw new Error(r.error); return r; } };
}

const load0 = os.loadavg();
const kids = counts.map(child);
for (const k of kids) {
  const r = await k.next();
  if (!r.ready) throw new Error(r.error ?? 'child did not start');
  k.reported = r.threads;
  k.times = [];
}
for (let i = 0; i < warmup + steps; i++)
  for (const k of i % 2 ? [...kids].reverse() : kids) {
    const r = await k.ask();
    if (i >= warmup) k.times.push(r);
  }
for (const k of kids) k.p.stdin.end('stop\n');
const load1 = os.loadavg();
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
const rows = kids.map((k) => ({ threads: k.threads, reported: k.reported, wallMs: median(k.times.map((t) => t.wallMs)), cpuMs: median(k.times.map((t) => t.cpuMs)), walls: k.times.map((t) => Math.round(t.wallMs)), loss: k.times.at(-1).loss, tensors: k.times.at(-1).tensors }));
console.log(`SimCLR step B=${B} 28x28x1 on wasm, ${steps} timed steps each after ${warmup}, alternating; load ${load0.map((v) => v.toFixed(2)).join(' ')} → ${load1.map((v) => v.toFixed(2)).join(' ')}`);
for (const r of rows) console.log(`  ${r.threads} thread(s) (wasm reports ${r.reported}): median ${r.wallMs.toFixed(0)} ms wall, ${r.cpuMs.toFixed(0)} ms CPU (CPU/wall ${(r.cpuMs / r.wallMs).toFixed(2)}); ×${(rows[0].wallMs / r.wallMs).toFixed(2)} vs ${rows[0].threads}; steps ${r.walls.join(' ')} ms; loss ${r.loss.toFixed(4)}`);
console.log(JSON.stringify({ figure: 'wasm-threads-ab', batch: B, steps, warmup, rows, load: [load0, load1].map((l) => l.map((v) => +v.toFixed(2))), cpus: os.cpus().length, date: new Date().toISOString() }));
