/**
 * The fused NT-Xent (lib/losses/contrastive/ntxent.ts `ntXentFused`, kernels in lib/kernels/ntxent.ts) against the
 * reference `ntXentReference` (tf ops + autodiff): value and both gradients, on cpu (the tf-op fallback of the row
 * kernels) and on webgpu (our WGSL row kernels, software adapter in CI), odd N and D, τ = 0.1 and 0.5, every
 * workgroup size of the row kernel; a central-difference gradient check; no tensor or GPU buffer leaks; the same
 * argument errors as the reference. The webgpu part is skipped, with the reason printed, when no webgpu adapter is
 * found, unless REPRLAB_REQUIRE_WEBGPU=1.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../lib/backend/index.js';
import { useCustomKernels } from '../../lib/kernels/index.js';
import { NTXENT_GRAD, NTXENT_ROWS, ntXentKernelOptions, ntXentKernelsActive, rowWorkgroupSize } from '../../lib/kernels/ntxent.js';
import { ntXent, ntXentFused, ntXentReference, type NtXentOptions } from '../../lib/losses/contrastive/ntxent.js';
import { expectClose, expectNoLeak, numericGrad, tryWebgpu } from '../helpers.js';

vi.setConfig({ testTimeout: 300_000 });

type Loss = (z1: tf.Tensor2D, z2: tf.Tensor2D, o?: NtXentOptions) => tf.Scalar;

const rand = (shape: [number, number], seed: number, scale = 1) => tf.randomNormal(shape, 0, scale, 'float32', seed) as tf.Tensor2D;

/** [value, dL/dz1…, dL/dz2…] as one flat tensor. */
function valueAndGrads(f: Loss, z1: tf.Tensor2D, z2: tf.Tensor2D, temperature: number): tf.Tensor1D {
  return tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => f(a as tf.Tensor2D, b as tf.Tensor2D, { temperature }))([z1, z2]);
    return tf.concat([value.reshape([1]), grads[0]!.reshape([-1]), grads[1]!.reshape([-1])]) as tf.Tensor1D;
  });
}

/** Compare the fused and the reference value + gradients within float32 round-off (scaled by the largest entry). */
async function fusedVsReference(n: number, d: number, temperature: number, seed: number, { atol = 1e-5, rtol = 1e-3, before = () => {} } = {}) {
  const z1 = rand([n, d], seed);
  const z2 = tf.tidy(() => tf.add(z1, rand([n, d], seed + 1, 0.5)) as tf.Tensor2D); // correlated views, as in training
  const ref = valueAndGrads(ntXentReference, z1, z2, temperature);
  before();
  const got = valueAndGrads(ntXentFused, z1, z2, temperature);
  const [r, g] = [await ref.data(), await got.data()];
  expect(got.shape).toEqual(ref.shape);
  // Round-off scale of a gradient entry: the largest one, or at least 1/(2N·τ·‖z‖) (a softmax entry near 1 minus
  // its one-hot 1 loses float32 digits to cancellation, whatever the size of the difference).
  let scale = 1 / (2 * n * temperature * Math.sqrt(d));
  for (let i = 1; i < r.length; i++) scale = Math.max(scale, Math.abs(r[i]!));
  expect(g[0]).toBeCloseTo(r[0]!, 4); // the loss
  expectClose(g.subarray(1), r.subarray(1), atol * scale, rtol);
  tf.dispose([z1, z2, ref, got]);
}

const SHAPES: [number, number][] = [
  [2, 4],
  [3, 7],
  [5, 128],
  [33, 7],
  [33, 128],
];

