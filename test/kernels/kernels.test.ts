/**
 * Our WebGPU kernels (lib/kernels) against tfjs-backend-webgpu's stock kernels, on the webgpu adapter this machine
 * has (Mesa lavapipe in CI): same shapes, random inputs, ours vs stock within float32 round-off. Covers every
 * transpose combination, batch broadcasting, fused bias/activation, odd sizes, every tile shape and split-K, and the
 * convolutions (forward, backprop-input, backprop-filter) with stride 1/2, 'same'/'valid'/explicit padding, C = 1/3.
 * Skipped, with the reason printed, when no webgpu adapter is found, unless REPRLAB_REQUIRE_WEBGPU=1.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../lib/backend/index.js';
import { activeCustomKernels, CUSTOM_KERNEL_NAMES, planOptions, SOFTWARE_ADAPTER_KERNELS, useCustomKernels } from '../../lib/kernels/index.js';
import { expectClose, tryWebgpu } from '../helpers.js';

// Shader compilation on a software adapter is slow, and CI's two cores are shared: generous time per test.
vi.setConfig({ testTimeout: 300_000 });

let webgpu = false;
let skipReason = '';

beforeAll(async () => {
  ({ ok: webgpu, reason: skipReason } = await tryWebgpu('our WebGPU kernels (test/kernels)'));
});

afterEach(() => {
  delete planOptions.tile;
  delete planOptions.splits;
});

afterAll(async () => {
  useCustomKernels('auto');
  await initBackend({ backend: 'cpu', verbose: false });
});

const rand = (shape: number[], seed: number, scale = 1) => tf.randomNormal(shape, 0, scale, 'float32', seed);
const rand4 = (shape: number[], seed: number, scale = 1) => rand(shape, seed, scale) as tf.Tensor4D;

/** Run `f` with the stock kernels and with ours; compare element-wise; check ours leaves no GPU buffer behind. */
async function oursVsStock(f: () => tf.Tensor, { atol = 1e-4, rtol = 1e-4 } = {}): Promise<void> {
  useCustomKernels(false);
  const s = tf.tidy(f);
  const stockValues = await s.data();
  useCustomKernels(true);
  const buffersBefore = tf.memory().numDataBuffers;
  const o = tf.tidy(f);
  const oursValues = await o.data();
  expect(o.shape).toEqual(s.shape);
  expect(oursValues.length).toBe(stockValues.length);
  tf.dispose([s, o]);
  expect(tf.memory().numDataBuffers, 'GPU buffers leaked').toBe(buffersBefore - 1);
  let scale = 1;
  for (const v of stockValues) scale = Math.max(scale, Math.abs(v));
  expectClose(oursValues, stockValues, atol * scale, rtol);
}

function skipIfNoGpu(ctx: { skip: (note?: string) => void }): void {
  if (!webgpu) ctx.skip(`no webgpu adapter: ${skipReason}`);
}

describe('kernel switch', () => {
  it('registers ours for webgpu only, and restores the stock kernels', (ctx) => {
    skipIfNoGpu(ctx);
    expect(useCustomKernels(true)).toEqual([...CUSTOM_KERNEL_NAMES]);
    for (const name of CUSTOM_KERNEL_NAMES) {
      expect((tf.getKernel(name, 'webgpu') as { reprlab?: boolean }).reprlab).toBe(true);
      const cpu = tf.getKernel(name, 'cpu') as { reprlab?: boolean } | undefined;
      expect(cpu?.reprlab).toBeUndefined();
    }
    expect(useCustomKernels(false)).toEqual([]);
    // Replaced kernels are the stock ones again; our new-name kernels (the fused NT-Xent) are unregistered.
    for (const name of CUSTOM_KERNEL_NAMES) expect((tf.getKernel(name, 'webgpu') as { reprlab?: boolean } | undefined)?.reprlab).toBeUndefined();
    const auto = useCustomKernels('auto');
    expect(auto.length === CUSTOM_KERNEL_NAMES.length || auto.every((n) => SOFTWARE_ADAPTER_KERNELS.includes(n))).toBe(true);
    expect(activeCustomKernels()).toEqual(auto);
  });

  it('rejects a bad choice, naming the options', () => {
    expect(() => useCustomKernels('yes' as never)).toThrow(/'auto'/);
  });
});

