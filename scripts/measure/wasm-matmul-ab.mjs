// Our wasm Transpose and BatchMatMul (lib/kernels/wasm: a transposed operand is transposed in the heap, then the
// stock plain product) against the stock kernels, side by side in one process: the step of notebook 08's character
// transformer (GPT-style, 2 blocks of width 64, 32 characters, batch 32) and a training step of notebook 02's MLP
// autoencoder (the default widths, code 32, batch 64), alternating stock and ours call by call so that a shared machine's
// load hits both alike.
//   node scripts/measure/wasm-matmul-ab.mjs [--steps 10] [--warmup 2]
// Prints the median ms of each, the ratio stock / ours (> 1: ours faster) and the load average at the start and end;
// one JSON line at the end. Both versions train the same model in turn, so the losses are those of consecutive steps.
import os from 'node:os';
import { option } from './backend.mjs';

const steps = Number(option('steps', '10')), warmup = Number(option('warmup', '2'));
if (!(Number.isInteger(steps) && steps > 0 && Number.isInteger(warmup) && warmup >= 0)) throw new Error('--steps must be a positive integer and --warmup a non-negative one');
const R = await import('reprlab');
const { tf } = R;
await R.initBackend({ backend: 'wasm', verbose: false });
const { stock } = await import(new URL('../../dist/kernels/wasm/backend.js', import.meta.url).href);
const { WASM_KERNELS } = await import(new URL('../../dist/kernels/wasm/index.js', import.meta.url).href);
const load0 = os.loadavg()[0];

const NAMES = ['Transpose', 'BatchMatMul'];
/** Register the stock (true) or our (false) versions of the two kernels. */
const use = (stockOnes) => {
  for (const name of NAMES) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(stockOnes ? stock.get(name) : { kernelName: name, backendName: 'wasm', kernelFunc: WASM_KERNELS[name], reprlab: true });
  }
};

const text = R.REPRESENTATION_LEARNING_TEXT, vocab = R.charVocabulary(text), ids = vocab.encode(text);
const lm = R.charLanguageModel({ vocab, objective: 'next', context: 32, dim: 64, depth: 2, numHeads: 4, seed: 0 });
const ae = R.autoencoder({ kind: 'mlp', inputShape: [28, 28, 1], latentDim: 32, seed: 0 });
const set = R.makeImageSet({ name: 'noise', images: Float32Array.from({ length: 256 * 784 }, (_, i) => (Math.sin(i * 12.9898) * 43758.5453) % 1 * 0.5 + 0.5), labels: new Int32Array(256), height: 28, width: 28, channels: 1, numClasses: 1 });
const workloads = {
  'char transformer step (08)': async (i) => (await lm.train(ids, { steps: 1, batchSize: 32, progress: false })).losses[0],
  'MLP autoencoder step (02)': async () => (await ae.train(set, { steps: 1, batchSize: 64, progress: false })).losses.at(-1),
};

const rows = [];
for (const [name, run] of Object.entries(workloads)) {
  const times = { stock: [], ours: [] };
  for (let i = 0; i < warmup + steps; i++) for (const which of ['stock', 'ours']) {
    use(which === 'stock');
    const t0 = performance.now();
    await run(i);
    if (i >= warmup) times[which].push(performance.now() - t0);
  }
  const med = (a) => [...a].sort((p, q) => p - q)[a.length >> 1];
  const row = { workload: name, stockMs: +med(times.stock).toFixed(1), oursMs: +med(times.ours).toFixed(1), ratio: +(med(times.stock) / med(times.ours)).toFixed(2),  };
  rows.push(row);
  console.log(`${name}: stock ${row.stockMs} ms, ours ${row.oursMs} ms, stock/ours ${row.ratio}×`);
}
use(false);
console.log(JSON.stringify({ date: new Date().toISOString(), steps, load: [+load0.toFixed(1), +os.loadavg()[0].toFixed(1)], rows }));
