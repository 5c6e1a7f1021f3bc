/**
 * DINO's self-distillation loss (deck 001, "Distillation - student and teacher relation", Algorithm 1; deck 003,
 * "DINO"; Caron et al. 2021). Student g_θs and teacher g_θt output K logits per view; the teacher's are centred
 * (minus a running mean C) and sharpened (low temperature τ_t), the student's softened with τ_s:
 *
 *   P_s(x)^(k) = exp(g_θs(x)^(k)/τ_s) / Σ_k' exp(g_θs(x)^(k')/τ_s)
 *   P_t(x)     = softmax((g_θt(x) − C)/τ_t)                       (stop-gradient: the teacher is not trained)
 *   H(a, b)    = −Σ_k a^(k) log b^(k)
 *
 *   L = mean over pairs  Σ_{x ∈ {x₁ᵍ, x₂ᵍ}}  Σ_{x' ∈ V, x' ≠ x}  H(P_t(x), P_s(x'))
 *
 * V holds the 2 global views and the local views; the teacher sees only the global views. Each H is averaged over
 * the batch; the loss is the mean over the pairs. "Centering prevents one dimension to dominate but encourages
 * collapse to the uniform distribution, while the sharpening has the opposite effect" (deck 001). The centre
 * follows C ← m·C + (1 − m)·mean over the batch of the teacher outputs ({@link updatedCenter}).
 * `centering: false` drops the − C (the "sharpening only" ablation; "centering only" is a teacher temperature equal
 * to the student's, chosen by the method: lib/methods/dino.ts `sharpening: false`).
 *
 *   const loss = dinoLoss([t1, t2], [s1, s2, ...locals], center, { teacherTemperature: 0.04 });
 *   const next = updatedCenter(center, [t1, t2], 0.9); // the centre's EMA, after the step
 */
import * as tf from '@tensorflow/tfjs-core';
import { stopGradient } from '../../ops/gradients.js';
import { check } from '../../util/errors.js';
import { checkEmbeddings } from '../../util/checks.js';

export interface DinoLossOptions {
  /** τ_s (default 0.1). */
  studentTemperature?: number;
  /** τ_t (default 0.04; the paper warms it up to 0.07). */
  teacherTemperature?: number;
  /** Subtract the centre C from the teacher outputs (default true; false: the "sharpening only" ablation). */
  centering?: boolean;
}

/** P_t = softmax((g_t − C)/τ_t), or softmax(g_t/τ_t) without centering: the teacher's distributions [N, K] (caller disposes). */
export function teacherDistribution(teacher: tf.Tensor2D, center: tf.Tensor, { teacherTemperature = 0.04, centering = true }: DinoLossOptions = {}): tf.Tensor2D {
  return tf.tidy(() => {
    const t = stopGradient(teacher);
    return tf.softmax(tf.div(centering ? tf.sub(t, tf.reshape(center, [1, -1])) : t, teacherTemperature)) as tf.Tensor2D;
  });
}

/** H(P_t, P_s) for one pair of views, averaged over the batch (teacher stop-gradient'ed, centred, sharpened). */
export function dinoCrossEntropy(teacher: tf.Tensor2D, student: tf.Tensor2D, center: tf.Tensor, options: DinoLossOptions = {}): tf.Scalar {
  const { studentTemperature = 0.1, teacherTemperature = 0.04, centering = true } = options;
  return tf.tidy(() => {
    const pt = teacherDistribution(teacher, center, { teacherTemperature, centering });
    const logPs = tf.logSoftmax(tf.div(student, studentTemperature));
    return tf.mean(tf.neg(tf.sum(tf.mul(pt, logPs), 1))) as tf.Scalar;
  });
}

/**
 * The multi-crop DINO loss. `teacher`: outputs on the global views [N, K] each; `student`: outputs on every view,
 * the global views first and in the same order as `teacher`, then the local views. Pairs (i, j) with i a global
 * view and j ≠ i any student view. Returns a scalar (caller disposes).
 */
export function dinoLoss(teacher: tf.Tensor2D[], student: tf.Tensor2D[], center: tf.Tensor, options: DinoLossOptions = {}): tf.Scalar {
  const where = 'dinoLoss';
  const { studentTemperature = 0.1, teacherTemperature = 0.04, centering = true } = options;
  check(typeof centering === 'boolean', where, 'centering', 'true or false', centering);
  check(typeof studentTemperature === 'number' && studentTemperature > 0, where, 'studentTemperature', 'a positive number τ_s (DINO: 0.1)', studentTemperature);
  check(typeof teacherTemperature === 'number' && teacherTemperature > 0, where, 'teacherTemperature', 'a positive number τ_t (DINO: 0.04-0.07, below τ_s to sharpen)', teacherTemperature);
  check(Array.isArray(teacher) && teacher.length >= 1, where, 'teacher', 'a non-empty list of teacher outputs [N, K] (one per global view)', teacher);
  check(Array.isArray(student) && student.length >= 2, where, 'student', 'a list of at least 2 student outputs [N, K] (global views first, then local)', student);
  teacher.forEach((t, i) => checkEmbeddings(where, `teacher[${i}]`, t, 1, { batchStatistic: true }));
  const [n, k] = teacher[0]!.shape;
  for (const [name, list] of [['teacher', teacher], ['student', student]] as const)
    list.forEach((t, i) => check(t instanceof tf.Tensor && t.rank === 2 && t.shape[0] === n && t.shape[1] === k, where, `${name}[${i}]`, `a tensor [${n}, ${k}] like teacher[0]`, t));
  check(teacher.length <= student.length, where, 'student', `at least as many views as the teacher (${teacher.length} global views)`, student.length);
  check(center instanceof tf.Tensor && center.size === k, where, 'center', `a tensor of ${k} values (one per output dimension)`, center);
  return tf.tidy(() => {
    const terms: tf.Scalar[] = [];
    teacher.forEach((t, i) => student.forEach((s, j) => {
      if (i !== j) terms.push(dinoCrossEntropy(t, s, center, { studentTemperature, teacherTemperature, centering }));
    }));
    return tf.div(tf.addN(terms), terms.length) as tf.Scalar;
  });
}

/** C ← m·C + (1 − m)·mean of the teacher outputs over the batch and the global views; returns the new centre [K]. */
export function updatedCenter(center: tf.Tensor, teacher: tf.Tensor2D[], momentum: number): tf.Tensor1D {
  check(typeof momentum === 'number' && momentum >= 0 && momentum <= 1, 'updatedCenter', 'momentum', 'a number in [0, 1] (DINO: 0.9)', momentum);
  return tf.tidy(() => {
    const batchMean = tf.mean(tf.concat(teacher.map((t) => stopGradient(t)), 0), 0);
    return tf.add(tf.mul(tf.reshape(center, [-1]), momentum), tf.mul(batchMean, 1 - momentum)) as tf.Tensor1D;
  });
}
