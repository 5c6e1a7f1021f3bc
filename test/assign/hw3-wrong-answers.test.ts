// Homework 3 (non-contrastive SSL) proven through the real grader: the instructor's version scores full marks, the
// released one 0, and a wrong-but-plausible answer per part (an unbiased std where BatchNorm's is asked for, the
// mean over entries, the diagonal kept, a missing stop-gradient, a swapped momentum, no centring, no
// normalisation, a stop-gradient left in) loses that part's points and no other. "No other": each test cell
// calls only its own part's function (checked on the source), and a submission with every part wrong fails every
// test for its own part's reason; REPRLAB_HOMEWORK_VARIANTS=1 also grades one submission per wrong part.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gradeAll, gradeCells, identifiersIn, makeStudentVersion, type Notebook, readNotebook, sourceOf, topLevelDeclarations, writeNotebook } from '../../grader/index.js';
import { withSource, writeSubmission } from './fixture.js';
import { graderMissing } from './kernel.js';

const ROOT = resolve(import.meta.dirname, '../..');
const NAME = 'hw3-non-contrastive';
const SOURCE = join(ROOT, 'notebooks', 'homework', `${NAME}.ipynb`);

const normalise = 'const u = (x: tf.Tensor2D) => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-12)));';
/** answer cell → [a wrong-but-plausible version, the test cell it must fail, the reason it must give]. */
export const WRONG: Record<string, [string, string, RegExp]> = {
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

describe(`${NAME}: each test cell checks only its own part`, () => {
  it('every test cell calls exactly one answer function, its own part\'s; every answer cell has a wrong version', () => {
    const source = readNotebook(SOURCE);
    const cells = gradeCells(source);
    const answerFns = new Map<string, string>(); // function name → answer cell
    for (const c of cells.filter((x) => x.kind === 'autograded-answer')) for (const n of topLevelDeclarations(sourceOf(source.cells[c.index]!)).functions.keys()) answerFns.set(n, c.gradeId);
    expect(new Set(answerFns.values())).toEqual(new Set(Object.keys(WRONG)));
    const ownerOf = new Map(Object.entries(WRONG).map(([answer, [, test]]) => [test, answer]));
    for (const t of cells.filter((x) => x.kind === 'tests')) {
      const used = [...identifiersIn(sourceOf(source.cells[t.index]!))].filter((n) => answerFns.has(n)).map((n) => answerFns.get(n));
      expect(used, t.gradeId).toEqual([ownerOf.get(t.gradeId)]);
    }
    // the locked framework the tests call (trainSiamese) uses no answer function either
    for (const c of cells.filter((x) => x.kind === 'read-only')) {
      const fns = topLevelDeclarations(sourceOf(source.cells[c.index]!)).functions;
      for (const [, text] of fns) expect([...identifiersIn(text)].filter((n) => answerFns.has(n)), c.gradeId).toEqual([]);
    }
  });
});

const missing = graderMissing();

function withWrong(nb: Notebook, answers: string[]): Notebook {
  return answers.reduce((n, a) => withSource(n, a, WRONG[a]![0]), nb);
}

describe.skipIf(!!missing)(`grading ${NAME}${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('instructor: full marks; released: 0; every part wrong: 0, each test failing for its own part\'s reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-hw3-'));
    const src = join(dir, 'src');
    const source = readNotebook(SOURCE);
    writeNotebook(join(src, `${NAME}.ipynb`), source);
    const subs = join(dir, 'submissions');
    writeSubmission(subs, 'instructor', NAME, source);
    writeSubmission(subs, 'released', NAME, makeStudentVersion(source, NAME));
    writeSubmission(subs, 'wrong', NAME, withWrong(source, Object.keys(WRONG)));
    const batch = await gradeAll({ submissionsDir: subs, sourceDir: src, outDir: join(dir, 'grades'), mode: 'smoke', timeout: 600, cellTimeout: 300, jobs: 2 });
    const by = new Map(batch.results.map((r) => [r.student, r]));
    const summary = batch.results.map((r) => `${r.student}: ${r.status} ${r.score}/${r.maxAuto} (${r.seconds}s) ${r.cells.filter((c) => c.status !== 'passed').map((c) => `${c.gradeId}: ${c.message?.slice(0, 160)}`).join(' | ')}`).join('\n');
    const ins = by.get('instructor')!;
    expect(ins.status, summary).toBe('graded');
    expect(ins.score, summary).toBe(14);
    expect(ins.maxAuto).toBe(14);
    expect(ins.cellErrors, summary).toEqual([]);
    expect(ins.pendingManual).toBe(5);
    console.log(`hw3 instructor version graded in ${ins.seconds} s wall (smoke)`);
    const rel = by.get('released')!;
    expect(rel.score, summary).toBe(0);
    for (const c of rel.cells.filter((x) => x.kind === 'tests')) expect(c.message, c.gradeId).toMatch(/not implemented/);
    const wrong = by.get('wrong')!;
    expect(wrong.status, summary).toBe('graded');
    expect(wrong.score, summary).toBe(0);
    for (const [, [, test, reason]] of Object.entries(WRONG)) expect(wrong.cells.find((c) => c.gradeId === test)!.message, `${test}\n${summary}`).toMatch(reason);
  }, 1_800_000);

  it.skipIf(!process.env.REPRLAB_HOMEWORK_VARIANTS)('one wrong part at a time loses exactly that part\'s points (REPRLAB_HOMEWORK_VARIANTS=1)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprlab-hw3-variants-'));
    const src = join(dir, 'src');
    const source = readNotebook(SOURCE);
    writeNotebook(join(src, `${NAME}.ipynb`), source);
    const subs = join(dir, 'submissions');
    for (const a of Object.keys(WRONG)) writeSubmission(subs, a.replace(/_/g, '-'), NAME, withWrong(source, [a]));
    const batch = await gradeAll({ submissionsDir: subs, sourceDir: src, outDir: join(dir, 'grades'), mode: 'smoke', timeout: 600, cellTimeout: 300, jobs: 2 });
    const points = new Map(gradeCells(source).map((c) => [c.gradeId, c.points]));
    for (const [a, [, test, reason]] of Object.entries(WRONG)) {
      const r = batch.results.find((x) => x.student === a.replace(/_/g, '-'))!;
      expect(r.score, `${a}: ${r.cells.filter((c) => c.status !== 'passed').map((c) => c.gradeId).join(', ')}`).toBe(14 - points.get(test)!);
      expect(r.cells.filter((c) => c.kind === 'tests' && c.status !== 'passed').map((c) => c.gradeId)).toEqual([test]);
      expect(r.cells.find((c) => c.gradeId === test)!.message).toMatch(reason);
    }
  }, 3_600_000);
});
