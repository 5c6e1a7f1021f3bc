/**
 * k-means++ seeding (Arthur & Vassilvitskii 2007): the first centre is a uniformly random point; each next one
 * is a point drawn with probability proportional to D(x)², its squared distance to the nearest centre chosen so
 * far. Computed in JS (float64) from a seeded {@link Rng}, so the tensor and the ml-kmeans paths of
 * {@link kMeans} start from the very same centres.
 */
import type { Features } from '../linalg/features.js';
import { Rng } from '../util/rng.js';

/** Row indices of k seeds chosen by k-means++ (distinct unless the data has fewer than k distinct rows). */
export function kMeansPlusPlus(f: Features, k: number, rng: Rng): Int32Array {
  const { n, dim, data } = f;
  const chosen = new Int32Array(k);
  const d2 = new Float64Array(n).fill(Infinity);
  let c = rng.int(n);
  for (let j = 0; j < k; j++) {
    chosen[j] = c;
    const co = c * dim;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const o = i * dim;
      let s = 0;
      for (let t = 0; t < dim; t++) {
        const v = data[o + t]! - data[co + t]!;
        s += v * v;
      }
      if (s < d2[i]!) d2[i] = s;
      total += d2[i]!;
    }
    if (j === k - 1) break;
    if (total === 0) {
      c = rng.int(n); // every point coincides with a centre: any point will do (empty clusters are re-seeded later)
      continue;
    }
    let u = rng.uniform() * total;
    c = n - 1;
    for (let i = 0; i < n; i++) {
      u -= d2[i]!;
      if (u < 0) {
        c = i;
        break;
      }
    }
  }
  return chosen;
}
