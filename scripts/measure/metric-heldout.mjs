// Notebook 04's comparison (issue #4: "ArcFace/CosFace beat cross-entropy features on held-out MAP@R") without
// Jupyter, for a chosen backbone and budget:
//   node scripts/measure/metric-heldout.mjs [--backend ...] [--backbone conv|mlp] [--widths 32,64,128] [--steps 2000]
//        [--losses softmax,cosface,arcface]
// Same protocol as the notebook: train on Fashion-MNIST classes 0-4 (all their training images), K x M = 5 x 16
// batches, Adam 1e-3, embedding 64, seed 0; retrieval (cosine, query excluded) on the test images of the held-out
// classes 5-9 and of the seen classes. One JSON line per loss, the untrained network first.
import { loadFashionMnist, filterClasses, metricLearner, embed, retrievalMetrics, ProgressBar, METRIC_LOSSES } from 'reprlab';
import { measurementBackend, option } from './backend.mjs';

const backbone = option('backbone', 'conv');
if (!['conv', 'mlp'].includes(backbone)) throw new Error(`--backbone must be conv or mlp (got '${backbone}')`);
const widths = option('widths', backbone === 'conv' ? '32,64,128' : '256,128').split(',').map(Number);
if (!widths.every((w) => Number.isInteger(w) && w > 0)) throw new Error(`--widths must be positive integers separated by commas, e.g. 32,64,128 (got '${option('widths', '')}')`);
const steps = Number(option('steps', '2000'));
if (!Number.isInteger(steps) || steps < 1) throw new Error(`--steps must be a positive integer (got '${option('steps', '')}')`);
const losses = option('losses', 'softmax,cosface,arcface').split(',');
const known = METRIC_LOSSES;
const unknown = losses.filter((l) => !known.includes(l));
if (unknown.length) throw new Error(`--losses: unknown ${unknown.join(', ')}; use a comma-separated list of ${known.join(', ')}`);
const backend = await measurementBackend();
const train = filterClasses(await loadFashionMnist({ split: 'train' }), [0, 1, 2, 3, 4]);
const testAll = await loadFashionMnist({ split: 'test' });
const heldOut = filterClasses(testAll, [5, 6, 7, 8, 9]);
const seen = filterClasses(testAll, [0, 1, 2, 3, 4]);
for (const loss of ['untrained', ...losses]) {
  const learner = metricLearner({ inputShape: [28, 28, 1], numClasses: 5, backbone, widths, embeddingDim: 64, learningRate: 1e-3, seed: 0, loss: loss === 'untrained' ? 'softmax' : loss });
  const t0 = Date.now();
  if (loss !== 'untrained') await learner.train(train, { steps, classesPerBatch: 5, perClass: 16, progress: new ProgressBar({ total: steps, label: loss }) });
  const held = await retrievalMetrics(await embed(learner.encoder, heldOut), heldOut.labels);
  const own = await retrievalMetrics(await embed(learner.encoder, seen), seen.labels);
  console.log(JSON.stringify({ loss, backend, backbone, widths, steps: loss === 'untrained' ? 0 : steps, heldOutP1: held.precisionAt1, heldOutMapAtR: held.mapAtR, seenMapAtR: own.mapAtR, seconds: (Date.now() - t0) / 1000 }));
  learner.dispose();
}
