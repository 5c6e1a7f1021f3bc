// The SSL-parity protocol in reprlab and, where /usr/bin/python3 has torch and scikit-learn, in PyTorch in the same
// run (scripts/measure/ssl-parity.py), one thread each, printed side by side:
//   small CNN 32-64-128 + BatchNorm, head 128-128-64, NT-Xent τ 0.5, Adam 1e-3, batch 256 from all 60,000
//   Fashion-MNIST training images, two views of random resized crop (scale 0.35-1) + flip + brightness/contrast 0.4;
//   evaluation: linear probe (L-BFGS, C = 1, standardised features, 60k -> 10k test) and kNN (k = 20, cosine).
//
//   node scripts/measure/ssl-parity.mjs [--steps 100,300] [--seeds 0,1,2] [--parallel 2] [--torch 1] [--baselines 1]
//                                       [--init torch|he] [--eval-train 60000] [--out build/ssl-parity.jsonl]
//
// Each (side, seed) is one process; --parallel of them run at once (2 on a 2-core machine: one thread each). Every
// evaluation is appended to --out as a JSON line as soon as it is made, and a rerun skips what --out already holds
// (resumable). `--init torch` (default: the pre-training recipes' PyTorch initialisation) or `he` (the library's
// default: He-normal conv, Glorot-uniform dense, BatchNorm ε 1e-3), lib/models/layers.ts `InitScheme`. The table at
// the end gives, per row, the mean [min, max] over the seeds. docs/results.md "SSL parity" holds the figures.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { option } from './backend.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const steps = option('steps', '100,300');
const seeds = option('seeds', '0,1,2').split(',').map(Number);
const parallel = Number(option('parallel', '2'));
const withTorch = option('torch', '1') === '1';
const baselines = option('baselines', '1');
const init = option('init', 'torch');
const evalTrain = option('eval-train', '60000');
const out = option('out', 'build/ssl-parity.jsonl');
const worker = option('worker', '');

for (const s of seeds) if (!Number.isInteger(s) || s < 0) throw new Error(`--seeds must be non-negative integers, e.g. 0,1,2 (got '${option('seeds', '')}')`);
if (!['torch', 'he'].includes(init)) throw new Error(`--init must be 'torch' or 'he' (got '${init}')`);
if (!/^\d+(,\d+)*$/.test(steps)) throw new Error(`--steps must be step counts such as 100,300 (got '${steps}')`);

if (worker) await runReprlab(Number(worker));
else await coordinate();

/** One reprlab run (a child process): train to each step mark, evaluate, print one JSON line per evaluation. */
async function runReprlab(seed) {
  const lib = await import('reprlab');
  const { tf, initBackend, loadFashionMnist, smallCnn, simclr, greyscaleViews, embed, linearProbe, knnClassify, pixelFeatures } = lib;
  const backend = (await initBackend({ verbose: false })).backend;
  const train = await loadFashionMnist({ split: 'train', source: 'full' });
  const test = await loadFashionMnist({ split: 'test', source: 'full' });
  const n = Number(evalTrain);
  const evalSet = n < train.n ? lib.subset(train, Int32Array.from({ length: n }, (_, i) => i)) : train;
  const emit = (d) => console.log(JSON.stringify({ side: 'reprlab', backend, init, seed, ...d }));
  const evaluate = async (ftr, fte) => {
    const t0 = performance.now();
    const probe = await linearProbe(ftr, evalSet.labels, fte, test.labels);
    const knn = await knnClassify(ftr, evalSet.labels, fte, { k: 20, metric: 'cosine' });
    return { probe: probe.top1, knn: lib.accuracy(knn.predictions, test.labels), eval_s: (performance.now() - t0) / 1000 };
  };
  const encoder = smallCnn({ inputShape: [28, 28, 1], widths: [32, 64, 128], seed, init });
  const augment = greyscaleViews(seed); // crop 0.35–1, flip, brightness/contrast 0.4: the pre-training recipes' views
  const method = simclr({ encoder, temperature: 0.5, projectionDim: 64, hiddenDim: 128, batchSize: 256, augment, seed, init });
  if (baselines === '1') {
    // raw pixels do not depend on the seed: evaluated at the first seed only
    if (seed === seeds[0]) emit({ what: 'raw pixels', ...(await evaluate(pixelFeatures(evalSet), pixelFeatures(test))) });
    emit({ what: 'random init', ...(await evaluate(await embed(encoder, evalSet), await embed(encoder, test))) });
  }
  // each mark continues the same run: a checkpoint carries weights, Adam's state and the step across marks
  const checkpointPath = join(mkdtempSync(join(tmpdir(), 'ssl-parity-')), 'simclr.ckpt');
  let trainS = 0;
  for (const mark of steps.split(',').map(Number).sort((a, b) => a - b)) {
    const t0 = performance.now();
    const r = await method.train(train, { steps: mark, seed, progress: false, checkpointPath, keepCheckpoints: 1 });
    trainS += (performance.now() - t0) / 1000;
    emit({ what: `SimCLR ${mark} steps`, steps: mark, train_s: trainS, loss: r.losses.at(-1), ...(await evaluate(await embed(encoder, evalSet), await embed(encoder, test))) });
  }
  rmSync(dirname(checkpointPath), { recursive: true, force: true });
  method.dispose();
  tf.disposeVariables();
}

