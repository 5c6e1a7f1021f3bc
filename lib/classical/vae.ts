/**
 * Variational autoencoder (Kingma & Welling 2014; deck 001, the autoencoder family). The encoder outputs a
 * Gaussian q(z|x) = N(μ(x), diag σ²(x)) (as μ and log σ²), the decoder p(x|z); training minimises the negative
 * ELBO per image, averaged over the batch:
 *
 *   L = (1/B) Σ_i [ ℓ(D(z_i), x_i) + β · KL(q(z|x_i) ‖ N(0, I)) ],
 *   KL(N(μ, σ²) ‖ N(0, I)) = −½ Σ_j (1 + log σ_j² − μ_j² − σ_j²)
 *
 * with the reparameterisation trick z = μ + σ ⊙ ε, ε ~ N(0, I) (seeded per step), so the gradient flows through
 * μ and σ. ℓ: per-image binary cross-entropy (default) or squared error. The representation is μ(x): `encoder`.
 *
 * Paper (Kingma & Welling 2013, arXiv:1312.6114): an encoder giving μ(x) and log σ²(x) of a diagonal Gaussian
 * q(z|x), a decoder p(x|z), trained on the evidence lower bound with the reparameterisation trick. The defaults
 * here are the small-scale version of that recipe (see the options below), sized for 28×28–32×32 images on a CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { makeMethod, type Method, viewSeed } from '../train/method.js';
import { makeOptimizer } from '../train/optimizers.js';
import { check } from '../util/errors.js';
import { initSeed } from '../util/rng.js';
import { reconstructionLoss, type ReconstructionLoss } from './autoencoder.js';
import { type AutoencoderKind, buildDecoder, checkNetSpec, codeLayer, defaultHidden, encoderTrunk } from './autoencoder-models.js';

/** KL(N(μ, diag e^{logVar}) ‖ N(0, I)) per row, averaged over the batch: −½ mean_i Σ_j (1 + logVar − μ² − e^{logVar}). */
export function gaussianKl(mu: tf.Tensor2D, logVar: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mul(-0.5, tf.mean(tf.sum(tf.sub(tf.sub(tf.add(1, logVar), tf.square(mu)), tf.exp(logVar)), 1))) as tf.Scalar);
}

/** z = μ + exp(½ logVar) ⊙ ε, ε ~ N(0, I) drawn with `seed`. */
export function reparameterize(mu: tf.Tensor2D, logVar: tf.Tensor2D, seed: number): tf.Tensor2D {
  return tf.tidy(() => tf.add(mu, tf.mul(tf.exp(tf.mul(0.5, logVar)), tf.randomNormal(mu.shape, 0, 1, 'float32', initSeed(seed)))) as tf.Tensor2D);
}

export interface VaeLoss {
  total: tf.Scalar;
  reconstruction: tf.Scalar;
  kl: tf.Scalar;
}

/** The negative ELBO (see the module comment) from a reconstruction, the input and q's parameters; caller disposes. */
export function vaeLoss(xHat: tf.Tensor, x: tf.Tensor, mu: tf.Tensor2D, logVar: tf.Tensor2D, { beta = 1, reconstruction = 'bce' as ReconstructionLoss } = {}): VaeLoss {
  check(beta >= 0 && Number.isFinite(beta), 'vaeLoss', 'beta', 'a number >= 0', beta);
  const rec = reconstructionLoss(xHat, x, reconstruction);
  const kl = gaussianKl(mu, logVar);
  const total = tf.tidy(() => tf.add(rec, tf.mul(beta, kl)) as tf.Scalar);
  return { total, reconstruction: rec, kl };
}

export interface VaeOptions {
  inputShape: [number, number, number];
  latentDim?: number;
  /** 'mlp' (default) or 'conv'. */
  kind?: Exclude<AutoencoderKind, 'linear'>;
  hidden?: number[];
  /** Weight of the KL term (default 1; β-VAE for β > 1). */
  beta?: number;
  loss?: ReconstructionLoss;
  learningRate?: number;
  batchSize?: number;
  seed?: number;
  name?: string;
}

export type VaeConfig = Required<Omit<VaeOptions, 'name'>> & { name: string };

