// Every loss of lib/losses on the wasm backend: its value and its gradient with respect to each embedding input
// equal the cpu backend's (the kernels a loss's gradient needs, e.g. gather's UnsortedSegmentSum, must exist).
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as L from '../../lib/losses/index.js';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

const N = 8, D = 6;
const labels = [0, 1, 2, 3, 0, 1, 2, 3];

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = (s / 2147483648) * 2 - 1;
  }
  return out;
}

/** A loss of one or two [N, D] embeddings (its arity says which: gradients are taken with respect to those). */
type Loss = (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Scalar;
const cos = (a: tf.Tensor2D) => tf.matMul(tf.div(a, tf.norm(a, 'euclidean', 1, true)), tf.div(tf.ones([D, 4]), 2)) as tf.Tensor2D; // [N, 4] cosine-like scores

const LOSSES: [string, Loss][] = [
  ['ntXent', (a, b) => L.ntXent(a, b, { temperature: 0.5 })],
  ['ntXentReference', (a, b) => L.ntXentReference(a, b, { temperature: 0.5 })],
  ['infoNce', (a, b) => L.infoNce(a, b, tf.reverse(b, 0) as tf.Tensor2D)],
  ['barlowTwinsLoss', (a, b) => L.barlowTwinsLoss(a, b)],
  ['byolLoss', (a, b) => L.byolLoss(a, b, b, a)],
  ['simsiamLoss', (a, b) => L.simsiamLoss(a, b, b, a)],
  ['negativeCosine', (a, b) => L.negativeCosine(a, b)],
  ['vicregLoss', (a, b) => L.vicregLoss(a, b)],
  ['dinoLoss', (a, b) => L.dinoLoss([a, b], [b, a], tf.zeros([D]))],
  ['maskedMse', (a, b) => L.maskedMse(a.reshape([N, 2, 3]) as tf.Tensor3D, b.reshape([N, 2, 3]) as tf.Tensor3D, tf.tensor2d([1, 0, 0, 1, 1, 1, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1], [N, 2]))],
  ['pairLoss', (a, b) => L.pairLoss(a, b, [1, 0, 1, 0, 1, 1, 0, 0])],
  ['batchPairLoss', (a) => L.batchPairLoss(a, labels)],
  ['tripletLoss', (a, b) => L.tripletLoss(a, b, tf.reverse(a, 0) as tf.Tensor2D)],
  ['onlineTripletLoss', (a) => L.onlineTripletLoss(a, labels)],
  ['softMarginTripletLoss', (a, b) => L.softMarginTripletLoss(a, b, tf.reverse(b, 0) as tf.Tensor2D)],
  ['centerLoss', (a, b) => L.centerLoss(a, labels, b.slice([0, 0], [4, D]) as tf.Tensor2D)],
  ['cosFaceLoss', (a) => L.cosFaceLoss(cos(a), labels)],
  ['arcFaceLoss', (a) => L.arcFaceLoss(cos(a), labels)],
  ['subCenterArcFaceLoss', (a) => L.subCenterArcFaceLoss(tf.concat([cos(a), cos(tf.neg(a) as tf.Tensor2D)], 1) as tf.Tensor2D, labels, { subCenters: 2 })],
  ['nPairLoss', (a, b) => L.nPairLoss(a, b)],
  ['mineLoss', (a, b) => L.mineLoss(a, b)],
  ['liftedStructuredLoss', (a) => L.liftedStructuredLoss(a, labels)],
  ['generalizedContrastiveLoss (labelled)', (a) => L.generalizedContrastiveLoss(L.labelledDistances(a, labels), L.contrastiveInstance('infoNCE'))],
  ['generalizedContrastiveLoss (paired)', (a, b) => L.generalizedContrastiveLoss(L.pairedDistances(a, b), L.contrastiveInstance('infoNCE'))],
  // every metric loss of the embeddings alone (head 'none'), through its spec: a loss added to METRIC_LOSS_SPECS is here too
  ...L.METRIC_LOSS_SPECS.filter((s) => s.head === 'none').map((s): [string, Loss] => [`${s.name} (metric loss spec)`, (a) => (s as L.MetricLossSpec).loss({ embeddings: a, labels }, s.defaults)]),
  ['supConMaskedLoss (mined triplets)', (a) => L.onMined(L.supConMaskedLoss)(a, { anchor: Int32Array.from([0, 1, 2]), positive: Int32Array.from([4, 5, 6]), negative: Int32Array.from([1, 2, 3]) })],
];

async function valueAndGrads(loss: Loss): Promise<Float32Array[]> {
  const a = tf.tensor2d(values(N * D, 1), [N, D]);
  const b = tf.tensor2d(values(N * D, 2), [N, D]);
  const f = (x: tf.Tensor, y?: tf.Tensor) => (loss as (a: tf.Tensor2D, b?: tf.Tensor2D) => tf.Scalar)(x as tf.Tensor2D, y as tf.Tensor2D);
  const { value, grads } = tf.valueAndGrads(f as (...x: tf.Tensor[]) => tf.Scalar)(loss.length === 1 ? [a] : [a, b]);
  const out = await Promise.all([value, ...grads].map((t) => t.data() as Promise<Float32Array>));
  tf.dispose([a, b, value, ...grads]);
  return out;
}

describe('every loss on wasm equals cpu (value and gradients)', () => {
  it.each(LOSSES)('%s', async (_name, loss) => {
    await useBackend('cpu');
    const want = await valueAndGrads(loss);
    await useBackend('wasm');
    const got = await expectNoLeak(() => valueAndGrads(loss));
    await useBackend('cpu');
    expect(Number.isFinite(want[0]![0]!)).toBe(true);
    for (let i = 0; i < want.length; i++) expectClose(got[i]!, want[i]!, 1e-5, 1e-4);
  });
});
