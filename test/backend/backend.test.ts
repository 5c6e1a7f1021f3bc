import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import '../../lib/tf.js';
import { AUTO_ORDER, BackendUnavailableError, initBackend, SOFTWARE_ADAPTER } from '../../lib/backend/index.js';
import { expectClose } from '../helpers.js';

/** A small conv net's loss and input/weight gradients, read back asynchronously (webgpu has no sync read in Node). */
async function convNetForwardBackward(): Promise<{ loss: number; grads: Float32Array[] }> {
  const x = tf.randomNormal([4, 12, 12, 3], 0, 1, 'float32', 1);
  const w1 = tf.randomNormal([3, 3, 3, 8], 0, 0.3, 'float32', 2);
  const w2 = tf.randomNormal([3, 3, 8, 4], 0, 0.3, 'float32', 3);
  const dense = tf.randomNormal([4, 5], 0, 0.3, 'float32', 4);
  const f = (x: tf.Tensor4D, a: tf.Tensor4D, b: tf.Tensor4D, d: tf.Tensor2D) => {
    const h1 = tf.relu(tf.conv2d(x, a, 1, 'same'));
    const p = tf.maxPool(h1, 2, 2, 'valid');
    const h2 = tf.relu(tf.conv2d(p, b, [2, 2], 'same'));
    const gap = tf.mean(h2, [1, 2]) as tf.Tensor2D;
    const logits = tf.matMul(gap, d);
    return tf.mean(tf.logSumExp(logits, 1).sub(logits.slice([0, 0], [-1, 1]).squeeze([1]))) as tf.Scalar;
  };
  const { value, grads } = tf.valueAndGrads(f as never)([x, w1, w2, dense] as never);
  const out = { loss: (await value.data())[0]!, grads: await Promise.all(grads.map((g) => g.data() as Promise<Float32Array>)) };
  tf.dispose([x, w1, w2, dense, value, ...grads]);
  return out;
}

describe('backend', () => {
  it('starts cpu and reports it in one line', async () => {
    const info = await initBackend({ backend: 'cpu', verbose: false });
    expect(info.backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.summary).toMatch(/^reprlab: backend cpu on /);
  });

  it('rejects an unknown backend name, naming the choices', async () => {
    await expect(initBackend({ backend: 'cuda', verbose: false })).rejects.toThrow(/tensorflow, webgpu, wasm, cpu/);
  });

  it('starts wasm (a regular dependency, always available) and reports XNNPACK, SIMD and the thread count', async () => {
    const info = await initBackend({ backend: 'wasm', verbose: false });
    expect(info.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.summary).toMatch(/^reprlab: backend wasm \(XNNPACK, (no )?SIMD, \d+ threads?\)$/);
    await initBackend({ backend: 'cpu', verbose: false });
  });

  it('wasm matches cpu on a conv-net forward/backward within float tolerance', async () => {
    await initBackend({ backend: 'cpu', verbose: false });
    const cpu = await convNetForwardBackward();
    await initBackend({ backend: 'wasm', verbose: false });
    const wasm = await convNetForwardBackward();
    await initBackend({ backend: 'cpu', verbose: false });
    expectClose([wasm.loss], [cpu.loss], 1e-5, 1e-4);
    for (let i = 0; i < cpu.grads.length; i++) expectClose(wasm.grads[i]!, cpu.grads[i]!, 1e-5, 1e-3);
  });

  it('the automatic order is tensorflow > webgpu (hardware) > wasm > webgpu (software) > cpu', () => {
    expect(AUTO_ORDER.map((s) => s.backend + (s.adapter ? `:${s.adapter}` : ''))).toEqual(['tensorflow', 'webgpu:hardware', 'wasm', 'webgpu:software', 'cpu']);
    for (const name of ['llvmpipe (LLVM 15.0.6, 256 bits) [mesa software]', 'SwiftShader Device (Subzero)', 'lavapipe']) expect(SOFTWARE_ADAPTER.test(name), name).toBe(true);
    expect(SOFTWARE_ADAPTER.test('NVIDIA GeForce RTX 3080 [nvidia ampere]')).toBe(false);
  });

  it('a forced tensorflow backend that is not installed says how to get it', async () => {
    let err: unknown;
    try {
      await initBackend({ backend: 'tensorflow', verbose: false });
    } catch (e) {
      err = e;
    }
    // On a machine with tfjs-node installed this starts; here it must fail with the install hint.
    if (tf.getBackend() === 'tensorflow') return;
    expect(err).toBeInstanceOf(BackendUnavailableError);
    expect(String(err)).toMatch(/npm install @tensorflow\/tfjs-node/);
  });

  it('webgpu (Mesa software adapter in CI) matches cpu on a conv-net forward/backward within 1e-4 relative', async () => {
    await initBackend({ backend: 'cpu', verbose: false });
    const cpu = await convNetForwardBackward();
    let info;
    try {
      info = await initBackend({ backend: 'webgpu', verbose: false });
    } catch (err) {
      if (process.env.REPRLAB_REQUIRE_WEBGPU === '1') throw err;
      console.warn(`webgpu unavailable here, comparison skipped: ${err}`);
      return;
    }
    expect(info.backend).toBe('webgpu');
    const gpu = await convNetForwardBackward();
    expectClose([gpu.loss], [cpu.loss], 1e-5, 1e-4);
    for (let i = 0; i < cpu.grads.length; i++) expectClose(gpu.grads[i]!, cpu.grads[i]!, 1e-5, 1e-3);
    // A synchronous read names the async alternative instead of failing on OffscreenCanvas.
    const t = tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]));
    expect(() => t.dataSync()).toThrow(/await t\.data\(\)/);
    t.dispose();
    await initBackend({ backend: 'cpu', verbose: false });
  });
});
