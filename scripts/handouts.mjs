// `npm run handouts [-- --mode auto|smoke|laptop|full] [--seed N] [names...]`: the course's main job. Executes every notebook in
// notebooks/ (not homework/) and writes handouts/<name>.html (interactive figures, table of contents),
// handouts/<name>.pdf and handouts/index.html. See docs/handouts.md.
import { spawnSync } from 'node:child_process';
import { relative } from 'node:path';
import { parseArgs, fail } from './lib/args.mjs';
import { checkBuilt, ensureKernel, parseSeed, ROOT } from './notebooks.mjs';
import { exportHandouts } from './handouts/export.mjs';

const usage = `usage: npm run handouts [-- [names...] [options]]

  names               notebooks: 00-setup, 00, 00-setup.ipynb (default: every notebooks/*.ipynb)
  --mode M            auto (default, or REPRLAB_MODE): full on a GPU backend, laptop on a CPU engine;
                      laptop (sized for a laptop CPU: ~45 min for all ten on 2 cores), full (the lecture's sizes,
                      for a GPU host), smoke (tiny sizes: a quick self-check, ~10 min; not the lecture's figures)
  --backend NAME      cpu, wasm, webgpu or tensorflow (default: REPRLAB_BACKEND, else automatic)
  --seed N            the run's seed (REPRLAB_SEED, default 0): every notebook adds it to its own seeds, so
                      seeds 0, 1, 2 are three independent runs; the banner shows a seed other than 0
  --timeout S         seconds per cell (default 120 in smoke mode, 1800 otherwise)
  --out DIR           where handouts go (default handouts/)
  --no-pdf            HTML only (older PDFs of these notebooks are removed: they would not match)
  --standalone        each page carries plotly.js inline (5 MB a page) and works on its own; by default the pages
                      share <out>/plotly.min.js, so copy the folder as a whole
  --no-build          skip 'npm run build' (notebooks import the built package)
  --no-execute        re-render pages and PDFs from the executed copies of the last run (no kernel)
  --no-pretrain       skip 'npm run pretrain' (which first trains the shared encoders missing from the cache)

Writes <out>/<name>.html, <out>/<name>.pdf, <out>/index.html (and the executed notebooks in <out>/.executed/).
A failing notebook gets a page showing its error and no PDF; the others go on; the exit status is then 1.`;
const args = parseArgs(
  process.argv.slice(2),
  {
    mode: { type: 'string', choices: ['auto', 'smoke', 'laptop', 'full'], default: process.env.REPRLAB_MODE || 'auto' },
    backend: { type: 'string', choices: ['cpu', 'wasm', 'webgpu', 'tensorflow', 'auto'] },
    seed: { type: 'string' },
    timeout: { type: 'number' },
    out: { type: 'string' },
    'no-pdf': { type: 'flag' },
    standalone: { type: 'flag' },
    'no-build': { type: 'flag' },
    'no-execute': { type: 'flag' },
    'no-pretrain': { type: 'flag' },
  },
  usage,
);
let seed;
try {
  if (args.seed !== undefined) seed = parseSeed(args.seed);
} catch (err) {
  fail(err.message, usage);
}
if (!args['no-build'] && !args['no-execute']) {
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (b.status !== 0) console.error('handouts: npm run build reported errors (going on with what it emitted)');
}
if (!args['no-execute']) try {
  const warning = checkBuilt();
  if (warning) console.error(`handouts: warning: ${warning}`);
  ensureKernel();
} catch (err) {
  console.error(`handouts: ${err.message}`);
  process.exit(1);
}
if (!args['no-execute'] && !args['no-pretrain']) {
  // the shared encoders first (lib/methods/pretrain-recipes.ts): the notebooks then load them from the cache
  const env = { ...process.env, ...(args.backend && args.backend !== 'auto' ? { REPRLAB_BACKEND: args.backend } : {}) };
  const p = spawnSync(process.execPath, ['scripts/pretrain.mjs', '--no-build', '--mode', args.mode, '--seed', String(seed ?? process.env.REPRLAB_SEED ?? 0)], { cwd: ROOT, stdio: 'inherit', env });
  if (p.status !== 0) console.error('handouts: npm run pretrain failed (the notebooks will train what is missing themselves)');
}
let result;
try {
  result = await exportHandouts({
    names: args._,
    mode: args.mode,
    backend: args.backend === 'auto' ? undefined : args.backend,
    seed,
    timeout: args.timeout,
    outDir: args.out,
    pdf: !args['no-pdf'],
    standalone: !!args.standalone,
    execute: !args['no-execute'],
    log: (line) => console.log(line),
  });
} catch (err) {
  fail(err.message, usage);
}
const { entries, failed, index } = result;
if (entries.length === 0) fail(args['no-execute'] ? 'nothing to re-render (no executed copies): run without --no-execute' : 'no notebooks in notebooks/', usage);
console.log(`\n${entries.length - failed.length} of ${entries.length} handout(s) made (${args.mode} mode): ${relative(process.cwd(), index) || index}`);
if (failed.length) {
  console.error(`FAILED: ${failed.map((e) => `${e.name}${e.cell != null ? ` (cell ${e.cell})` : ''}`).join(', ')} — their pages show the error`);
  process.exit(1);
}
