/**
 * Silhouette coefficient (Rousseeuw 1987), a label-based measure of the "clustering" property (deck 000,
 * Properties 3/5: similar data close, dissimilar far). For item i of cluster A:
 *   a(i) = mean distance to the other members of A,  b(i) = min over clusters B ≠ A of the mean distance to B,
 *   s(i) = (b(i) − a(i)) / max(a(i), b(i))   ∈ [−1, 1]   (0 for a singleton),
 * and the score is the mean of s(i). Distances are computed in tiles on the active backend; sets larger than
 * `maxPoints` are subsampled (seeded) first, since the cost is O(N²).
 */
import * as tf from '@tensorflow/tfjs-core';
import { l2Normalize } from '../ops/distances.js';
import { check } from '../util/errors.js';
import { Rng } from '../util/rng.js';
import { checkFeatures, checkLabels, type Features, featuresToTensor, selectRows } from './features.js';

export interface SilhouetteOptions {
  metric?: 'euclidean' | 'cosine';
  /** Subsample to at most this many items (default 4000). */
  maxPoints?: number;
  seed?: number;
}

/** Mean silhouette of the grouping `labels` of the rows of `f` (needs at least 2 groups). */
export async function silhouette(f: Features, labels: ArrayLike<number>, options: SilhouetteOptions = {}): Promise<number> {
  const where = 'silhouette';
  checkFeatures(f, where, 'features', { minRows: 2 });
  checkLabels(labels, f.n, where, 'labels');
  const { metric = 'euclidean', maxPoints = 4000, seed = 0 } = options;
  check(metric === 'euclidean' || metric === 'cosine', where, 'metric', "'euclidean' or 'cosine'", metric);
  check(Number.isInteger(maxPoints) && maxPoints >= 2, where, 'maxPoints', 'an integer >= 2', maxPoints);
  let x = f;
  let y: ArrayLike<number> = labels;
  if (f.n > maxPoints) {
    const idx = new Rng(seed).sample(f.n, maxPoints).sort();
    x = selectRows(f, idx);
    y = Array.from(idx, (i) => labels[i]!);
  }
  const ids = new Map<number, number>();
  const cls = new Int32Array(x.n);
  for (let i = 0; i < x.n; i++) {
    if (!ids.has(y[i]!)) ids.set(y[i]!, ids.size);
    cls[i] = ids.get(y[i]!)!;
  }
  const k = ids.size;
  check(k >= 2 && k < x.n, where, 'labels', `between 2 and N−1 = ${x.n - 1} distinct groups`, `${k} groups`);
  const counts = new Float64Array(k);
  for (const c of cls) counts[c]!++;
  const all = tf.tidy(() => {
    const t = featuresToTensor(x);
    return metric === 'cosine' ? l2Normalize(t) : t;
  }) as tf.Tensor2D;
  const onehot = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(cls, 'int32'), k), 'float32')) as tf.Tensor2D;
  const sq = tf.tidy(() => tf.reshape(tf.sum(tf.square(all), 1), [1, -1]));
  const tile = Math.max(1, Math.floor(8_000_000 / x.n));
  let total = 0;
  try {
    for (let s = 0; s < x.n; s += tile) {
      const e = Math.min(x.n, s + tile);
      const sums = tf.tidy(() => {
        const q = tf.slice(all, [s, 0], [e - s, x.dim]);
        const dist = metric === 'cosine'
          ? tf.relu(tf.sub(1, tf.matMul(q, all, false, true)))
          : tf.sqrt(tf.relu(tf.add(tf.sub(tf.slice(sq, [0, s], [1, e - s]).reshape([-1, 1]), tf.mul(2, tf.matMul(q, all, false, true))), sq)));
        return tf.matMul(dist, onehot); // [tile, k]: summed distance to each cluster
      });
      const v = (await sums.data()) as Float32Array;
      sums.dispose();
      for (let r = 0; r < e - s; r++) {
        const own = cls[s + r]!;
        if (counts[own]! <= 1) continue; // singleton: s(i) = 0
        const a = v[r * k + own]! / (counts[own]! - 1);
        let b = Infinity;
        for (let c = 0; c < k; c++) if (c !== own) b = Math.min(b, v[r * k + c]! / counts[c]!);
        const m = Math.max(a, b);
        total += m > 0 ? (b - a) / m : 0;
      }
    }
  } finally {
    tf.dispose([all, onehot, sq]);
  }
  return total / x.n;
}