describe('ntXentFused on cpu (tf-op fallback of the row kernels)', () => {
  beforeAll(() => initBackend({ backend: 'cpu', verbose: false }));

  it('the row kernels are not registered on cpu, and ntXent is the reference there', async () => {
    useCustomKernels(true);
    expect(ntXentKernelsActive()).toBe(false);
    expect(tf.getKernel(NTXENT_ROWS, 'cpu')).toBeUndefined();
    const z1 = rand([4, 5], 1), z2 = rand([4, 5], 2);
    const [a, b] = [ntXent(z1, z2, { temperature: 0.3 }), ntXentReference(z1, z2, { temperature: 0.3 })];
    expect((await a.data())[0]).toBe((await b.data())[0]);
    useCustomKernels('auto');
    tf.dispose([z1, z2, a, b]);
  });

  for (const [n, d] of SHAPES)
    for (const tau of [0.1, 0.5])
      it(`value and gradients equal the reference: N=${n}, D=${d}, τ=${tau}`, async () => {
        await fusedVsReference(n, d, tau, 10 * n + d);
      });

  it('matches central differences on a tiny case (float64 arithmetic on float32 values)', async () => {
    for (const tau of [0.5, 0.2]) {
      const z1 = rand([3, 4], 5), z2 = rand([3, 4], 6);
      const f1 = (x: tf.Tensor) => ntXentFused(x as tf.Tensor2D, z2, { temperature: tau });
      const f2 = (x: tf.Tensor) => ntXentFused(z1, x as tf.Tensor2D, { temperature: tau });
      for (const [f, x] of [[f1, z1], [f2, z2]] as const) {
        const g = tf.grad(f)(x);
        expectClose(await g.data(), await numericGrad(f, x, 1e-2), 3e-3, 2e-2);
        g.dispose();
      }
      tf.dispose([z1, z2]);
    }
  });

  it('leaves no tensors behind (forward, and value + gradients)', async () => {
    const z1 = rand([5, 6], 7), z2 = rand([5, 6], 8);
    await expectNoLeak(() => tf.dispose(ntXentFused(z1, z2)));
    await expectNoLeak(() => {
      const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => ntXentFused(a as tf.Tensor2D, b as tf.Tensor2D))([z1, z2]);
      tf.dispose([value, ...grads]);
    });
    tf.dispose([z1, z2]);
  });

  it('rejects the inputs the reference rejects, with the same message', () => {
    const one = rand([1, 4], 1), z = rand([3, 4], 2), other = rand([3, 5], 3);
    const cases: [tf.Tensor2D, tf.Tensor2D, NtXentOptions][] = [
      [one, one, {}],
      [z, z, { temperature: 0 }],
      [z, z, { temperature: -0.5 }],
      [z, z, { temperature: Number.NaN }],
      [z, other, {}],
      [tf.reshape(z, [12]) as never, z, {}],
    ];
    for (const [a, b, o] of cases) {
      let refMessage = '';
      try {
        ntXentReference(a, b, o);
      } catch (err) {
        refMessage = String(err);
      }
      expect(refMessage).toMatch(/ArgumentError: ntXent: argument/);
      expect(() => ntXentFused(a, b, o)).toThrow(refMessage.replace('ArgumentError: ntXent:', 'ntXentFused:'));
    }
    tf.dispose([one, z, other]);
  });
});