export interface Vae extends Method<VaeConfig> {
  /** x → μ(x) (the representation); `encoderFull`: x → [μ, log σ²]. */
  encoder: tfl.LayersModel;
  encoderFull: tfl.LayersModel;
  decoder: tfl.LayersModel;
  latentDim: number;
  /** μ(x) (inference); caller disposes. */
  encode: (x: tf.Tensor4D) => tf.Tensor2D;
  decode: (z: tf.Tensor2D) => tf.Tensor4D;
  /** D(μ(x)); caller disposes. */
  reconstruct: (x: tf.Tensor4D) => tf.Tensor4D;
  /** Decoded samples z ~ N(0, I); caller disposes. */
  sample: (n: number, seed?: number) => tf.Tensor4D;
  lossParts: (x: tf.Tensor4D, i?: number) => VaeLoss;
}

/** Build a VAE. */
export function vae(options: VaeOptions): Vae {
  const where = 'vae';
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, latentDim, ... }', options);
  const kind = options.kind ?? 'mlp';
  const o: VaeConfig = {
    inputShape: options.inputShape, latentDim: options.latentDim ?? 16, kind, hidden: options.hidden ?? defaultHidden(kind), beta: options.beta ?? 1,
    loss: options.loss ?? 'bce', learningRate: options.learningRate ?? 1e-3, batchSize: options.batchSize ?? 128, seed: options.seed ?? 0, name: options.name ?? 'vae',
  };
  check(kind === 'mlp' || kind === 'conv', where, 'kind', "'mlp' or 'conv'", kind);
  checkNetSpec(where, o);
  check(Number.isInteger(o.latentDim) && o.latentDim > 0, where, 'latentDim', 'a positive integer', o.latentDim);
  check(o.beta >= 0 && Number.isFinite(o.beta), where, 'beta', 'a number >= 0', o.beta);
  const L = o.latentDim;
  const input = tfl.input({ shape: o.inputShape });
  const trunk = encoderTrunk(o, input);
  const muT = codeLayer(L, o.seed + 50).apply(trunk) as tfl.SymbolicTensor;
  // log σ² starts near 0 (σ ≈ 1) from a small initialisation.
  const logVarT = tfl.layers.dense({ units: L, kernelInitializer: tfl.initializers.randomNormal({ mean: 0, stddev: 1e-3, seed: initSeed(o.seed + 51) }) }).apply(trunk) as tfl.SymbolicTensor;
  const encoder = tfl.model({ inputs: input, outputs: muT, name: `${o.name}_encoder` });
  const encoderFull = tfl.model({ inputs: input, outputs: [muT, logVarT], name: `${o.name}_encoder_full` });
  const decoder = buildDecoder(o, L, `${o.name}_decoder`);

  const lossParts = (x: tf.Tensor4D, i = 0): VaeLoss => {
    const [mu, logVar, xHat] = tf.tidy(() => {
      const [mu, logVar] = encoderFull.apply(x, { training: true }) as tf.Tensor2D[];
      const z = reparameterize(mu!, logVar!, viewSeed(o.seed, i));
      return [mu!, logVar!, decoder.apply(z, { training: true }) as tf.Tensor4D];
    });
    try {
      return vaeLoss(xHat, x, mu as tf.Tensor2D, logVar as tf.Tensor2D, { beta: o.beta, reconstruction: o.loss });
    } finally {
      tf.dispose([mu, logVar, xHat]);
    }
  };
  const method = makeMethod<VaeConfig>({
    name: o.name, encoder, models: { encoderFull, decoder }, optimizer: makeOptimizer({ learningRate: o.learningRate }), options: o,
    trainable: [encoderFull, decoder],
    loss: (x, i) => {
      const p = lossParts(x, i);
      tf.dispose([p.reconstruction, p.kl]);
      return p.total;
    },
  });
  const encode = (x: tf.Tensor4D) => tf.tidy(() => encoder.apply(x, { training: false }) as tf.Tensor2D);
  const decode = (z: tf.Tensor2D) => tf.tidy(() => decoder.apply(z, { training: false }) as tf.Tensor4D);
  // `encoder` (μ only) shares its layers with `encoderFull`: dispose the full model once, not both.
  const dispose = () => {
    encoderFull.dispose();
    decoder.dispose();
    method.optimizer.dispose();
  };
  return Object.assign(method, {
    encoderFull, decoder, latentDim: L, encode, decode, lossParts, dispose,
    reconstruct: (x: tf.Tensor4D) => tf.tidy(() => decode(encode(x))),
    sample: (n: number, seed = 0) => tf.tidy(() => decode(tf.randomNormal([n, L], 0, 1, 'float32', initSeed(seed)))),
  });
}
