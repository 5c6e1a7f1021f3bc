/**
 * Transfer a pre-trained encoder to a labelled task and measure it (deck 002, "Transfer learning"; deck 000,
 * "SimCLR evaluation (2/2)": linear evaluation vs fine-tuning vs random init; deck 001 table: label fractions 1%,
 * 10%). Modes:
 *
 * - 'frozen'   feature extraction: the encoder is frozen, a linear classifier is trained on its features
 *              (lib/eval linearProbe on embed(encoder, ...)) — the linear evaluation protocol;
 * - 'finetune' encoder + new linear head trained together; the pre-trained part with a lower learning rate
 *              (`backboneLearningRate`, default learningRate / 10: "train for a short time, lower learning rate");
 * - 'partial'  partial transfer: the top `reinitLayers` weight layers are re-initialised and trained at the
 *              head's rate, the rest fine-tuned at the lower rate;
 * - 'scratch'  the same architecture from random initialisation, everything at `learningRate` (the baseline).
 *
 * The encoder passed in is never modified: fine-tuning works on a copy.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { labelFraction as takeLabelFraction } from '../data/split.js';
import type { ImageSet } from '../data/types.js';
import { embed } from '../eval/embed.js';
import { linearProbe, type LinearProbeOptions } from '../eval/probe.js';
import { linearClassifier } from '../models/heads.js';
import { fit, type Trainable } from '../train/fit.js';
import type { ProgressLike } from '../train/loop.js';
import { makeOptimizer } from '../train/optimizers.js';
import { check } from '../util/errors.js';
import { mixSeed } from '../augment/transform.js';
import { weightLayers } from './layers.js';
import { cloneArchitecture, cloneModel, reinitializeTop, replaceHead } from './surgery.js';

export type TransferMode = 'frozen' | 'finetune' | 'partial' | 'scratch';
export const TRANSFER_MODES: readonly TransferMode[] = ['frozen', 'finetune', 'partial', 'scratch'];

export interface FinetuneOptions {
  mode?: TransferMode;
  /** Fraction of the training labels used (class-balanced, lib/data labelFraction; default 1). */
  labelFraction?: number;
  /** Optimisation steps (default: max(minSteps, epochs · labelled / batchSize)). */
  steps?: number;
  epochs?: number;
  minSteps?: number;
  batchSize?: number;
  /** Rate of the head, of re-initialised layers and of everything in 'scratch' (default 1e-3). */
  learningRate?: number;
  /** Rate of the pre-trained layers in 'finetune' and 'partial' (default learningRate / 10). */
  backboneLearningRate?: number;
  /** 'partial': how many of the top weight layers to re-initialise (default 2: smallCnn's last conv + BN). */
  reinitLayers?: number;
  /** Optional training augmentation (e.g. randomFlip()), seeded per step. */
  augment?: (x: tf.Tensor4D, seed: number) => tf.Tensor4D;
  /** 'frozen' mode: options of the linear probe (default: linearProbe's converged L-BFGS, λ = 1/N). */
  probe?: LinearProbeOptions;
  /** Seed of the label subset, head initialisation and batch order (default 0). */
  seed?: number;
  progress?: ProgressLike | false;
}

export interface FinetuneResult {
  mode: TransferMode;
  labelFraction: number;
  /** Number of labelled training images used. */
  labelled: number;
  /** Test accuracy. */
  accuracy: number;
  trainAccuracy: number;
  steps: number;
  seconds: number;
  losses: number[];
}

async function accuracyOf(model: tfl.LayersModel, set: ImageSet): Promise<number> {
  const logits = await embed(model, set);
  let hit = 0;
  for (let i = 0; i < set.n; i++) {
    let best = 0;
    for (let c = 1; c < logits.dim; c++) if (logits.data[i * logits.dim + c]! > logits.data[i * logits.dim + best]!) best = c;
    if (best === set.labels[i]) hit++;
  }
  return hit / set.n;
}

