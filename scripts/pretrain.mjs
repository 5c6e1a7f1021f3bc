// `npm run pretrain [-- --mode M --seed S names…]`: train the course's shared encoders that the cache does not hold
// yet (lib/methods/pretrain-recipes.ts, lib/train/encoder-cache.ts), so that the notebooks load them.
// Safe to stop at any time: a run saves every 25 steps and the next call resumes it. `--list` shows the cache,
// `--clear` empties it. `npm run handouts` runs this first.
import { parseArgs, fail, importBuilt, build } from './lib/args.mjs';

const usage = `usage: npm run pretrain -- [--mode auto|smoke|laptop|full] [--seed 0[,1,2]] [--no-build] [names…]
       npm run pretrain -- --list | --clear
names: simclr (notebook 06's run), and notebook 07's equal-budget suite: byol, simsiam, barlow-twins, vicreg, dino,
swav, simclr-suite, moco (06 loads moco too). Default: every name (all are loaded by the notebooks). Mode: REPRLAB_MODE, else auto (laptop on a CPU, full on a GPU).
Cache: $REPRLAB_ENCODER_CACHE, else data/cache/encoders (docs/results.md "Trained encoders").`;
const args = parseArgs(process.argv.slice(2), {
  mode: { type: 'string', choices: ['auto', 'smoke', 'laptop', 'full'], default: process.env.REPRLAB_MODE || 'auto' },
  seed: { type: 'list', help: 'seeds, e.g. 0 or 0,1,2' },
  list: { type: 'flag' },
  clear: { type: 'flag' },
  'no-build': { type: 'flag' },
}, usage);
if (!args['no-build']) await build('pretrain');
const lib = await importBuilt('index.js');

if (args.list || args.clear) {
  const entries = lib.listEncoderCache();
  const mb = (b) => (b / 1e6).toFixed(1);
  for (const e of entries) console.log(`${e.partial ? 'in progress' : 'finished   '}  ${mb(e.bytes).padStart(7)} MB  ${e.file}`);
  console.log(`${entries.length} files, ${mb(entries.reduce((a, e) => a + e.bytes, 0))} MB in ${lib.encoderCacheDir()}`);
  if (args.clear) console.log(`removed ${lib.clearEncoderCache()} files`);
  process.exit(0);
}

const names = args._.length ? args._ : [...lib.PRETRAIN_USED];
for (const n of names) if (!lib.PRETRAIN_NAMES.includes(n)) fail(`unknown name '${n}' (known: ${lib.PRETRAIN_NAMES.join(', ')})`, usage);
const seeds = (args.seed ?? ['0']).map(Number);
for (const s of seeds) if (!Number.isInteger(s) || s < 0) fail(`--seed takes non-negative integers (got '${args.seed.join(',')}')`, usage);

process.env.REPRLAB_MODE = args.mode;
await lib.initBackend();
const mode = lib.mode();
console.log(`pretrain: mode ${mode} (${args.mode}), seeds ${seeds.join(', ')}, ${names.join(', ')}; cache ${lib.encoderCacheDir()}`);
const data = await lib.pretrainData(mode);
for (const seed of seeds)
  for (const name of names) {
    const recipe = lib.pretrainRecipe(name, { mode, seed, data });
    const run = await lib.pretrained(recipe);
    console.log(run.cached
      ? `${recipe.name} seed ${seed}: cached (trained in ${run.trainSeconds.toFixed(0)} s) ${run.path}`
      : `${recipe.name} seed ${seed}: trained ${recipe.steps} steps in ${run.seconds.toFixed(0)} s -> ${run.path}`);
    run.method.dispose();
  }
