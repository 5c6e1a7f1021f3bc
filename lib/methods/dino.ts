/**
 * DINO, self-DIstillation with NO labels (Caron et al. 2021; deck 001, "Distillation - student and teacher
 * relation", Algorithm 1; deck 003, "DINO"). A student g_θs (encoder + DINO head) and a teacher g_θt of the same
 * architecture whose weights are an EMA of the student's. Multi-crop: 2 global views (large crops, full size) and
 * several local views (small crops, smaller size); all views pass through the student, only the global views
 * through the teacher. The teacher output is centred (running mean C) and sharpened (τ_t < τ_s):
 *
 *   P_s(x) = softmax(g_θs(x)/τ_s),   P_t(x) = softmax((g_θt(x) − C)/τ_t)          (stop-gradient on the teacher)
 *   L = mean over pairs Σ_{x ∈ {x₁ᵍ, x₂ᵍ}} Σ_{x' ∈ V, x' ≠ x} H(P_t(x), P_s(x')),   H(a, b) = −Σ_k a_k log b_k
 *   θ_t ← l θ_t + (1 − l) θ_s   (l: cosine schedule from `momentum` = 0.996 to 1)
 *   C ← m C + (1 − m) mean_batch g_θt(x)   (m = `centerMomentum` = 0.9)
 *
 * "Centering prevents one dimension to dominate but encourages collapse to the uniform distribution, while the
 * sharpening has the opposite effect" (deck 001). The head: an MLP (GELU) to a bottleneck, ℓ²-normalisation, then
 * a weight-normalised linear layer to K outputs (lib/models `NormalizedDense`, DINO's last layer with its norm
 * fixed to 1), so the logits are cosines in [−1, 1]. The centre is a variable in `state.center` (checkpointed).
 * Local crops go through the encoder at their own size (any fully convolutional encoder with global pooling,
 * like smallCnn, accepts them); pass `localSize` equal to the image size for encoders with a fixed input size.
 *
 * The two collapse modes (deck 001's quote): `centering: false` ("sharpening only": no − C) lets one dimension
 * dominate the teacher for every input; `sharpening: false` ("centering only": τ_t = τ_s, the teacher no sharper
 * than the student) drifts to the uniform distribution. {@link Dino.teacherProbabilities} and lib/eval
 * `distributionCollapse` measure both (teacher entropy, mean max teacher probability).
 *
 * Paper (Caron et al. 2021, arXiv:2104.14294): "The projection head consists of a 3-layer multi-layer perceptron
 * (MLP) with hidden dimension 2048 followed by ℓ2 normalization and a weight normalized fully connected layer with
 * K dimensions" (K = 65536, bottleneck 256); τ_s = 0.1, τ_t = 0.04, centre momentum 0.9, teacher EMA 0.996 → 1. The
 * defaults here are the small-scale version of that recipe (see the options below), sized for 28×28–32×32 images on
 * a CPU.
 */
import * as tf from '@tensorflow/tfjs-core';
import { stateVariable } from '../ops/state.js';
import * as tfl from '@tensorflow/tfjs-layers';
import { simclrAugment } from '../augment/compose.js';
import { dinoLoss, teacherDistribution, updatedCenter } from '../losses/noncontrastive/dino.js';
import { copyWeights, emaUpdate } from '../models/ema.js';
import { denseBlock, type InitScheme, isInitScheme } from '../models/layers.js';
import { L2Normalize, NormalizedDense } from '../models/siamese.js';
import { check } from '../util/errors.js';
import { type Augment, cloneArchitecture, type MethodOptions, resolveEncoder, resolveOptimizer, scheduledMomentum, scheduleOverTrainSteps } from './common.js';
import { makeMethod, type Method, viewSeed } from '../train/method.js';
import { checkInt } from '../util/checks.js';
import { featureDim } from '../models/encoders.js';

export interface DinoOptions extends MethodOptions {
  /** K, the number of output dimensions ("prototypes"; default 256; DINO: 65536). */
  outputDim?: number;
  /** Hidden size of the head MLP (default 256; DINO: 2048). */
  hiddenDim?: number;
  /** Bottleneck before the normalised last layer (default 64; DINO: 256). */
  bottleneckDim?: number;
  /** τ_s (default 0.1). */
  studentTemperature?: number;
  /** τ_t (default 0.04). */
  teacherTemperature?: number;
  /** Base EMA momentum of the teacher, in [0, 1] (default 0.996), cosine-scheduled to 1 over `totalSteps`. */
  momentum?: number;
  momentumSchedule?: boolean;
  /**
   * Steps of the momentum schedule (default: the `steps` passed to `train`; stored in checkpoints, so a run resumed
   * from one continues its schedule: lib/methods/common.ts `scheduleOverTrainSteps`).
   */
  totalSteps?: number;
  /** m of the centre's EMA, in [0, 1] (default 0.9). */
  centerMomentum?: number;
  /** Number of local views (default 4; 0 = two global views only, Algorithm 1). */
  localCrops?: number;
  /** Crop area ranges of the global and local views (defaults [0.4, 1] and [0.05, 0.4], DINO's). */
  globalScale?: [number, number];
  localScale?: [number, number];
  /** Output size of the local views (default: half the image side, at least 4). */
  localSize?: [number, number];
  /** Augmentations for the global and local views: (x, seed) → view at the right size (default simclrAugment with the scales and sizes above). */
  globalAugment?: Augment;
  localAugment?: Augment;
  /** Subtract the running centre C from the teacher outputs (default true; false: "sharpening only"). */
  centering?: boolean;
  /** Sharpen the teacher with τ_t < τ_s (default true; false: τ_t = τ_s, "centering only"). */
  sharpening?: boolean;
}

