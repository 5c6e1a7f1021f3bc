// `npm run notebooks [-- names...] [--mode smoke|laptop|full|auto] [--backend cpu|wasm|webgpu|tensorflow] [--seed N] [--timeout s] [--no-build]`
// Executes notebooks/*.ipynb (sorted, not homework/) headless through the tslab kernel, one line per notebook,
// executed copies in build/executed/; exits non-zero naming every failed notebook and cell.
import { spawnSync } from 'node:child_process';
import { basename, relative } from 'node:path';
import { checkBuilt, describeFailure, ensureKernel, EXECUTED_DIR, executeNotebook, listNotebooks, parseSeed, ROOT } from './notebooks.mjs';

const MODES = ['smoke', 'laptop', 'full', 'auto'];
const USAGE = `usage: npm run notebooks [-- [names...] [options]]

  names             notebooks to run: 00-setup, 00-setup.ipynb, 00, or a path (default: all of notebooks/*.ipynb)
  --mode M          smoke (tiny sizes, default; or REPRLAB_MODE), laptop (sized for a laptop CPU, ~45 min for all),
                    full (the lecture's sizes, for a GPU) or auto (full on a GPU backend, laptop on a CPU engine)
  --backend B       cpu, wasm, webgpu or tensorflow (default: REPRLAB_BACKEND, else automatic)
  --seed N          the run's seed (REPRLAB_SEED, default 0): every notebook adds it to its own seeds, so
                    --seed 1 and --seed 2 repeat a run with other initial weights, views and batches
  --timeout S       seconds per cell (default 120 in smoke mode, 1800 otherwise)
  --out DIR         where executed copies go (default build/executed)
  --no-build        skip 'npm run build' (notebooks import the built package)
  --verbose         print each cell's time`;

function parse(argv) {
  const o = { names: [], mode: process.env.REPRLAB_MODE || 'smoke', backend: process.env.REPRLAB_BACKEND || undefined, build: true, verbose: false };
  const value = (i, name) => {
    const v = argv[i];
    if (v === undefined || v.startsWith('--')) die(`option --${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    let inline;
    if (a.startsWith('--') && a.includes('=')) [a, inline] = [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)];
    const next = (name) => inline ?? value(++i, name);
    switch (a) {
      case '-h':
      case '--help':
        console.log(USAGE);
        process.exit(0);
        break;
      case '--mode':
        o.mode = next('mode');
        if (!MODES.includes(o.mode)) die(`--mode must be one of ${MODES.join(', ')} (got '${o.mode}')`);
        break;
      case '--backend':
        o.backend = next('backend');
        if (!['cpu', 'wasm', 'webgpu', 'tensorflow', 'auto'].includes(o.backend)) die(`--backend must be cpu, wasm, webgpu, tensorflow or auto (got '${o.backend}')`);
        if (o.backend === 'auto') o.backend = undefined;
        break;
      case '--seed':
        try {
          o.seed = parseSeed(next('seed'));
        } catch (err) {
          die(err.message);
        }
        break;
      case '--timeout':
        o.timeout = Number(next('timeout'));
        if (!(o.timeout > 0)) die('--timeout must be a positive number of seconds');
        break;
      case '--out':
        o.out = next('out');
        break;
      case '--no-build':
        o.build = false;
        break;
      case '--verbose':
        o.verbose = true;
        break;
      default:
        if (a.startsWith('-')) die(`unknown option '${a}'`);
        o.names.push(a);
    }
  }
  return o;
}

function die(msg) {
  console.error(`run-notebooks: ${msg}\n\n${USAGE}`);
  process.exit(2);
}

const o = parse(process.argv.slice(2));
let notebooks;
try {
  notebooks = listNotebooks(o.names);
} catch (err) {
  die(err.message);
}
if (notebooks.length === 0) {
  console.log('run-notebooks: no notebooks in notebooks/');
  process.exit(0);
}
if (o.build) {
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) console.error('run-notebooks: npm run build reported errors (running the notebooks against what it emitted)');
}
try {
  const warning = checkBuilt();
  if (warning) console.error(`run-notebooks: warning: ${warning}`);
  ensureKernel();
} catch (err) {
  console.error(`run-notebooks: ${err.message}`);
  process.exit(1);
}

const outDir = o.out ?? EXECUTED_DIR;
const seedNote = o.seed !== undefined ? `, seed ${o.seed}` : process.env.REPRLAB_SEED ? `, seed ${process.env.REPRLAB_SEED} (REPRLAB_SEED)` : '';
console.log(`run-notebooks: ${notebooks.length} notebook(s), mode ${o.mode}, backend ${o.backend ?? 'auto'}${seedNote} -> ${relative(process.cwd(), outDir) || outDir}`);
const width = Math.max(...notebooks.map((p) => basename(p).length));
const failures = [];
for (const nb of notebooks) {
  const r = await executeNotebook(nb, {
    mode: o.mode,
    backend: o.backend,
    seed: o.seed,
    timeout: o.timeout,
    outPath: `${outDir}/${basename(nb)}`,
    onEvent: o.verbose ? (ev) => ev.event === 'cell' && console.log(`    cell ${ev.index}: ${ev.seconds.toFixed(1)} s`) : undefined,
  });
  console.log(`${r.ok ? 'ok     ' : 'FAILED '} ${basename(nb).padEnd(width)}  ${r.seconds.toFixed(1).padStart(6)} s${r.ok ? '' : `  (cell ${r.cell ?? '?'})`}`);
  if (!r.ok) failures.push(r);
}
if (failures.length) {
  console.error(`\n${failures.length} of ${notebooks.length} notebook(s) failed:\n`);
  for (const f of failures) console.error(describeFailure(f) + '\n');
  console.error(`executed copies (with outputs up to the failing cell) are in ${relative(process.cwd(), outDir) || outDir}/`);
  process.exit(1);
}
console.log(`all ${notebooks.length} notebook(s) ran`);
