// Our wasm convolution-gradient kernels (lib/kernels/wasm) against the cpu backend on odd shapes: C = 1/3, odd
// H/W, strides 1/2/3 and mixed, padding same/valid/explicit, 1×1 and non-square filters; values and gradients.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { expectClose, expectNoLeak, useBackend } from '../helpers.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface Case { x: number[]; f: number[]; stride: number | [number, number]; pad: Pad }

const CASES: Case[] = [
  { x: [2, 7, 9, 1], f: [3, 3, 1, 4], stride: 1, pad: 'same' },
  { x: [3, 8, 5, 3], f: [3, 2, 3, 5], stride: 2, pad: 'same' },
  { x: [2, 9, 7, 3], f: [5, 3, 3, 2], stride: 2, pad: 'valid' },
  { x: [1, 6, 7, 1], f: [1, 1, 1, 3], stride: 1, pad: 'valid' },
  { x: [2, 7, 8, 3], f: [3, 3, 3, 2], stride: [2, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] },
  { x: [2, 11, 10, 2], f: [3, 3, 2, 3], stride: 3, pad: 'same' },
  { x: [1, 5, 5, 3], f: [3, 3, 3, 1], stride: 1, pad: [[0, 0], [2, 0], [0, 2], [0, 0]] },
];

/** Deterministic values in [-1, 1), with exact zeros sprinkled in (as after a ReLU). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out[i] = i % 7 === 3 ? 0 : (s / 2147483648) * 2 - 1;
  }
  return out;
}

/** y = conv2d(x, W), and the gradients of Σ y·r with respect to x and W (Conv2DBackpropInput / ...Filter). */
async function convAndGrads(c: Case): Promise<Float32Array[]> {
  const x = tf.tensor4d(values(c.x.reduce((a, b) => a * b), 1), c.x as [number, number, number, number]);
  const w = tf.tensor4d(values(c.f.reduce((a, b) => a * b), 2), c.f as [number, number, number, number]);
  const y = tf.conv2d(x, w, c.stride, c.pad);
  const r = tf.tensor(values(y.size, 3), y.shape);
  const f = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), r));
  const [dx, dw] = tf.grads(f)([x, w]);
  const out = await Promise.all([y, dx!, dw!].map((t) => t.data() as Promise<Float32Array>));
  tf.dispose([x, w, y, r, dx!, dw!]);
  return out;
}

/** `op(x, w)` on fixed inputs of these shapes, on cpu and then on wasm (leak-checked): equal within float tolerance. */
async function expectOpMatchesCpu(xShape: [number, number, number, number], wShape: [number, number, number, number], seed: number,
  op: (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor): Promise<void> {
  const run = async () => {
    const x = tf.tensor4d(values(xShape.reduce((a, b) => a * b), seed), xShape);
    const w = tf.tensor4d(values(wShape.reduce((a, b) => a * b), seed + 1), wShape);
    const y = op(x, w);
    const out = (await y.data()) as Float32Array;
    tf.dispose([x, w, y]);
    return out;
  };
  await useBackend('cpu');
  const want = await run();
  await useBackend('wasm');
  expectClose(await expectNoLeak(run), want, 1e-4, 1e-4);
  await useBackend('cpu');
}

describe('wasm Conv2DBackpropFilter and Conv2DBackpropInput', () => {
  it('equal the cpu backend on odd shapes, strides and paddings (values and both gradients)', async () => {
    await useBackend('cpu');
    const want = [];
    for (const c of CASES) want.push(await convAndGrads(c));
    await useBackend('wasm');
    for (let i = 0; i < CASES.length; i++) {
      const got = await expectNoLeak(() => convAndGrads(CASES[i]!));
      for (let k = 0; k < 3; k++) {
        expect(got[k]!.length, `case ${i} output ${k}`).toBe(want[i]![k]!.length);
        expectClose(got[k]!, want[i]![k]!, 1e-4, 1e-4);
      }
    }
    await useBackend('cpu');
  });

  it('conv2dTranspose (Conv2DBackpropInput as an op) equals cpu', () =>
    expectOpMatchesCpu([2, 5, 5, 3], [3, 3, 2, 3], 4, (x, w) => tf.conv2dTranspose(x, w, [2, 9, 10, 2], 2, 'same')));

  it('a dilated forward convolution (stock wasm Conv2D) equals cpu', () =>
    expectOpMatchesCpu([2, 9, 8, 3], [3, 3, 3, 2], 6, (x, w) => tf.conv2d(x, w, 1, 'same', 'NHWC', 2)));
});