export interface DinoResolved {
  inputShape: [number, number, number];
  outputDim: number;
  hiddenDim: number;
  bottleneckDim: number;
  studentTemperature: number;
  teacherTemperature: number;
  momentum: number;
  momentumSchedule: boolean;
  totalSteps: number | undefined;
  centerMomentum: number;
  localCrops: number;
  globalScale: [number, number];
  localScale: [number, number];
  localSize: [number, number];
  centering: boolean;
  sharpening: boolean;
  /** The τ_t the loss uses: `teacherTemperature`, or τ_s when `sharpening` is false. */
  effectiveTeacherTemperature: number;
  batchSize: number;
  seed: number;
}

export interface Dino extends Method<DinoResolved> {
  head: tfl.LayersModel;
  teacherEncoder: tfl.LayersModel;
  teacherHead: tfl.LayersModel;
  /** C, the running mean of the teacher outputs [K]. */
  center: tf.Variable;
  /** The views of step `i`: 2 global then the local ones (caller disposes). */
  views(x: tf.Tensor4D, i: number): { global: tf.Tensor4D[]; local: tf.Tensor4D[] };
  momentumAt(i: number): number;
  /** The teacher's distributions P_t on x (inference mode, with the method's centering and τ_t) [N, K] (caller disposes). */
  teacherProbabilities(x: tf.Tensor4D): tf.Tensor2D;
}

/** DINO's projection head: MLP (GELU) → bottleneck → ℓ² normalise → weight-normalised linear to K (no bias). */
export function dinoHead({ inputDim, hiddenDim = 256, bottleneckDim = 64, outputDim: k = 256, seed = 0, init = 'he', name = 'dino_head' }: {
  inputDim: number; hiddenDim?: number; bottleneckDim?: number; outputDim?: number; seed?: number;
  /** Weight initialisation of the MLP (lib/models/layers.ts `InitScheme`, default 'he'). */
  init?: InitScheme; name?: string;
}): tfl.LayersModel {
  check(isInitScheme(init), 'dinoHead', 'init', "'he' or 'torch'", init);
  for (const [arg, v] of [['inputDim', inputDim], ['hiddenDim', hiddenDim], ['bottleneckDim', bottleneckDim], ['outputDim', k]] as const)
    check(Number.isInteger(v) && v > 0, 'dinoHead', arg, 'a positive integer', v);
  const input = tfl.input({ shape: [inputDim] });
  let h = denseBlock(input, hiddenDim, { activation: 'gelu', seed, init });
  h = denseBlock(h, hiddenDim, { activation: 'gelu', seed: seed + 1, init });
  h = denseBlock(h, bottleneckDim, { activation: 'linear', seed: seed + 2, init });
  h = new L2Normalize({ name: `${name}_l2` }).apply(h) as tfl.SymbolicTensor;
  h = new NormalizedDense({ units: k, seed: seed + 3, name: `${name}_last` }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: h, name });
}

const inUnit = (v: unknown) => typeof v === 'number' && v >= 0 && v <= 1;

