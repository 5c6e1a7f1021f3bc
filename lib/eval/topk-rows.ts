/**
 * Row-wise top-k of a similarity matrix, computed where it is cheapest: on the cpu backend the values are
 * already in JS memory and a typed-array selection beats tf.topk (which allocates an object per entry); on GPU
 * backends tf.topk runs on the device and only the k winners per row are read back.
 * Order: larger value first; equal values by smaller index (as tf.topk).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface RowTopK {
  /** [rows * k] values, row-major. */
  values: Float32Array;
  /** [rows * k] column indices. */
  indices: Int32Array;
}

/** Top-k per row of a [rows, cols] tensor (does not dispose `sims`). */
export async function rowTopK(sims: tf.Tensor2D, k: number): Promise<RowTopK> {
  const [rows, cols] = sims.shape;
  if (tf.getBackend() !== 'cpu') {
    const { values, indices } = tf.topk(sims, k, true);
    try {
      return { values: new Float32Array((await values.data()) as Float32Array), indices: new Int32Array((await indices.data()) as Int32Array) };
    } finally {
      tf.dispose([values, indices]);
    }
  }
  const data = (await sims.data()) as Float32Array;
  const values = new Float32Array(rows * k);
  const indices = new Int32Array(rows * k);
  const bv = new Float32Array(k);
  const bi = new Int32Array(k);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let filled = 0;
    for (let j = 0; j < cols; j++) {
      const v = data[o + j]!;
      if (filled === k && !(v > bv[k - 1]!)) continue; // ties keep the earlier (smaller) index
      let p = filled < k ? filled++ : k - 1;
      while (p > 0 && v > bv[p - 1]!) {
        bv[p] = bv[p - 1]!;
        bi[p] = bi[p - 1]!;
        p--;
      }
      bv[p] = v;
      bi[p] = j;
    }
    values.set(bv, r * k);
    indices.set(bi, r * k);
  }
  return { values, indices };
}
