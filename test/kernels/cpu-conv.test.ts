import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { useFastCpuConvGrad } from '../../lib/kernels/cpu-conv.js';
import { expectClose, useBackend } from '../helpers.js';

beforeAll(() => useBackend('cpu'));

/** Direct dW[r, c, i, o] = Σ_{b, y, x} X[b, y·s − pad + r, x·s − pad + c, i] · dY[b, y, x, o], in float64. */
function direct(x: Float32Array, xs: number[], dy: Float32Array, ds: number[], k: number, stride: number, padTop: number, padLeft: number, cout: number) {
  const [n, h, w, cin] = xs as [number, number, number, number];
  const [, oh, ow] = ds as [number, number, number, number];
  const out = new Float64Array(k * k * cin * cout);
  for (let r = 0; r < k; r++) for (let c = 0; c < k; c++) for (let i = 0; i < cin; i++) for (let o = 0; o < cout; o++) {
    let s = 0;
    for (let b = 0; b < n; b++) for (let y = 0; y < oh; y++) for (let xx = 0; xx < ow; xx++) {
      const R = y * stride - padTop + r, C = xx * stride - padLeft + c;
      if (R < 0 || R >= h || C < 0 || C >= w) continue;
      s += x[((b * h + R) * w + C) * cin + i]! * dy[((b * oh + y) * ow + xx) * cout + o]!;
    }
    out[((r * k + c) * cin + i) * cout + o] = s;
  }
  return out;
}

describe('fast cpu Conv2DBackpropFilter', () => {
  it('matches a direct computation for same/valid padding and strides 1/2 (zeros in x included)', async () => {
    expect(useFastCpuConvGrad()).toBe(true);
    for (const [pad, stride] of [['same', 1], ['valid', 1], ['same', 2], ['valid', 2]] as const) {
      const x = tf.relu(tf.randomNormal([2, 7, 6, 3], 0, 1, 'float32', 5)) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 6) as tf.Tensor4D;
      const y = tf.conv2d(x, w, stride, pad);
      const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 7);
      const dw = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, f as tf.Tensor4D, stride, pad), dy)))(w);
      const [oh, ow] = [y.shape[1]!, y.shape[2]!];
      const padTop = pad === 'valid' ? 0 : Math.floor(Math.max((oh - 1) * stride + 3 - 7, 0) / 2);
      const padLeft = pad === 'valid' ? 0 : Math.floor(Math.max((ow - 1) * stride + 3 - 6, 0) / 2);
      const want = direct((await x.data()) as Float32Array, x.shape, (await dy.data()) as Float32Array, y.shape, 3, stride, padTop, padLeft, 4);
      expectClose(await dw.data(), want, 1e-4, 1e-4);
      tf.dispose([x, w, y, dy, dw]);
    }
  });
});