export function dino(options: DinoOptions): Dino {
  const where = 'dino';
  check(options !== null && typeof options === 'object', where, 'options', 'an object { inputShape, ... }', options);
  const { encoder, inputShape } = resolveEncoder(where, options);
  const [h, w] = inputShape;
  const half: [number, number] = [Math.max(4, Math.round(h / 2)), Math.max(4, Math.round(w / 2))];
  const r: DinoResolved = {
    inputShape,
    outputDim: options.outputDim ?? 256,
    hiddenDim: options.hiddenDim ?? 256,
    bottleneckDim: options.bottleneckDim ?? 64,
    studentTemperature: options.studentTemperature ?? 0.1,
    teacherTemperature: options.teacherTemperature ?? 0.04,
    momentum: options.momentum ?? 0.996,
    momentumSchedule: options.momentumSchedule ?? true,
    totalSteps: options.totalSteps,
    centerMomentum: options.centerMomentum ?? 0.9,
    localCrops: options.localCrops ?? 4,
    globalScale: options.globalScale ?? [0.4, 1],
    localScale: options.localScale ?? [0.05, 0.4],
    localSize: options.localSize ?? half,
    centering: options.centering ?? true,
    sharpening: options.sharpening ?? true,
    effectiveTeacherTemperature: 0,
    batchSize: options.batchSize ?? 256,
    seed: options.seed ?? 0,
  };
  for (const k of ['outputDim', 'hiddenDim', 'bottleneckDim'] as const) checkInt(where, k, r[k]);
  checkInt(where, 'localCrops', r.localCrops, 0);
  checkInt(where, 'batchSize', r.batchSize, 2);
  for (const k of ['studentTemperature', 'teacherTemperature'] as const) check(typeof r[k] === 'number' && r[k] > 0, where, k, 'a positive number', r[k]);
  check(inUnit(r.momentum), where, 'momentum', 'a number in [0, 1] (the teacher EMA momentum; DINO uses 0.996)', r.momentum, 'pass e.g. momentum: 0.99');
  check(inUnit(r.centerMomentum), where, 'centerMomentum', 'a number in [0, 1] (DINO uses 0.9)', r.centerMomentum);
  check(Array.isArray(r.localSize) && r.localSize.length === 2 && r.localSize.every((d) => Number.isInteger(d) && d > 0), where, 'localSize', '[height, width] as positive integers', r.localSize);
  if (r.totalSteps !== undefined) checkInt(where, 'totalSteps', r.totalSteps);
  for (const k of ['centering', 'sharpening'] as const) check(typeof r[k] === 'boolean', where, k, 'true or false', r[k]);
  r.effectiveTeacherTemperature = r.sharpening ? r.teacherTemperature : r.studentTemperature;

  const globalAugment: Augment = options.globalAugment ?? simclrAugment({ scale: r.globalScale, size: [h, w], seed: r.seed });
  const localAugment: Augment = options.localAugment ?? simclrAugment({ scale: r.localScale, size: r.localSize, seed: r.seed + 1 });
  const k = featureDim(encoder);
  const makeHead = (name: string) => dinoHead({ inputDim: k, hiddenDim: r.hiddenDim, bottleneckDim: r.bottleneckDim, outputDim: r.outputDim, seed: r.seed + 1000, init: options.init, name });
  const head = makeHead('dino_head');
  const teacherEncoder = cloneArchitecture(encoder);
  const teacherHead = makeHead('dino_teacher_head');
  copyWeights(teacherEncoder, encoder);
  copyWeights(teacherHead, head);
  const center = stateVariable(() => tf.zeros([r.outputDim]));

  const views = (x: tf.Tensor4D, i: number) => ({
    global: [0, 1].map((v) => globalAugment(x, viewSeed(r.seed, i, v))),
    local: Array.from({ length: r.localCrops }, (_, j) => localAugment(x, viewSeed(r.seed, i, 2 + j))),
  });
  const momentumAt = (i: number) => scheduledMomentum(r, i);
  const temps = { studentTemperature: r.studentTemperature, teacherTemperature: r.effectiveTeacherTemperature, centering: r.centering };

  type Ctx = { global: tf.Tensor4D[]; local: tf.Tensor4D[]; teacher: tf.Tensor2D[] };
  const method = makeMethod<DinoResolved, Ctx>({
    name: where,
    encoder,
    models: { encoder, head, teacherEncoder, teacherHead },
    optimizer: resolveOptimizer(options),
    state: { center },
    options: r,
    trainable: [encoder, head],
    prepare: (x, i) => {
      check(x.shape[0] >= 2, where, 'x', 'a batch of at least 2 images', x);
      const v = views(x, i);
      // the teacher sees the global views only, outside the gradient tape
      const teacher = v.global.map((g) => teacherHead.apply(teacherEncoder.apply(g, { training: true }), { training: true }) as tf.Tensor2D);
      return { ...v, teacher };
    },
    loss: (_x, _i, _y, { global, local, teacher }) => {
      const student = [...global, ...local].map((v) => head.apply(encoder.apply(v, { training: true }), { training: true }) as tf.Tensor2D);
      return dinoLoss(teacher, student, center, temps);
    },
    after: (i, { teacher }) => {
      center.assign(updatedCenter(center, teacher, r.centerMomentum));
      const m = momentumAt(i);
      emaUpdate(teacherEncoder, encoder, m);
      emaUpdate(teacherHead, head, m);
    },
  });
  scheduleOverTrainSteps(method, r, options.totalSteps);
  const teacherProbabilities = (x: tf.Tensor4D): tf.Tensor2D => tf.tidy(() =>
    teacherDistribution(teacherHead.predict(teacherEncoder.predict(x) as tf.Tensor) as tf.Tensor2D, center, temps));
  return Object.assign(method, { head, teacherEncoder, teacherHead, center, views, momentumAt, teacherProbabilities });
}