/** Run every (side, seed) not yet in --out, `parallel` at a time, then print the table. */
async function coordinate() {
  mkdirSync(dirname(out), { recursive: true });
  const have = existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
  const key = (side, seed) => `${side}|${side === 'reprlab' ? init : 'torch'}|${seed}`;
  const finished = new Set(have.filter((r) => r.steps === Math.max(...steps.split(',').map(Number))).map((r) => key(r.side, r.seed)));
  const jobs = [];
  for (const seed of seeds) {
    if (!finished.has(key('reprlab', seed))) jobs.push(['reprlab', seed]);
    if (withTorch && !finished.has(key('pytorch', seed))) jobs.push(['pytorch', seed]);
  }
  const torchOk = !withTorch || (await runs('/usr/bin/python3', ['-c', 'import torch, sklearn']));
  if (!torchOk) console.log('ssl-parity: /usr/bin/python3 has no torch + scikit-learn (Debian: python3-torch python3-sklearn); reprlab side only');
  const queue = jobs.filter(([side]) => side === 'reprlab' || torchOk);
  console.log(`ssl-parity: ${queue.length} runs (${queue.map(([a, b]) => `${a} seed ${b}`).join(', ') || 'none: all in ' + out}), ${parallel} at a time; results -> ${out}`);
  const one = ([side, seed]) => {
    const [cmd, args] = side === 'reprlab'
      ? [process.execPath, [fileURLToPath(import.meta.url), '--worker', String(seed), '--seeds', seeds.join(','), '--steps', steps, '--init', init, '--eval-train', evalTrain, '--baselines', baselines]]
      : ['/usr/bin/python3', [join(here, 'ssl-parity.py'), '--seed', String(seed), '--steps', steps, '--eval-train', evalTrain, ...(baselines === '1' ? ['--baselines'] : []), ...(seed === seeds[0] ? [] : ['--no-pixels'])]];
    return new Promise((resolve, reject) => {
      const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, OMP_NUM_THREADS: '1', REPRLAB_WASM_THREADS: '1' } });
      let buf = '';
      p.stdout.on('data', (d) => {
        buf += d;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (!line.startsWith('{')) continue;
          appendFileSync(out, line + '\n');
          const r = JSON.parse(line);
          console.log(`  ${r.side} seed ${r.seed} ${r.what}: probe ${r.probe.toFixed(4)} kNN ${r.knn.toFixed(4)}${r.train_s ? ` (train ${r.train_s.toFixed(0)} s)` : ''} eval ${r.eval_s.toFixed(0)} s`);
        }
      });
      p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${side} seed ${seed} exited with ${code}`))));
    });
  };
  const pending = [...queue];
  await Promise.all(Array.from({ length: Math.max(1, parallel) }, async () => {
    while (pending.length) await one(pending.shift());
  }));
  printTable(existsSync(out) ? readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []);
}

function runs(cmd, args) {
  return new Promise((resolve) => spawn(cmd, args, { stdio: 'ignore' }).on('exit', (c) => resolve(c === 0)).on('error', () => resolve(false)));
}

function printTable(rows) {
  const label = (r) => (r.side === 'reprlab' ? `reprlab (${r.init})` : 'PyTorch');
  const groups = new Map();
  for (const r of rows) {
    if (!seeds.includes(r.seed)) continue;
    const k = `${r.what}\t${label(r)}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(r);
  }
  const f = (xs) => `${(xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(4)} [${Math.min(...xs).toFixed(4)}, ${Math.max(...xs).toFixed(4)}]`;
  console.log('\n| row | side | seeds | probe mean [min, max] | kNN mean [min, max] | train s (mean) |');
  console.log('|---|---|---|---|---|---|');
  for (const [k, rs] of [...groups].sort()) {
    const [what, side] = k.split('\t');
    const t = rs.filter((r) => r.train_s).map((r) => r.train_s);
    console.log(`| ${what} | ${side} | ${rs.map((r) => r.seed).join(',')} | ${f(rs.map((r) => r.probe))} | ${f(rs.map((r) => r.knn))} | ${t.length ? (t.reduce((a, b) => a + b, 0) / t.length).toFixed(0) : ''} |`);
  }
}
