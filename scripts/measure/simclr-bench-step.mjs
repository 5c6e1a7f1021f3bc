// The bench's reference SimCLR training step, built once for the measurement scripts (simclr-step.mjs,
// wasm-threads-ab.mjs): smallCnn 32-64-128 + GAP + projection head 128-128-64, NT-Xent τ 0.5, Adam 1e-3, on B
// fixed images of 28×28×1 with two fixed noise views (seeded). `step()` returns the loss (caller disposes).

/** `lib` is the built package (`import * as lib from 'reprlab'`, or its dynamic import after initBackend). */
export function simclrBenchStep(lib, B) {
  const { tf, smallCnn, projectionHead, ntXent } = lib;
  const encoder = smallCnn({ inputShape: [28, 28, 1], widths: [32, 64, 128], seed: 1 });
  const head = projectionHead({ inputDim: 128, hiddenDim: 128, outputDim: 64, seed: 2 });
  const opt = tf.train.adam(1e-3);
  const x = tf.randomUniform([B, 28, 28, 1], 0, 1, 'float32', 3);
  const n1 = tf.randomNormal([B, 28, 28, 1], 0, 0.1, 'float32', 4);
  const n2 = tf.randomNormal([B, 28, 28, 1], 0, 0.1, 'float32', 5);
  const vars = [encoder, head].flatMap((m) => m.trainableWeights.map((w) => w.read()));
  const step = () =>
    opt.minimize(() => {
      const views = tf.concat([tf.add(x, n1), tf.add(x, n2)], 0);
      const z = head.apply(encoder.apply(views, { training: true }), { training: true });
      return ntXent(z.slice([0, 0], [B, -1]), z.slice([B, 0], [B, -1]), { temperature: 0.5 });
    }, true, vars);
  return { step };
}
