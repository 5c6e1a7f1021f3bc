// Notebook 07's comparison at equal budget, measured over seeds from the encoder cache (npm run pretrain makes the
// encoders): linear probe and kNN (k = 20) of each cached encoder on the first 10,000 training images → 10,000
// test images (laptop size; the protocol of 07's section "At a size where they learn" and 06's section 6), beside the
// same CNN at random init and the raw pixels. Encoders not in the cache are skipped (never trained here).
//   node scripts/measure/suite-eval.mjs [--mode laptop] [--seeds 0,1,2] [--names byol,simsiam,...] [--out build/suite/eval.jsonl]
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs, importBuilt } from '../lib/args.mjs';

const usage = 'usage: node scripts/measure/suite-eval.mjs [--mode laptop] [--seeds 0,1,2] [--names a,b] [--out FILE] [--summary]';
const args = parseArgs(process.argv.slice(2), {
  mode: { type: 'string', choices: ['smoke', 'laptop', 'full'], default: 'laptop' },
  seeds: { type: 'list', help: 'default 0,1,2' },
  names: { type: 'list' },
  out: { type: 'string', default: 'build/suite/eval.jsonl' },
  summary: { type: 'flag', help: 'print the mean [min, max] table of --out and exit' },
}, usage);

if (args.summary) {
  const rows = readFileSync(args.out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const by = new Map();
  for (const r of rows) by.set(`${r.name}|${r.seed}`, r); // the last measurement of a name and seed wins
  const names = [...new Set([...by.values()].map((r) => r.name))];
  const f = (v) => (100 * v).toFixed(1);
  const stat = (v) => `${f(v.reduce((a, b) => a + b, 0) / v.length)} [${f(Math.min(...v))}, ${f(Math.max(...v))}]`;
  console.log('| representation | seeds | linear probe % mean [min, max] | kNN % | probe − random init (points, per seed) |');
  console.log('|---|---|---|---|---|');
  for (const n of names) {
    const rs = [...by.values()].filter((r) => r.name === n).sort((a, b) => a.seed - b.seed);
    const rnd = (s) => by.get(`random init|${s}`);
    const d = rs.map((r) => (rnd(r.seed) ? (100 * (r.probe - rnd(r.seed).probe)).toFixed(1) : '—')).join(' / ');
    console.log(`| ${n} | ${rs.map((r) => r.seed).join(',')} | ${stat(rs.map((r) => r.probe))} | ${stat(rs.map((r) => r.knn))} | ${d} |`);
  }
  process.exit(0);
}

const seeds = args.seeds ?? ['0', '1', '2'];
const lib = await importBuilt('index.js');
process.env.REPRLAB_MODE = args.mode;
await lib.initBackend();
const mode = lib.mode();
const names = args.names ?? [...lib.SUITE_NAMES];
const data = await lib.pretrainData(mode);
const P = { smoke: [512, 512], laptop: [10000, 10000], full: [60000, 10000] }[mode];
const evalTrain = lib.subset(data, Int32Array.from({ length: Math.min(P[0], data.n) }, (_, i) => i));
const evalTest = await lib.resizeImages(await lib.loadFashionMnist({ split: 'test', limit: P[1] }), [data.height, data.width]);
const write = (row) => { appendFileSync(args.out, JSON.stringify({ ...row, mode, date: new Date().toISOString(), load: loadavg()[0] }) + '\n'); console.log(JSON.stringify(row)); };
const done = new Set(existsSync(args.out) ? readFileSync(args.out, 'utf8').trim().split('\n').filter(Boolean).map((l) => { const r = JSON.parse(l); return `${r.name}|${r.seed}`; }) : []);
const evaluate = async (enc) => { const r = await lib.encoderReport(enc, evalTrain, evalTest); return { probe: r.probe, knn: r.knn, rankMe: r.rankMe }; };
for (const seedText of seeds) {
  const seed = Number(seedText);
  if (!done.has(`raw pixels|${seed}`)) {
    const a = lib.pixelFeatures(evalTrain), b = lib.pixelFeatures(evalTest);
    const probe = (await lib.linearProbe(a, evalTrain.labels, b, evalTest.labels)).top1;
    const knn = (await lib.knnAccuracy(a, evalTrain.labels, b, evalTest.labels, { k: 20 })).accuracy;
    for (const s of seeds) if (!done.has(`raw pixels|${s}`)) { write({ name: 'raw pixels', seed: Number(s), probe, knn }); done.add(`raw pixels|${s}`); }
  }
  if (!done.has(`random init|${seed}`)) {
    const m = lib.pretrainRecipe('simclr-suite', { mode, seed, data }).build();
    write({ name: 'random init', seed, ...(await evaluate(m.encoder)) });
    m.dispose();
  }
  for (const name of names) {
    if (done.has(`${name}|${seed}`)) continue;
    const recipe = lib.pretrainRecipe(name, { mode, seed, data });
    if (!lib.cachedEncoderPath(recipe)) { console.log(`${name} seed ${seed}: not in the cache, skipped`); continue; }
    const run = await lib.pretrained(recipe);
    write({ name, seed, steps: recipe.steps, batch: recipe.batchSize, trainSeconds: run.trainSeconds, ...(await evaluate(run.method.encoder)) });
    run.method.dispose();
  }
}
