#!/usr/bin/env node
// Evaluation speed against scikit-learn / PyTorch (issue #24, "Evaluation"): the SSL-parity protocol's evaluation
// (scripts/measure/ssl-parity.mjs) with each part timed on its own, both sides at one thread, in alternating rounds.
//
//   node scripts/measure/eval-speed.mjs [--what raw,encoder] [--train 60000] [--rounds 1] [--sides reprlab,sklearn]
//                                       [--backend wasm] [--out build/eval-speed.jsonl]
//
// raw: raw pixels, 60k x 784 standardised -> 10k test: linearProbe (defaults: L-BFGS, C = 1) and knnClassify (k = 20,
// cosine). encoder: the small CNN 32-64-128 (seed 0, torch init) embeds the 70k images (`embed`, default batch),
// then the same probe and kNN on the 128-d features. The other side is scripts/measure/eval-speed.py
// (LogisticRegression C = 1 lbfgs on StandardScaler features, numpy kNN, torch embed at batch 1000), run by
// /usr/bin/python3 with OMP_NUM_THREADS=1; reprlab runs with REPRLAB_WASM_THREADS=1. Each round runs every side once
// per workload, the order flipped every round, so a shared machine's load hits both alike. Prints the best of the
// rounds per part, the ratio reprlab / scikit-learn, the accuracies, and the load average around each run.
import { spawn } from 'node:child_process';
import { appendFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { option } from './backend.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const whats = option('what', 'raw,encoder').split(',');
const train = Number(option('train', '60000'));
const rounds = Number(option('rounds', '1'));
const sides = option('sides', 'reprlab,sklearn').split(',');
const backend = option('backend', process.env.REPRLAB_BACKEND ?? '');
const out = option('out', 'build/eval-speed.jsonl');
const worker = option('worker', '');
for (const w of whats) if (!['raw', 'encoder'].includes(w)) throw new Error(`--what takes raw and/or encoder, e.g. --what raw,encoder (got '${w}')`);
for (const s of sides) if (!['reprlab', 'sklearn'].includes(s)) throw new Error(`--sides takes reprlab and/or sklearn (got '${s}')`);
if (!(Number.isInteger(train) && train >= 100 && train <= 60000)) throw new Error(`--train must be an integer in [100, 60000] (got '${option('train', '')}')`);
if (!(Number.isInteger(rounds) && rounds >= 1)) throw new Error(`--rounds must be a positive integer (got '${option('rounds', '')}')`);

if (worker) await runReprlab(worker);
else await coordinate();

/** One reprlab measurement (a child process): one JSON line. */
async function runReprlab(what) {
  const R = await import('reprlab');
  const used = (await R.initBackend({ verbose: false, ...(backend ? { backend } : {}) })).backend;
  const trainSet = await R.loadFashionMnist({ split: 'train', source: 'full' });
  const test = await R.loadFashionMnist({ split: 'test', source: 'full' });
  const set = train < trainSet.n ? R.subset(trainSet, Int32Array.from({ length: train }, (_, i) => i)) : trainSet;
  const o = { side: 'reprlab', backend: used, what, train, load: os.loadavg() };
  const tensors0 = R.tf.memory().numTensors;
  let ftr, fte;
  if (what === 'raw') [ftr, fte] = [R.pixelFeatures(set), R.pixelFeatures(test)];
  else {
    const encoder = R.smallCnn({ inputShape: [28, 28, 1], widths: [32, 64, 128], seed: 0, init: 'torch' });
    const t0 = performance.now();
    ftr = await R.embed(encoder, set);
    fte = await R.embed(encoder, test);
    o.embed_s = (performance.now() - t0) / 1000;
    encoder.dispose();
  }
  let t0 = performance.now();
  const p = await R.linearProbe(ftr, set.labels, fte, test.labels);
  Object.assign(o, { probe_s: (performance.now() - t0) / 1000, probe: p.top1, probe_iterations: p.iterations, probe_stop: p.stop });
  t0 = performance.now();
  const k = await R.knnClassify(ftr, set.labels, fte, { k: 20, metric: 'cosine' });
  Object.assign(o, { knn_s: (performance.now() - t0) / 1000, knn: R.accuracy(k.predictions, test.labels) });
  o.tensors_leaked = R.tf.memory().numTensors - tensors0;
  o.load_end = os.loadavg();
  console.log(JSON.stringify(o));
}

function child(cmd, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', REPRLAB_WASM_THREADS: '1' } });
    let buf = '';
    p.stdout.on('data', (d) => (buf += d));
    p.on('error', reject);
    p.on('exit', (code) => {
      const line = buf.split('\n').find((l) => l.startsWith('{'));
      if (code === 0 && line) resolve(JSON.parse(line));
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`));
    });
  });
}

async function coordinate() {
  mkdirSync(dirname(out), { recursive: true });
  const py = '/usr/bin/python3';
  const rows = [];
  console.log(`eval-speed: ${whats.join(', ')}; ${train} training rows; ${rounds} round(s) of ${sides.join(' / ')}, alternating; load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}; results -> ${out}`);
  for (let r = 0; r < rounds; r++) {
    for (const what of whats) {
      const order = r % 2 === 0 ? sides : [...sides].reverse();
      for (const side of order) {
        const res = side === 'reprlab'
          ? await child(process.execPath, [fileURLToPath(import.meta.url), '--worker', what, '--train', String(train), ...(backend ? ['--backend', backend] : [])])
          : await child(py, [join(here, 'eval-speed.py'), '--what', what, '--train', String(train)]);
        res.round = r;
        res.date = new Date().toISOString();
        appendFileSync(out, JSON.stringify(res) + '\n');
        rows.push(res);
        const parts = ['embed_s', 'probe_s', 'knn_s'].filter((p) => res[p] !== undefined).map((p) => `${p.replace('_s', '')} ${res[p].toFixed(1)} s`);
        console.log(`  round ${r} ${what} ${side}: ${parts.join(', ')}; probe ${res.probe.toFixed(4)} (${res.probe_iterations} it), kNN ${res.knn.toFixed(4)}; load ${res.load.map((x) => x.toFixed(1)).join(' ')} -> ${res.load_end.map((x) => x.toFixed(1)).join(' ')}`);
      }
    }
  }
  console.log('\n| workload | part | reprlab s (best) | scikit-learn/PyTorch s (best) | ratio |');
  console.log('|---|---|---:|---:|---:|');
  for (const what of whats) {
    const best = (side, p) => Math.min(...rows.filter((x) => x.side === side && x.what === what && x[p] !== undefined).map((x) => x[p]));
    const parts = what === 'raw' ? ['probe_s', 'knn_s'] : ['embed_s', 'probe_s', 'knn_s'];
    let a = 0, b = 0;
    for (const p of parts) {
      const x = best('reprlab', p), y = best('sklearn', p);
      a += x;
      b += y;
      console.log(`| ${what} | ${p.replace('_s', '')} | ${x.toFixed(1)} | ${y.toFixed(1)} | ${(x / y).toFixed(2)}× |`);
    }
    console.log(`| ${what} | total | ${a.toFixed(1)} | ${b.toFixed(1)} | ${(a / b).toFixed(2)}× |`);
  }
}