/** Train on (a label fraction of) `data.train` from `encoder` in one of the four modes; test accuracy on `data.test`. */
export async function finetune(encoder: tfl.LayersModel, data: { train: ImageSet; test: ImageSet }, options: FinetuneOptions = {}): Promise<FinetuneResult> {
  const where = 'finetune';
  const { mode = 'finetune', labelFraction = 1, epochs = 20, minSteps = 50, batchSize = 64, learningRate = 1e-3, reinitLayers = 2, seed = 0 } = options;
  check(TRANSFER_MODES.includes(mode), where, 'mode', `one of ${TRANSFER_MODES.join(', ')}`, mode);
  check(data !== null && typeof data === 'object' && !!data.train && !!data.test, where, 'data', 'an object { train, test } of ImageSets', data);
  check(typeof labelFraction === 'number' && labelFraction > 0 && labelFraction <= 1, where, 'labelFraction', 'a fraction in (0, 1]', labelFraction, 'e.g. 0.01, 0.1 or 1');
  const shape = encoder.inputs[0]!.shape.slice(1);
  check(shape[0] === data.train.height && shape[1] === data.train.width && shape[2] === data.train.channels, where, 'data', `images of the encoder's input shape [${shape.join(', ')}]`,
    `[${data.train.height}, ${data.train.width}, ${data.train.channels}]`);
  const backboneLearningRate = options.backboneLearningRate ?? learningRate / 10;
  const train = labelFraction < 1 ? takeLabelFraction(data.train, labelFraction, { seed }) : data.train;
  const numClasses = data.train.numClasses;
  const t0 = performance.now();

  if (mode === 'frozen') {
    const [ftr, fte] = [await embed(encoder, train), await embed(encoder, data.test)];
    const r = await linearProbe(ftr, train.labels, fte, data.test.labels, { seed, numClasses, ...options.probe });
    return { mode, labelFraction, labelled: train.n, accuracy: r.top1, trainAccuracy: r.trainAccuracy, steps: r.iterations, seconds: (performance.now() - t0) / 1000, losses: r.losses };
  }

  // an independent encoder: a copy of the pre-trained one, or a fresh initialisation for 'scratch'
  const backbone = mode === 'scratch' ? cloneArchitecture(encoder, { reseed: seed + 1 }) : cloneModel(encoder);
  backbone.layers.forEach((l) => (l.trainable = true));
  const fresh = new Set(mode === 'partial' ? reinitializeTop(backbone, reinitLayers, { seed: seed + 1 }) : []);
  const head = linearClassifier({ inputDim: backbone.outputs[0]!.shape.at(-1) as number, numClasses, seed: seed + 1 });
  const model = replaceHead(backbone, head);
  const slowVars = mode === 'scratch' ? [] : weightLayers(backbone).filter((l) => !fresh.has(l.name)).flatMap((l) => l.trainableWeights.map((w) => w.read() as tf.Variable));
  const slowSet = new Set(slowVars.map((v) => v.name));
  const fastVars = model.trainableWeights.map((w) => w.read() as tf.Variable).filter((v) => !slowSet.has(v.name));
  const slowOpt = makeOptimizer({ learningRate: backboneLearningRate });
  const fastOpt = makeOptimizer({ learningRate });
  const bs = Math.min(batchSize, train.n);
  const steps = options.steps ?? Math.max(minSteps, Math.round((epochs * train.n) / bs));
  const method: Trainable = {
    name: `${mode} ${Math.round(labelFraction * 1000) / 10}%`,
    models: { model },
    optimizer: fastOpt,
    step: (x, i, y) => {
      const v = options.augment ? options.augment(x, mixSeed(seed, i)) : x;
      try {
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(tf.oneHot(y, numClasses), model.apply(v, { training: true }) as tf.Tensor) as tf.Scalar,
          [...slowVars, ...fastVars],
        );
        const pick = (vars: tf.Variable[]) => Object.fromEntries(vars.filter((w) => grads[w.name]).map((w) => [w.name, grads[w.name]!]));
        if (slowVars.length) slowOpt.applyGradients(pick(slowVars));
        fastOpt.applyGradients(pick(fastVars));
        tf.dispose(grads);
        return value;
      } finally {
        if (v !== x) v.dispose();
      }
    },
  };
  try {
    const res = await fit(method, train, { steps, batchSize: bs, seed, progress: options.progress });
    const accuracy = await accuracyOf(model, data.test);
    const trainAccuracy = await accuracyOf(model, train);
    return { mode, labelFraction, labelled: train.n, accuracy, trainAccuracy, steps, seconds: (performance.now() - t0) / 1000, losses: res.losses };
  } finally {
    slowOpt.dispose();
    fastOpt.dispose();
    model.dispose(); // disposes the backbone and head it is made of
  }
}
