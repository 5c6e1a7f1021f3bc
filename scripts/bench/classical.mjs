#!/usr/bin/env node
// Classical baselines benchmark (issue #3): k-means and PCA on Fashion-MNIST pixels, the tensor engine (tiled
// matMuls on the active tfjs backend) against the JS packages (ml-kmeans, ml-pca), measured in the same run on the
// same rows. Imports the built package (dist/): run `npm run build` first.
//
//   node scripts/bench/classical.mjs [--n 60000] [--k 10] [--iterations 10] [--components 50]
//                                    [--backend cpu|webgpu|tensorflow] [--only kmeans,pca] [--skip-js] [--json out.json]
//
// k-means: both engines start from the same k-means++ centres and run exactly --iterations Lloyd iterations
// (tolerance 0), so they do the same work; the assignments are compared. PCA: --components components of the
// N×784 pixel matrix; the tensor engine forms the covariance on the backend and solves the 784×784 eigenproblem in
// JS, ml-pca runs an SVD of the centred data in JS. --skip-js times the tensor engine only (ml-pca's SVD on 60k rows
// takes tens of minutes on a CPU).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { fail, importBuilt, parseArgs } from '../lib/args.mjs';

const USAGE = `usage: node scripts/bench/classical.mjs [options]
  --n N            rows of the Fashion-MNIST training set (default 60000; the bundled mini set has 2000)
  --k K            k-means clusters (default 10)
  --iterations I   Lloyd iterations, the same for both engines (default 10)
  --components C   PCA components (default 50)
  --backend B      cpu | webgpu | tensorflow (default: REPRLAB_BACKEND, else automatic)
  --only LIST      kmeans,pca (default both)
  --skip-js        time the tensor engine only
  --json FILE      also write the figures to FILE`;

const o = parseArgs(process.argv.slice(2), {
  n: { type: 'number', default: 60000 },
  k: { type: 'number', default: 10 },
  iterations: { type: 'number', default: 10 },
  components: { type: 'number', default: 50 },
  backend: { type: 'string', choices: ['cpu', 'webgpu', 'tensorflow'] },
  only: { type: 'list' },
  'skip-js': { type: 'flag' },
  json: { type: 'string' },
}, USAGE);
const only = o.only?.length ? o.only : ['kmeans', 'pca'];
for (const w of only) if (!['kmeans', 'pca'].includes(w)) fail(`--only: unknown workload '${w}'`, USAGE);

const lib = await importBuilt('index.js');
const { initBackend, loadFashionMnist, pixelFeatures, kMeans, pca, kMeansPlusPlus, Rng, tf } = lib;
const info = await initBackend({ backend: o.backend, verbose: false });
const set = await loadFashionMnist({ split: 'train', limit: o.n, verbose: false });
const f = pixelFeatures(set);
console.log(`classical benchmark: ${set.name}, ${f.n}×${f.dim} rows; ${info.summary}; ${os.cpus().length} CPU cores (${os.cpus()[0]?.model ?? '?'})`);

const rows = [];
const time = async (label, fn) => {
  const t0 = performance.now();
  const out = await fn();
  const ms = performance.now() - t0;
  console.log(`  ${label.padEnd(44)} ${ms.toFixed(0).padStart(9)} ms`);
  return { ms, out };
};

if (only.includes('kmeans')) {
  console.log(`k-means: k = ${o.k}, ${o.iterations} Lloyd iterations from the same k-means++ seeds`);
  const seeds = kMeansPlusPlus(f, o.k, new Rng(0));
  const init = new Float32Array(o.k * f.dim);
  seeds.forEach((i, j) => init.set(f.data.subarray(i * f.dim, (i + 1) * f.dim), j * f.dim));
  const common = { k: o.k, initialCenters: { data: init, n: o.k, dim: f.dim }, maxIterations: o.iterations, tolerance: 0, reseedRounds: 0 };
  const tensor = await time(`tensor engine (${tf.getBackend()})`, () => kMeans(f, { ...common, engine: 'tensor' }));
  const row = { workload: 'kmeans', n: f.n, dim: f.dim, k: o.k, iterations: tensor.out.iterations, tensorMs: tensor.ms };
  if (!o['skip-js']) {
    const js = await time('ml-kmeans (JS)', () => kMeans(f, { ...common, engine: 'ml-kmeans' }));
    let same = 0;
    for (let i = 0; i < f.n; i++) if (js.out.assignments[i] === tensor.out.assignments[i]) same++;
    Object.assign(row, { jsMs: js.ms, ratio: js.ms / tensor.ms, sameAssignments: same / f.n });
    console.log(`  ratio ml-kmeans / tensor: ${(js.ms / tensor.ms).toFixed(2)}x; identical assignments: ${((100 * same) / f.n).toFixed(2)}%`);
  }
  rows.push(row);
}

if (only.includes('pca')) {
  console.log(`PCA: ${o.components} components`);
  const tensor = await time(`tensor engine (${tf.getBackend()}) + JS eigensolver`, () => pca(f, { components: o.components, engine: 'tensor' }));
  const row = { workload: 'pca', n: f.n, dim: f.dim, components: o.components, tensorMs: tensor.ms, explained: tensor.out.cumulativeVarianceRatio[o.components - 1] };
  console.log(`  explained variance of ${o.components} components: ${row.explained.toFixed(4)}`);
  if (!o['skip-js']) {
    const js = await time('ml-pca (JS SVD)', () => pca(f, { components: o.components, engine: 'ml-pca' }));
    let maxDiff = 0;
    for (let i = 0; i < o.components; i++) maxDiff = Math.max(maxDiff, Math.abs(js.out.variances[i] - tensor.out.variances[i]) / js.out.variances[0]);
    Object.assign(row, { jsMs: js.ms, ratio: js.ms / tensor.ms, maxVarianceDiff: maxDiff });
    console.log(`  ratio ml-pca / tensor: ${(js.ms / tensor.ms).toFixed(2)}x; largest variance difference ${maxDiff.toExponential(2)} (relative to λ1)`);
  }
  rows.push(row);
}

if (o.json) writeFileSync(o.json, JSON.stringify({ date: new Date().toISOString(), backend: info.summary, cpus: os.cpus().length, rows }, null, 2) + '\n');
