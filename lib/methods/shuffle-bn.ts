/**
 * Shuffling BN on one device (MoCo, He et al. 2020, §3.3; deck 002, "Momentum Contrastive Learning"). With
 * BatchNorm in training mode, the samples of a batch "communicate" through the batch statistics, and the model can
 * find the positive key of a query from the statistics they share instead of from the image — it "cheats" the
 * pretext task. MoCo trains on several GPUs, with BN per GPU, and shuffles the sample order of the key batch before
 * distributing it (and unshuffles after), so that a query and its positive key are normalised with statistics from
 * two different subsets of the batch.
 *
 * On one device we emulate G GPUs: the query batch is cut into G contiguous groups and the key batch into G groups
 * of a random permutation π of its rows; each group goes through the network on its own (its own BN statistics)
 * and the outputs are put back in the original row order (π⁻¹). With G = 1 (or no permutation) it is the plain
 * full-batch forward pass.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';

/** A seeded random permutation of 0..n−1 (Fisher–Yates on lib/util's Rng). */
export function randomPermutation(n: number, seed: number): Int32Array {
  check(Number.isInteger(n) && n >= 1, 'randomPermutation', 'n', 'a positive integer', n);
  return new Rng(seed).permutation(n);
}

/** π⁻¹ with π⁻¹[π[i]] = i: gathering rows by π then by π⁻¹ gives back the original order. */
export function inversePermutation(perm: ArrayLike<number>): Int32Array {
  const n = perm.length;
  const inv = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const p = perm[i]!;
    check(Number.isInteger(p) && p >= 0 && p < n && inv[p] === -1, 'inversePermutation', 'perm', `a permutation of 0..${n - 1}`, perm,
      'pass each index exactly once (e.g. from randomPermutation)');
    inv[p] = i;
  }
  return inv;
}

/** Sizes of G near-equal contiguous groups of n rows (they differ by at most one; the first ones are larger). */
export function groupSizes(n: number, groups: number): number[] {
  check(Number.isInteger(groups) && groups >= 1, 'groupSizes', 'groups', 'a positive integer', groups);
  check(Number.isInteger(n) && n >= 2 * groups, 'groupSizes', 'n', `at least 2 rows per group (>= ${2 * groups} for ${groups} groups)`, n,
    'use a larger batch or fewer BN groups: BatchNorm needs several samples per group');
  const base = Math.floor(n / groups), extra = n % groups;
  return Array.from({ length: groups }, (_, g) => base + (g < extra ? 1 : 0));
}

export interface GroupedApplyOptions {
  /** G, the number of groups with their own BN statistics (1: one full-batch pass). */
  groups: number;
  /** Row order in which the batch is cut into groups (default: the identity, contiguous groups). */
  permutation?: ArrayLike<number>;
  /** BatchNorm/dropout in training mode (default true). */
  training?: boolean;
}

/**
 * model(x) computed group by group: rows x[π] cut into `groups` contiguous groups, each applied on its own, the
 * outputs concatenated and put back in x's row order. Returns a new tensor [N, ...] (caller disposes).
 */
export function applyInGroups(model: tfl.LayersModel | ((x: tf.Tensor) => tf.Tensor), x: tf.Tensor, o: GroupedApplyOptions): tf.Tensor {
  const where = 'applyInGroups';
  const n = x.shape[0]!;
  const sizes = groupSizes(n, o.groups);
  const training = o.training ?? true;
  const perm = o.permutation;
  if (perm !== undefined) check(perm.length === n, where, 'permutation', `a permutation of the ${n} rows`, perm);
  const inv = perm !== undefined ? inversePermutation(perm) : undefined;
  const f = typeof model === 'function' ? model : (t: tf.Tensor) => model.apply(t, { training }) as tf.Tensor;
  return tf.tidy(() => {
    const xs = perm !== undefined ? tf.gather(x, tf.tensor1d(Int32Array.from(perm), 'int32')) : x;
    const parts = sizes.length === 1 ? [xs] : tf.split(xs, sizes, 0);
    const ys = parts.map((p) => f(p));
    const y = ys.length === 1 ? ys[0]! : tf.concat(ys, 0);
    return inv !== undefined ? tf.gather(y, tf.tensor1d(inv, 'int32')) : y;
  });
}
