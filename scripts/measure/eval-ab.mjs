#!/usr/bin/env node
// Old vs new inner loops of the evaluation (issue #24), alternating call by call in one process at the protocol's
// sizes (60k × 784 training rows, C = 10; kNN tiles of 266 test rows × 60k): one L-BFGS objective evaluation of the
// probe with the gradient as matMul(X, P − Y, transposeA) (before) or matMul(Xᵀ kept, P − Y) (now), and one kNN
// tile as matMul(q, ref, transposeB) + top-20 (before) or matMul(q, refᵀ kept) + top-20 (now).
//   node scripts/measure/eval-ab.mjs [--rounds 3] [--backend wasm]
// Prints the median seconds of each, the ratio before / now, and the load average at the start and end.
import os from 'node:os';
import { measurementBackend, option } from './backend.mjs';

const rounds = Number(option('rounds', '3'));
if (!(Number.isInteger(rounds) && rounds > 0)) throw new Error(`--rounds must be a positive integer (got '${option('rounds', '')}')`);
const R = await import('reprlab');
const { tf } = R;
const backend = await measurementBackend();
const load0 = os.loadavg();
const n = 60000, d = 784, c = 10, tile = 266;
const X = tf.randomNormal([n, d], 0, 1, 'float32', 1);
const XT = tf.transpose(X);
const Y = tf.oneHot(tf.tensor1d(Int32Array.from({ length: n }, (_, i) => i % c), 'int32'), c).toFloat();
const ref = tf.randomNormal([n, d], 0, 1, 'float32', 2);
const refT = tf.transpose(ref);
const q = tf.randomNormal([tile, d], 0, 1, 'float32', 3);
const W = tf.randomNormal([d, c], 0, 0.01, 'float32', 4);
const b = tf.zeros([c]);
const objective = (kept) => tf.tidy(() => {
  const logp = tf.logSoftmax(tf.add(tf.matMul(X, W), b));
  const residual = tf.sub(tf.exp(logp), Y);
  return [tf.neg(tf.sum(tf.mul(Y, logp), 1)), tf.div(kept ? tf.matMul(XT, residual) : tf.matMul(X, residual, true, false), n), tf.mean(residual, 0)];
});
const knnTile = (kept) => {
  const s = kept ? tf.matMul(q, refT) : tf.matMul(q, ref, false, true);
  const top = tf.topk(s, 20, true);
  s.dispose();
  return [top.values, top.indices];
};
const time = async (fn) => {
  const t = performance.now();
  const outs = fn();
  await Promise.all(outs.map((o) => o.data()));
  tf.dispose(outs);
  return (performance.now() - t) / 1000;
};
const t = { objBefore: [], objNow: [], knnBefore: [], knnNow: [] };
await time(() => objective(true));
await time(() => knnTile(true));
for (let r = 0; r < rounds; r++) {
  t.objBefore.push(await time(() => objective(false)));
  t.objNow.push(await time(() => objective(true)));
  t.knnBefore.push(await time(() => knnTile(false)));
  t.knnNow.push(await time(() => knnTile(true)));
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const out = { backend, rounds, load: load0, load_end: os.loadavg(), ...Object.fromEntries(Object.entries(t).map(([k, v]) => [k, med(v)])) };
console.log(`backend ${backend}; load ${load0.map((x) => x.toFixed(2)).join(' ')} -> ${out.load_end.map((x) => x.toFixed(2)).join(' ')}`);
console.log(`probe objective+gradient, 60k x 784, C = 10: before ${out.objBefore.toFixed(3)} s, now ${out.objNow.toFixed(3)} s (${(out.objBefore / out.objNow).toFixed(2)}x)`);
console.log(`kNN tile 266 x 60k x 784 + top-20:         before ${out.knnBefore.toFixed(3)} s, now ${out.knnNow.toFixed(3)} s (${(out.knnBefore / out.knnNow).toFixed(2)}x)`);
console.log(JSON.stringify(out));
tf.dispose([X, XT, Y, ref, refT, q, W, b]);
