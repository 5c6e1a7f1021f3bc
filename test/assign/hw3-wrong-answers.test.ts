// Homework 3 (non-contrastive SSL) proven through the real grader: the instructor's version scores full marks, the
// released one 0, and a wrong-but-plausible answer per part (an unbiased std where BatchNorm's is asked for, the
// mean over entries, the diagonal kept, a missing stop-gradient, a swapped momentum, no centring, no
// normalisation, a stop-gradient left in) loses that part's points and no other. "No other": each test cell
// calls only its own part's function (checked on the source), and a submission with every part wrong fails every
// test for its own part's reason; REPRLAB_HOMEWORK_VARIANTS=1 also grades one submission per wrong part
// (test/assign/homework-proof.ts).
import { proveAssignment, type WrongAnswers } from './homework-proof.js';

const normalise = 'const u = (x: tf.Tensor2D) => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-12)));';
/** answer cell → [a wrong-but-plausible version, the test cell it must fail, the reason it must give]. */
const WRONG: WrongAnswers = {
  barlow: [
    `function barlowTwinsLoss(z1: tf.Tensor2D, z2: tf.Tensor2D, lambda = 5e-3): tf.Scalar {
  return tf.tidy(() => {
    const n = z1.shape[0], d = z1.shape[1];
    // the sample std (1/(n-1)) instead of BatchNorm's (1/n)
    const s = (z: tf.Tensor2D) => { const { mean, variance } = tf.moments(z, 0); return tf.div(tf.sub(z, mean), tf.sqrt(tf.add(tf.mul(variance, n / (n - 1)), 1e-5))); };
    const c = tf.div(tf.matMul(s(z1), s(z2), true, false), n);
    const eye = tf.eye(d);
    return tf.add(tf.sum(tf.square(tf.sub(1, tf.sum(tf.mul(c, eye), 1)))), tf.mul(lambda, tf.sum(tf.square(tf.mul(c, tf.sub(1, eye)))))) as tf.Scalar;
  });
}`,
    'test_barlow',
    /barlowTwinsLoss with λ = 0\.1: expected \[0\.135795\], got \[0\.311/,
  ],
  vicreg_invariance: [
    'function vicregInvariance(z1: tf.Tensor2D, z2: tf.Tensor2D): tf.Scalar {\n  return tf.tidy(() => tf.mean(tf.square(tf.sub(z1, z2))) as tf.Scalar); // the mean over all entries\n}',
    'test_vicreg_invariance',
    /vicregInvariance: expected \[13\], got \[6\.5\]/,
  ],
  vicreg_variance: [
    'function vicregVariance(z: tf.Tensor2D, gamma = 1, eps = 1e-4): tf.Scalar {\n  return tf.tidy(() => tf.mean(tf.relu(tf.sub(gamma, tf.sqrt(tf.add(tf.moments(z, 0).variance, eps))))) as tf.Scalar); // biased\n}',
    'test_vicreg_variance',
    /vicregVariance with γ = 1: expected \[0\.24995\], got \[0\.295/,
  ],
  vicreg_covariance: [
    'function vicregCovariance(z: tf.Tensor2D): tf.Scalar {\n  return tf.tidy(() => {\n    const [n, d] = z.shape;\n    const zc = tf.sub(z, tf.mean(z, 0));\n    return tf.div(tf.sum(tf.square(tf.div(tf.matMul(zc, zc, true, false), n - 1))), d) as tf.Scalar; // diagonal kept\n  });\n}',
    'test_vicreg_covariance',
    /vicregCovariance: expected \[25\], got \[57\.5\]/,
  ],
  simsiam: [
    `function simsiamLoss(p1: tf.Tensor2D, z2: tf.Tensor2D, p2: tf.Tensor2D, z1: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    ${normalise}
    const d = (p: tf.Tensor2D, z: tf.Tensor2D) => tf.neg(tf.mean(tf.sum(tf.mul(u(p), u(z)), 1)));
    return tf.add(tf.mul(0.5, d(p1, z2)), tf.mul(0.5, d(p2, z1))) as tf.Scalar; // no stop-gradient
  });
}`,
    'test_simsiam',
    /gradient of simsiamLoss with respect to z2 \(the stop-gradient\): expected \[0,0\]/,
  ],
  ema: [
    'function emaUpdate(teacher: tf.Variable[], student: tf.Tensor[], momentum: number): void {\n  tf.tidy(() => teacher.forEach((t, i) => t.assign(tf.add(tf.mul(t, 1 - momentum), tf.mul(student[i], momentum))))); // swapped\n}',
    'test_ema',
    /teacher after emaUpdate with m = 0\.9: expected \[1\.2,2\.4\], got \[2\.8,5\.6\]/,
  ],
  dino: [
    `function dinoLoss(teacher: tf.Tensor2D, student: tf.Tensor2D, center: tf.Tensor1D, tauS = 0.1, tauT = 0.04): tf.Scalar {
  return tf.tidy(() => {
    const pt = stopGradient(tf.softmax(tf.div(teacher, tauT))); // the centre is not subtracted
    return tf.neg(tf.mean(tf.sum(tf.mul(pt, tf.logSoftmax(tf.div(student, tauS))), 1))) as tf.Scalar;
  });
}`,
    'test_dino',
    /dinoLoss with centre \[0\.04, 0\] \(centring\): expected \[0\.813262\], got \[1\.04432\]/,
  ],
  center: [
    'function updateCenter(center: tf.Tensor1D, teacher: tf.Tensor2D, momentum = 0.9): tf.Tensor1D {\n  return tf.tidy(() => tf.add(tf.mul(center, 1 - momentum), tf.mul(tf.mean(teacher, 0), momentum)) as tf.Tensor1D); // swapped\n}',
    'test_center',
    /updateCenter with m = 0\.9: expected \[0\.2,1\.2\], got \[1\.8,2\.8\]/,
  ],
  embedding_std: [
    'function embeddingStd(z: tf.Tensor2D): tf.Scalar {\n  return tf.tidy(() => tf.mean(tf.sqrt(tf.moments(z, 0).variance)) as tf.Scalar); // not normalised\n}',
    'test_embedding_std',
    /embeddingStd: expected \[0\.251617\], got \[1\.258/,
  ],
  simsiam_no_sg: [
    `function simsiamLossNoStopGradient(p1: tf.Tensor2D, z2: tf.Tensor2D, p2: tf.Tensor2D, z1: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    ${normalise}
    const d = (p: tf.Tensor2D, z: tf.Tensor2D) => tf.neg(tf.mean(tf.sum(tf.mul(u(p), u(z)), 1)));
    return tf.add(tf.mul(0.5, d(p1, stopGradient(z2))), tf.mul(0.5, d(p2, stopGradient(z1)))) as tf.Scalar; // left in
  });
}`,
    'test_collapse',
    /should collapse below 0\.06, got 0\.(0[6-9]|1)/,
  ],
};

proveAssignment('hw3-non-contrastive', WRONG, { auto: 14, manual: 5 });
