import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { autoencoder, decoderBasis, gaussianKl, reconstructionLoss, reparameterize, vae, vaeLoss } from '../../lib/classical/index.js';
import { Rng } from '../../lib/util/rng.js';
import { expectClose, numericGrad, useBackend } from '../helpers.js';

beforeAll(() => useBackend());

/** 16 tiny 8×8 grey images: bright squares at random places. */
function tinySet(n = 16, seed = 0) {
  const rng = new Rng(seed);
  const images = new Float32Array(n * 64);
  for (let i = 0; i < n; i++) {
    const r = rng.int(5), c = rng.int(5);
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) images[i * 64 + (r + a) * 8 + c + b] = 1;
  }
  return { images, labels: new Int32Array(n), n, height: 8, width: 8, channels: 1 };
}

describe('reconstruction and VAE losses by hand', () => {
  it('per-image squared error and binary cross-entropy', () => {
    const xh = tf.tensor2d([[0.5, 0.5]]), x = tf.tensor2d([[1, 0]]);
    const mse = reconstructionLoss(xh, x, 'mse'), bce = reconstructionLoss(xh, x, 'bce');
    expect(mse.arraySync()).toBeCloseTo(0.5, 6);
    expect(bce.arraySync()).toBeCloseTo(2 * Math.log(2), 5);
    tf.dispose([xh, x, mse, bce]);
  });

  it('KL(N(μ, σ²) ‖ N(0, 1)) = −½ Σ (1 + log σ² − μ² − σ²)', () => {
    const mu = tf.tensor2d([[1, 0]]), lv = tf.tensor2d([[0, Math.log(2)]]);
    const kl = gaussianKl(mu, lv);
    expect(kl.arraySync()).toBeCloseTo(-0.5 * (-1 + (Math.log(2) - 1)), 5);
    const parts = vaeLoss(tf.tensor2d([[0.5, 0.5]]), tf.tensor2d([[1, 0]]), mu, lv, { beta: 2 });
    expect(parts.total.arraySync()).toBeCloseTo(2 * Math.log(2) + 2 * (kl.arraySync() as number), 4);
    tf.dispose([mu, lv, kl, parts.total, parts.reconstruction, parts.kl]);
  });

  it('the VAE loss gradient matches central differences (μ and log σ²)', async () => {
    const x = tf.tensor2d([[0.2, 0.9, 0.5]]);
    const xh = tf.tensor2d([[0.3, 0.7, 0.4]]);
    const mu = tf.tensor2d([[0.5, -1.0]]);
    const lv = tf.tensor2d([[0.3, -0.4]]);
    const total = (m: tf.Tensor, l: tf.Tensor) => {
      const p = vaeLoss(xh, x, m as tf.Tensor2D, l as tf.Tensor2D);
      tf.dispose([p.reconstruction, p.kl]);
      return p.total;
    };
    const [gMu, gLv] = tf.grads((m: tf.Tensor, l: tf.Tensor) => total(m, l))([mu, lv]);
    expectClose((await gMu!.data()) as Float32Array, await numericGrad((m) => total(m, lv), mu), 1e-2, 1e-2);
    expectClose((await gLv!.data()) as Float32Array, await numericGrad((l) => total(mu, l), lv), 1e-2, 1e-2);
    // ∂KL/∂μ = μ and ∂KL/∂logσ² = ½(e^{logσ²} − 1) exactly.
    expectClose((await gMu!.data()) as Float32Array, [0.5, -1.0], 1e-5);
    expectClose((await gLv!.data()) as Float32Array, [0.5 * (Math.exp(0.3) - 1), 0.5 * (Math.exp(-0.4) - 1)], 1e-5);
    tf.dispose([x, xh, mu, lv, gMu!, gLv!]);
  });

  it('reparameterisation: z = μ when σ → 0; seeded', () => {
    const mu = tf.tensor2d([[1, 2]]);
    const z0 = reparameterize(mu, tf.fill([1, 2], -60) as tf.Tensor2D, 1);
    expectClose(z0.dataSync(), [1, 2], 1e-6);
    const a = reparameterize(mu, tf.zeros([1, 2]), 5), b = reparameterize(mu, tf.zeros([1, 2]), 5);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    tf.dispose([mu, z0, a, b]);
  });
});

