/**
 * Batch samplers for `fit` (its `sampler` option): which examples make batch i. The default is lib/train's
 * `BatchStream` (seeded epochs of `batchSize`); `classBalancedSampler` gives metric learning's K×M batches. A sampler
 * is a pure function of the step index and the seed, so a run resumed from a checkpoint sees the batches the
 * uninterrupted run would have seen.
 */
import { classBalancedBatches } from '../data/class-balanced.js';
import { check } from '../util/errors.js';
import type { ImageSource } from './batches.js';

/** The indices into the data of batch `step`. */
export interface BatchSampler {
  indices(step: number): ArrayLike<number>;
}

/** What `fit` builds a sampler from: the data and the run's steps, batch size and seed. */
export type BatchSamplerFactory = (data: ImageSource, run: { steps: number; batchSize: number; seed: number }) => BatchSampler;

/**
 * K×M class-balanced batches (lib/data `classBalancedBatches`: K classes per batch, M examples each, Hermans et al.
 * 2017), `steps` of them drawn from the run's seed; the batch size is K·M (checked against `fit`'s `batchSize`).
 */
export function classBalancedSampler(o: { classesPerBatch: number; perClass: number; replace?: boolean }): BatchSamplerFactory {
  return (data, run) => {
    check(run.batchSize === o.classesPerBatch * o.perClass, 'classBalancedSampler', 'batchSize', `classesPerBatch × perClass = ${o.classesPerBatch * o.perClass}`, run.batchSize);
    const batches = classBalancedBatches(data.labels, { classesPerBatch: o.classesPerBatch, perClass: o.perClass, seed: run.seed, numBatches: run.steps, replace: o.replace });
    return { indices: (step) => batches[step]! };
  };
}