describe('matmul (BatchMatMul, _FusedMatMul)', () => {
  const shapes: [number, number, number][] = [
    [1, 1, 1],
    [7, 13, 5],
    [33, 65, 17],
    [64, 128, 96],
    [130, 9, 70],
  ];
  for (const [m, k, n] of shapes) {
    it(`${m}x${k} · ${k}x${n}, all four transpose combinations`, async (ctx) => {
      skipIfNoGpu(ctx);
      const a = rand([m, k], 1);
      const b = rand([k, n], 2);
      const at = tf.transpose(a);
      const bt = tf.transpose(b);
      await oursVsStock(() => tf.matMul(a, b));
      await oursVsStock(() => tf.matMul(at, b, true, false));
      await oursVsStock(() => tf.matMul(a, bt, false, true));
      await oursVsStock(() => tf.matMul(at, bt, true, true));
      tf.dispose([a, b, at, bt]);
    });
  }

  it('every tile shape and split-K give the same numbers', async (ctx) => {
    skipIfNoGpu(ctx);
    const a = rand([70, 300], 3);
    const b = rand([300, 45], 4);
    for (const tile of ['small', 'medium', 'big'] as const) {
      for (const splits of [1, 3]) {
        planOptions.tile = tile;
        planOptions.splits = splits;
        await oursVsStock(() => tf.matMul(a, b));
      }
    }
    tf.dispose([a, b]);
  });

  it('batched, with broadcasting of a single batch, and rank 4', async (ctx) => {
    skipIfNoGpu(ctx);
    const a = rand([3, 7, 13], 5);
    const b = rand([3, 13, 5], 6);
    const b1 = rand([1, 13, 5], 7);
    const w = rand([13, 5], 8);
    const q = rand([2, 3, 6, 4], 9);
    const kk = rand([2, 3, 6, 4], 10);
    await oursVsStock(() => tf.matMul(a, b));
    await oursVsStock(() => tf.matMul(a, b1));
    await oursVsStock(() => tf.matMul(a, w));
    await oursVsStock(() => tf.matMul(q, kk, false, true)); // attention scores
    await oursVsStock(() => tf.matMul(q, kk, true, false));
    tf.dispose([a, b, b1, w, q, kk]);
  });

  it('fused bias and activations', async (ctx) => {
    skipIfNoGpu(ctx);
    const a = rand([9, 20], 11);
    const b = rand([20, 6], 12);
    const bias = rand([6], 13);
    await oursVsStock(() => tf.fused.matMul({ a, b, bias }));
    await oursVsStock(() => tf.fused.matMul({ a, b, bias, activation: 'relu' }));
    await oursVsStock(() => tf.fused.matMul({ a, b, activation: 'leakyrelu', leakyreluAlpha: 0.1 }));
    await oursVsStock(() => tf.fused.matMul({ a, b, bias, activation: 'elu' }));
    await oursVsStock(() => tf.fused.matMul({ a, b, activation: 'sigmoid' }));
    planOptions.splits = 2; // the epilogue in the split-K reduce pass
    await oursVsStock(() => tf.fused.matMul({ a, b, bias, activation: 'relu' }));
    tf.dispose([a, b, bias]);
  });
});

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  x: [number, number, number, number];
  cout: number;
  k: [number, number];
  stride: number;
  pad: Pad;
}
const CONVS: ConvCase[] = [
  { x: [2, 7, 9, 1], cout: 4, k: [3, 3], stride: 1, pad: 'same' },
  { x: [2, 9, 11, 3], cout: 8, k: [3, 3], stride: 2, pad: 'same' },
  { x: [1, 8, 8, 3], cout: 5, k: [3, 3], stride: 2, pad: 'valid' },
  { x: [3, 5, 6, 6], cout: 7, k: [1, 1], stride: 1, pad: 'valid' },
  { x: [1, 10, 7, 2], cout: 3, k: [5, 3], stride: 1, pad: 'same' },
  { x: [2, 6, 6, 4], cout: 6, k: [3, 3], stride: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
  { x: [2, 16, 16, 32], cout: 64, k: [3, 3], stride: 1, pad: 'same' },
];
const label = (c: ConvCase) => `x ${c.x.join('x')} -> ${c.cout}, k ${c.k.join('x')}, stride ${c.stride}, pad ${JSON.stringify(c.pad)}`;

describe('conv2d as implicit GEMM', () => {
  for (const c of CONVS) {
    it(`forward, backprop-input, backprop-filter: ${label(c)}`, async (ctx) => {
      skipIfNoGpu(ctx);
      const x = rand4(c.x, 20);
      const w = rand4([c.k[0], c.k[1], c.x[3], c.cout], 21, 0.3);
      const y = tf.conv2d(x, w, c.stride, c.pad);
      const dy = rand(y.shape, 22);
      const strides: [number, number] = [c.stride, c.stride];
      await oursVsStock(() => tf.conv2d(x, w, c.stride, c.pad));
      await oursVsStock(() => tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { strides, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x } as never) as tf.Tensor);
      await oursVsStock(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides, pad: c.pad, dataFormat: 'NHWC', filterShape: w.shape } as never) as tf.Tensor);
      tf.dispose([x, w, y, dy]);
    });
  }

  it('dilated forward conv and fused bias + relu', async (ctx) => {
    skipIfNoGpu(ctx);
    const x = rand4([2, 11, 9, 3], 23);
    const w = rand4([3, 3, 3, 5], 24, 0.3);
    const bias = rand([5], 25);
    await oursVsStock(() => tf.conv2d(x, w, 1, 'same', 'NHWC', 2));
    await oursVsStock(() => tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias, activation: 'relu' }));
    tf.dispose([x, w, bias]);
  });

  it('backprop-filter with forced split-K and every tile', async (ctx) => {
    skipIfNoGpu(ctx);
    const x = rand([3, 9, 7, 3], 26);
    const dy = rand([3, 9, 7, 10], 27);
    for (const tile of ['small', 'medium', 'big'] as const) {
      for (const splits of [1, 4, 50]) {
        planOptions.tile = tile;
        planOptions.splits = splits;
        await oursVsStock(() => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { strides: [1, 1], pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 10] } as never) as tf.Tensor);
      }
    }
    tf.dispose([x, dy]);
  });

  it('a small conv net: loss and every gradient match the stock kernels', async (ctx) => {
    skipIfNoGpu(ctx);
    const x = rand([4, 12, 12, 3], 30);
    const w1 = rand([3, 3, 3, 8], 31, 0.3);
    const w2 = rand([3, 3, 8, 4], 32, 0.3);
    const d = rand([4, 5], 33, 0.3);
    const f = (a: tf.Tensor4D, b: tf.Tensor4D, dense: tf.Tensor2D) => {
      const h1 = tf.relu(tf.conv2d(x as tf.Tensor4D, a, 1, 'same'));
      const h2 = tf.relu(tf.conv2d(tf.maxPool(h1, 2, 2, 'valid'), b, 2, 'same'));
      const logits = tf.matMul(tf.mean(h2, [1, 2]) as tf.Tensor2D, dense);
      return tf.mean(tf.sub(tf.logSumExp(logits, 1), logits.slice([0, 0], [-1, 1]).squeeze([1]))) as tf.Scalar;
    };
    const run = () => {
      const { value, grads } = tf.valueAndGrads(f as never)([w1, w2, d] as never);
      return tf.concat([value.reshape([1]), ...grads.map((g) => g.reshape([-1]))]);
    };
    await oursVsStock(run, { atol: 1e-5, rtol: 1e-3 });
    tf.dispose([x, w1, w2, d]);
  });
});

describe('cpu backend', () => {
  it('gives the same numbers with the switch on or off (ours register for webgpu only)', async () => {
    await initBackend({ backend: 'cpu', verbose: false });
    const x = rand4([2, 7, 9, 3], 40);
    const w = rand4([3, 3, 3, 4], 41, 0.3);
    const a = rand([5, 6], 42);
    const run = () => tf.tidy(() => tf.concat([tf.conv2d(x, w, 1, 'same').reshape([-1]), tf.matMul(a, a, false, true).reshape([-1])]));
    useCustomKernels(true);
    const on = run();
    useCustomKernels(false);
    const off = run();
    expect(Array.from(await on.data())).toEqual(Array.from(await off.data()));
    tf.dispose([x, w, a, on, off]);
  });
});
