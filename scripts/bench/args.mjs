// The benchmark's command line: options, their checks and the usage text (scripts/bench.mjs). Kept apart from the
// bench itself so the argument handling can be tested without starting a backend (test/scripts/bench-args.test.ts).

export const HELP = `usage: node scripts/bench.mjs [options]   (or: npm run bench -- [options])
  --backend LIST    webgpu | wasm | cpu | tensorflow | all, or a comma list run side by side in one process, e.g.
                    wasm,cpu (default: REPRLAB_BACKEND or the first that starts). With two or more, each workload is
                    timed on each backend in turn; with cpu among them every other row gets its speed-up over cpu
  --vs-torch        also run the same workloads in PyTorch (CPU) in the same run, alternating step by step with
                    reprlab's, and print reprlab/PyTorch on every row. Needs torch in /usr/bin/python3 (Debian:
                    sudo apt-get install -y --no-install-recommends python3-torch; REPRLAB_PYTHON picks another
                    python); without it the rows come without the ratio
  --threads N       threads for PyTorch (torch.set_num_threads) and for the wasm backend; default 1. PyTorch always
                    runs with the thread count the wasm backend reports when wasm is among the backends
  --quick           tiny sizes, for a CPU-only box (lavapipe or cpu): a few minutes
  --kernels WHICH   on webgpu, which kernel sets to time: both (= stock,ours; the default), or a comma list of
                    stock, ours, auto (auto = the default choice: all of ours on a GPU, fewer on a software
                    adapter; see lib/kernels). REPRLAB_KERNELS=stock|ours|auto sets the default to that one
  --only LIST       comma-separated: step, op, classical, simclr, supervised, mae, matmul, nt-xent, conv, or any part
                    of a name (classical = scripts/bench/classical.mjs, run as a child process when present);
                    eval (only when named): the linear probe, kNN20 and embed of the SSL-parity protocol
                    (scripts/measure/eval-speed.mjs, minutes), beside scikit-learn/PyTorch with --vs-torch
  --warmup N        untimed calls first (default 3; quick 1)
  --steps N         timed calls, median reported (default 20; quick 3)
  --profile         print the top kernels (tf.profile) of one call of each selected step workload
  --soak [STEPS]    run STEPS (default 1000) steps of the first selected step workload and report memory
  --json FILE       also write every figure to FILE
  --markdown        print the closing table as markdown (default: also printed)
  --help`;

export const BACKEND_NAMES = ['tensorflow', 'webgpu', 'wasm', 'cpu'];

/** A bad command line: the message names the option and what it accepts. */
export class UsageError extends Error {}

/**
 * Parse the bench's argv (without node and the script). Throws {@link UsageError}; `--help` gives `{ help: true }`.
 * `env` stands in for process.env (REPRLAB_BACKEND, REPRLAB_KERNELS).
 */
export function parseArgs(argv, env = process.env) {
  const o = { backend: undefined, backends: undefined, vsTorch: false, threads: undefined, quick: false, kernels: undefined, only: [], warmup: undefined, steps: undefined, profile: false, soak: 0, json: undefined, markdown: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--help' || a === '-h') return { ...o, help: true };
    else if (a === '--backend') o.backend = next();
    else if (a === '--vs-torch') o.vsTorch = true;
    else if (a === '--threads') o.threads = positiveInt(next(), a);
    else if (a === '--quick') o.quick = true;
    else if (a === '--kernels') o.kernels = next();
    else if (a === '--only') o.only.push(...next().split(',').filter(Boolean));
    else if (a === '--warmup') o.warmup = wholeNumber(next(), a);
    else if (a === '--steps') o.steps = positiveInt(next(), a);
    else if (a === '--profile') o.profile = true;
    else if (a === '--soak') o.soak = /^\d+$/.test(argv[i + 1] ?? '') ? positiveInt(argv[++i], a) : 1000;
    else if (a === '--json') o.json = next();
    else if (a === '--markdown') o.markdown = true;
    else throw new UsageError(`unknown option ${a}`);
  }
  o.backends = backendList(o.backend ?? env.REPRLAB_BACKEND);
  const envKernels = env.REPRLAB_KERNELS?.toLowerCase();
  o.kernels ??= envKernels === 'ours' || envKernels === 'stock' || envKernels === 'auto' ? envKernels : 'both';
  o.kernelModes = o.kernels === 'both' ? ['stock', 'ours'] : o.kernels.split(',');
  if (!o.kernelModes.length || o.kernelModes.some((m) => !['ours', 'stock', 'auto'].includes(m))) throw new UsageError(`--kernels must be both, or a comma list of stock, ours, auto (got ${o.kernels})`);
  o.warmup ??= o.quick ? 1 : 3;
  o.steps ??= o.quick ? 3 : 20;
  return o;
}

/**
 * The backends to run, in order: [undefined] for "the one initBackend picks", 'all' for every one reprlab knows
 * (resolved by the caller against R.BACKEND_ORDER), else the names of a comma list, checked and deduplicated.
 */
function backendList(value) {
  if (value === undefined || value === '' || value === 'auto') return [undefined];
  if (value === 'all') return ['all'];
  const names = value.split(',').map((s) => s.trim().toLowerCase());
  const bad = names.filter((n) => !BACKEND_NAMES.includes(n));
  if (bad.length || !names.length) throw new UsageError(`--backend: unknown ${bad.join(', ') || '(empty)'}; use one of ${BACKEND_NAMES.join(', ')}, all, or a comma list such as wasm,cpu`);
  return [...new Set(names)];
}

function wholeNumber(v, flag) {
  if (!/^\d+$/.test(v)) throw new UsageError(`${flag} needs a whole number (got ${v})`);
  return Number(v);
}

function positiveInt(v, flag) {
  const n = wholeNumber(v, flag);
  if (n < 1) throw new UsageError(`${flag} needs a positive whole number (got ${v})`);
  return n;
}