describe('ntXentFused on webgpu (our WGSL row kernels)', () => {
  let webgpu = false;
  let skipReason = '';

  beforeAll(async () => {
    ({ ok: webgpu, reason: skipReason } = await tryWebgpu('the fused NT-Xent kernels (test/kernels)'));
  });

  afterEach(() => {
    delete ntXentKernelOptions.workgroupSize;
    if (webgpu) useCustomKernels('auto');
  });

  afterAll(async () => {
    await initBackend({ backend: 'cpu', verbose: false });
  });

  const skipIfNoGpu = (ctx: { skip: (note?: string) => void }) => {
    if (!webgpu) ctx.skip(`no webgpu adapter: ${skipReason}`);
  };

  /** Kernel names one call runs (tf.profile). */
  async function kernelsOf(f: () => tf.Tensor): Promise<string[]> {
    const info = await tf.profile(() => tf.tidy(f));
    tf.dispose(info.result as tf.Tensor);
    return info.kernelNames;
  }

  it('ntXent takes the fused path with our kernels on, the reference with the stock kernels', async (ctx) => {
    skipIfNoGpu(ctx);
    const z1 = rand([4, 8], 1), z2 = rand([4, 8], 2);
    const grads = () => {
      const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => ntXent(a as tf.Tensor2D, b as tf.Tensor2D))([z1, z2]);
      return tf.concat([value.reshape([1]), ...grads.map((g) => g.reshape([-1]))]);
    };
    useCustomKernels(true);
    expect(ntXentKernelsActive()).toBe(true);
    const on = await kernelsOf(grads);
    expect(on).toContain(NTXENT_ROWS);
    expect(on).toContain(NTXENT_GRAD);
    expect(on).not.toContain('LogSumExp');
    useCustomKernels(false);
    expect(ntXentKernelsActive()).toBe(false);
    expect(tf.getKernel(NTXENT_ROWS, 'webgpu')).toBeUndefined();
    const off = await kernelsOf(grads);
    expect(off).not.toContain(NTXENT_ROWS);
    tf.dispose([z1, z2]);
  });

  for (const [n, d] of SHAPES)
    for (const tau of [0.1, 0.5])
      it(`value and gradients equal the reference: N=${n}, D=${d}, τ=${tau}`, async (ctx) => {
        skipIfNoGpu(ctx);
        // The reference with the stock kernels, the fused one with ours (GEMMs included).
        useCustomKernels(false);
        await fusedVsReference(n, d, tau, 10 * n + d, { before: () => useCustomKernels(true), atol: 1e-4 });
      });

  it('any workgroup size of the row kernel, rows not a multiple of it, and the tf-op path under stock kernels', async (ctx) => {
    skipIfNoGpu(ctx);
    for (const wg of [1, 3, 7, 32, 64, 100, 256]) {
      ntXentKernelOptions.workgroupSize = wg;
      expect(rowWorkgroupSize(66)).toBe(wg);
      useCustomKernels(false);
      await fusedVsReference(33, 9, 0.1, wg, { before: () => useCustomKernels(true), atol: 1e-4 });
    }
    delete ntXentKernelOptions.workgroupSize;
    useCustomKernels(false); // ntXentFused on webgpu without our kernels: the tf-op fallback
    await fusedVsReference(5, 7, 0.5, 3, { atol: 1e-4 });
  });

  it('a larger batch (2N = 600 rows, more than one workgroup of columns per thread)', async (ctx) => {
    skipIfNoGpu(ctx);
    useCustomKernels(false);
    await fusedVsReference(300, 16, 0.1, 4, { before: () => useCustomKernels(true), atol: 1e-4 });
  });

  it('matches central differences on a tiny case', async (ctx) => {
    skipIfNoGpu(ctx);
    useCustomKernels(true);
    const z1 = rand([3, 4], 5), z2 = rand([3, 4], 6);
    const f = (x: tf.Tensor) => ntXentFused(x as tf.Tensor2D, z2, { temperature: 0.5 });
    const g = tf.grad(f)(z1);
    expectClose(await g.data(), await numericGrad(f, z1, 1e-2), 3e-3, 2e-2);
    tf.dispose([z1, z2, g]);
  });

  it('leaves no tensors and no GPU buffers behind', async (ctx) => {
    skipIfNoGpu(ctx);
    useCustomKernels(true);
    const z1 = rand([6, 10], 7), z2 = rand([6, 10], 8);
    const run = () => {
      const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => ntXentFused(a as tf.Tensor2D, b as tf.Tensor2D))([z1, z2]);
      return tf.concat([value.reshape([1]), ...grads.map((g) => g.reshape([-1]))]);
    };
    tf.dispose(tf.tidy(run)); // compile first
    const buffers = tf.memory().numDataBuffers;
    await expectNoLeak(async () => {
      const out = tf.tidy(run);
      await out.data();
      out.dispose();
      const loss = ntXentFused(z1, z2);
      await loss.data();
      loss.dispose();
    });
    expect(tf.memory().numDataBuffers, 'GPU buffers leaked').toBe(buffers);
    tf.dispose([z1, z2]);
  });
});
