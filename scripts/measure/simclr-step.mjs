// One SimCLR training step (the bench's reference: smallCnn 32-64-128 + GAP + projection head 128-128-64, NT-Xent
// τ 0.5, Adam 1e-3) on B images of 28×28×1, timed, and profiled per kernel:
//   node scripts/measure/simclr-step.mjs [--backend wasm|cpu|webgpu|tensorflow] [--batch 256] [--steps 5] [--profile 1]
// Prints the median ms/step, then (with --profile 1) the kernels of one step by total time, then one JSON line.
import os from 'node:os';
import { tf, smallCnn, projectionHead, ntXent } from 'reprlab';
import { measurementBackend, option } from './backend.mjs';
import { simclrBenchStep } from './simclr-bench-step.mjs';

const B = Number(option('batch', '256'));
const steps = Number(option('steps', '5'));
const profile = option('profile', '1') === '1';
for (const [name, v] of [['batch', B], ['steps', steps]]) if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer (got '${option(name, '')}')`);
const backend = await measurementBackend();
const { step } = simclrBenchStep({ tf, smallCnn, projectionHead, ntXent }, B);

const first = step();
const loss0 = (await first.data())[0];
first.dispose();
const times = [];
const tensors = tf.memory().numTensors;
for (let i = 0; i < steps; i++) {
  const t0 = performance.now();
  const l = step();
  await l.data();
  l.dispose();
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
console.log(`${backend}: SimCLR step B=${B} 28x28x1: median ${median.toFixed(0)} ms over ${steps} (first loss ${loss0.toFixed(4)}; tensors ${tensors} -> ${tf.memory().numTensors})`);
if (profile) {
  const info = await tf.profile(async () => {
    const l = step();
    await l.data();
    l.dispose();
  });
  const by = new Map();
  for (const k of info.kernels) {
    const e = by.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    e.n += 1;
    by.set(k.name, e);
  }
  const rows = [...by.entries()].sort((a, b) => b[1].ms - a[1].ms);
  for (const [name, e] of rows.slice(0, 25)) console.log(`  ${name.padEnd(24)} ${e.ms.toFixed(1).padStart(9)} ms  ×${e.n}`);
  if (option('calls', '0') !== '0') {
    const calls = info.kernels.filter((k) => typeof k.kernelTimeMs === 'number').sort((a, b) => b.kernelTimeMs - a.kernelTimeMs);
    for (const k of calls.slice(0, Number(option('calls', '0')))) console.log(`    ${k.name.padEnd(22)} ${k.kernelTimeMs.toFixed(1).padStart(8)} ms  in ${JSON.stringify(k.inputShapes)} out ${JSON.stringify(k.outputShapes)}`);
  }
}
console.log(JSON.stringify({ figure: 'simclr-step-28x28x1', backend, batch: B, steps, medianMs: Math.round(median), load: os.loadavg().map((v) => +v.toFixed(2)), date: new Date().toISOString() }));