describe('autoencoders', () => {
  const set = tinySet();

  it.each([
    ['mlp', { kind: 'mlp' as const, hidden: [16] }],
    ['conv', { kind: 'conv' as const, hidden: [4, 8] }],
    ['denoising', { kind: 'mlp' as const, hidden: [16], noise: 0.2 }],
    ['sparse', { kind: 'mlp' as const, hidden: [16], sparsity: 0.05 }],
    ['linear', { kind: 'linear' as const }],
  ])('%s: loss decreases, tensors stay flat, encode/decode/reconstruct shapes', async (_, extra) => {
    const ae = autoencoder({ inputShape: [8, 8, 1], latentDim: 4, learningRate: 0.01, seed: 1, ...extra });
    await ae.train(set, { steps: 2, batchSize: 8, progress: false }); // warm-up: optimizer slots exist
    const before = tf.memory().numTensors;
    const r = await ae.train(set, { steps: 25, batchSize: 8, progress: false });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[2]!);
    const x = tf.tensor4d(set.images.slice(0, 3 * 64), [3, 8, 8, 1]);
    const z = ae.encode(x), xh = ae.reconstruct(x), d = ae.decode(z);
    expect(z.shape).toEqual([3, 4]);
    expect(xh.shape).toEqual([3, 8, 8, 1]);
    expect(d.shape).toEqual([3, 8, 8, 1]);
    const p = ae.lossParts(x, 5);
    const q = ae.lossParts(x, 5);
    expect(p.total.dataSync()[0]).toBeCloseTo(q.total.dataSync()[0]!, 6); // same step, same noise
    const expected = p.reconstruction.dataSync()[0]! + (ae.options.sparsity ?? 0) * p.sparsity.dataSync()[0]!;
    expect(p.total.dataSync()[0]).toBeCloseTo(expected, 4);
    tf.dispose([x, z, xh, d, p.total, p.reconstruction, p.sparsity, q.total, q.reconstruction, q.sparsity]);
    if (ae.options.kind === 'linear') {
      const basis = await decoderBasis(ae);
      expect([basis.n, basis.dim]).toEqual([4, 64]);
    }
    ae.dispose();
  });

  it('VAE trains, samples, and its encoder gives μ', async () => {
    const model = vae({ inputShape: [8, 8, 1], latentDim: 2, hidden: [16], learningRate: 0.01, seed: 2 });
    await model.train(set, { steps: 2, batchSize: 8 });
    const before = tf.memory().numTensors;
    const r = await model.train(set, { steps: 25, batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.losses.at(-1)!).toBeLessThan(r.losses[2]!);
    const x = tf.tensor4d(set.images.slice(0, 2 * 64), [2, 8, 8, 1]);
    const [mu] = model.encoderFull.predict(x) as tf.Tensor[];
    const e = model.encode(x);
    expectClose(e.dataSync(), mu!.dataSync(), 1e-6);
    const s = model.sample(3, 1);
    expect(s.shape).toEqual([3, 8, 8, 1]);
    tf.dispose([x, mu!, e, s]);
    model.dispose();
  });

  it('bad options are argument errors', () => {
    expect(() => autoencoder({ inputShape: [10, 10, 1], kind: 'conv', hidden: [4, 8] })).toThrow(/divisible by 2\^2 = 4/);
    expect(() => autoencoder({ inputShape: [8, 8, 1], latentDim: 0 })).toThrow(/latentDim/);
    expect(() => autoencoder({ inputShape: [8, 8, 1], kind: 'linear', loss: 'bce' })).toThrow(/'loss'/);
    expect(() => autoencoder({ inputShape: [8, 8, 1], noise: -1 })).toThrow(/noise/);
    expect(() => vae({ inputShape: [8, 8, 1], beta: -1 })).toThrow(/beta/);
  });
});
