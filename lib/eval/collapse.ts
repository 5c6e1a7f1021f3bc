/**
 * Collapse indicators (deck 003, the ME/SG/PR/BN ablation table; Chen & He 2021, SimSiam Fig. 2): a representation
 * has collapsed when every input maps to (nearly) the same vector.
 *
 *   per-dimension std   std_j of z̄ = z/‖z‖₂ over the items, for each dimension j; its mean over j is ≈ 1/√D
 *                        for embeddings spread over the sphere and → 0 for a collapsed one (SimSiam's plot)
 *   RankMe              → 1 for complete collapse ({@link rankMe})
 *
 * {@link collapseReport} gathers these with alignment-free statistics in one row for tables.
 */
import { check } from '../util/errors.js';
import { normalizeRows } from './alignment-uniformity.js';
import { embed, type Encoder } from './embed.js';
import { checkFeatures, type Features, type PixelSource } from './features.js';
import { knnAccuracy } from './knn.js';
import { linearProbe, type LinearProbeOptions } from './probe.js';
import { rankMe } from './rankme.js';

export interface PerDimensionStd {
  /** std of each dimension over the items (population std). */
  std: Float64Array;
  /** mean over dimensions. */
  mean: number;
  /** 1/√D: what `mean` is for embeddings spread uniformly on the sphere. */
  reference: number;
}

/** Per-dimension std of the (by default ℓ²-normalised) embeddings. */
export function perDimensionStd(f: Features, { normalize = true }: { normalize?: boolean } = {}): PerDimensionStd {
  checkFeatures(f, 'perDimensionStd', 'features', { minRows: 2 });
  const z = normalize ? normalizeRows(f) : Float64Array.from(f.data);
  const { n, dim } = f;
  const std = new Float64Array(dim);
  for (let j = 0; j < dim; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += z[i * dim + j]!;
    const m = s / n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (z[i * dim + j]! - m) ** 2;
    std[j] = Math.sqrt(v / n);
  }
  return { std, mean: std.reduce((a, b) => a + b, 0) / dim, reference: 1 / Math.sqrt(dim) };
}

export interface CollapseReport {
  rankMe: number;
  /** Mean per-dimension std of the normalised embeddings. */
  std: number;
  /** std · √D: ≈ 1 when spread over the sphere, → 0 when collapsed. */
  stdRatio: number;
  dim: number;
  /** Whether it looks collapsed: RankMe < `rankThreshold` or stdRatio < `stdThreshold`. */
  collapsed: boolean;
}

/** RankMe and per-dimension std in one record; `collapsed` uses RankMe < 1.5 or std·√D < 0.05 by default. */
export function collapseReport(f: Features, { rankThreshold = 1.5, stdThreshold = 0.05 }: { rankThreshold?: number; stdThreshold?: number } = {}): CollapseReport {
  check(typeof rankThreshold === 'number' && rankThreshold >= 1, 'collapseReport', 'rankThreshold', 'a number >= 1', rankThreshold);
  const r = rankMe(f);
  const s = perDimensionStd(f);
  const stdRatio = s.mean / s.reference;
  return { rankMe: r, std: s.mean, stdRatio, dim: f.dim, collapsed: r < rankThreshold || stdRatio < stdThreshold };
}

export interface EncoderReportOptions {
  /** kNN neighbours (default 20). */
  k?: number;
  /**
   * Linear probe: by default solved to convergence (linearProbe's L-BFGS default, λ = 1/N). `probeEpochs: 0`
   * skips it; a positive `probeEpochs` runs the old fixed budget of mini-batch Adam epochs at `probeLearningRate`
   * (default 1e-2).
   */
  probeEpochs?: number;
  probeLearningRate?: number;
  /** Further linearProbe options (override the above). */
  probe?: LinearProbeOptions;
  /** Images per forward pass (default 256). */
  batchSize?: number;
}

export interface EncoderReport extends CollapseReport {
  /** Linear-probe test accuracy (NaN when skipped). */
  probe: number;
  /** Iterations (L-BFGS) or steps (Adam) the probe used (0 when skipped). */
  probeIterations: number;
  /** kNN test accuracy (cosine, majority vote). */
  knn: number;
}

/**
 * The evaluation protocols of deck 003 in one call: embed a labelled train and test set with a frozen encoder,
 * then linear probe, kNN, RankMe and the per-dimension std of the test embeddings.
 */
export async function encoderReport(
  encoder: Encoder,
  train: PixelSource & { labels: ArrayLike<number> },
  test: PixelSource & { labels: ArrayLike<number> },
  options: EncoderReportOptions = {},
): Promise<EncoderReport> {
  const { k = 20, probeEpochs, probeLearningRate = 1e-2, batchSize = 256 } = options;
  check(probeEpochs === undefined || (Number.isInteger(probeEpochs) && probeEpochs >= 0), 'encoderReport', 'probeEpochs', 'an integer >= 0 (0 skips the probe; leave it out for a converged probe)', probeEpochs);
  const ftr = await embed(encoder, train, { batchSize });
  const fte = await embed(encoder, test, { batchSize });
  const knn = (await knnAccuracy(ftr, train.labels, fte, test.labels, { k: Math.min(k, ftr.n) })).accuracy;
  const fixed = probeEpochs !== undefined && probeEpochs > 0 ? { epochs: probeEpochs, learningRate: probeLearningRate } : {};
  const lp = probeEpochs === 0 ? null : await linearProbe(ftr, train.labels, fte, test.labels, { ...fixed, ...options.probe });
  return { ...collapseReport(fte), probe: lp ? lp.top1 : Number.NaN, probeIterations: lp ? lp.iterations : 0, knn };
}
