// Notebook 02's full-mode autoencoder-32 figure (issue #3 target: kNN >= 0.85) without Jupyter:
//   node scripts/measure/autoencoder-knn.mjs [--backend cpu|webgpu|tensorflow|wasm] [--steps 6000]
// MLP 784-256-32, BCE, batch 128, seed 0 on the 60k training images; kNN (k = 20, cosine, weighted) and a linear
// probe of the 32-d codes on the 10k test images. Prints one JSON line. (docs/results.md: 0.8705 on 2026-11-23.)
import { loadFashionMnist, autoencoder, embed, knnAccuracy, linearProbe, ProgressBar } from 'reprlab';
import { measurementBackend, option } from './backend.mjs';

const steps = Number(option('steps', '6000'));
if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be a positive integer (got '${option('steps', '')}')`);
const backend = await measurementBackend();
const train = await loadFashionMnist({ split: 'train' });
const test = await loadFashionMnist({ split: 'test' });
const ae = autoencoder({ inputShape: [28, 28, 1], kind: 'mlp', hidden: [256], latentDim: 32, loss: 'bce', seed: 0 });
const t0 = Date.now();
const run = await ae.train(train, { steps, batchSize: 128, progress: new ProgressBar({ total: steps, label: 'autoencoder-32' }) });
const trainSeconds = (Date.now() - t0) / 1000;
const a = await embed(ae.encoder, train), b = await embed(ae.encoder, test);
const knn = await knnAccuracy(a, train.labels, b, test.labels, { k: 20, metric: 'cosine', weighted: true });
const probe = await linearProbe(a, train.labels, b, test.labels, { epochs: 30, batchSize: 256, learningRate: 1e-3 });
console.log(JSON.stringify({ figure: 'autoencoder-32', backend, steps, knnTop1: knn.accuracy, probeTop1: probe.top1, lossFirst: run.losses[0], lossLast: run.losses.at(-1), trainSeconds, date: new Date().toISOString() }));
ae.dispose();
