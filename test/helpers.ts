/** Shared test helpers: backend selection, leak checks, numeric gradients. */
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { initBackend, type BackendName } from '../lib/backend/index.js';

/** Initialise a backend quietly (cpu by default, as vitest.config sets REPRLAB_BACKEND). */
export async function useBackend(name: BackendName = 'cpu'): Promise<void> {
  await initBackend({ backend: name, verbose: false });
}

/**
 * Initialise the webgpu backend if this machine has an adapter. Without one: warn naming `what` is untested and
 * return { ok: false, reason } (tests then `ctx.skip(reason)`), or throw when REPRLAB_REQUIRE_WEBGPU=1 (CI).
 */
export async function tryWebgpu(what: string): Promise<{ ok: boolean; reason: string }> {
  try {
    await initBackend({ backend: 'webgpu', verbose: false });
    return { ok: true, reason: '' };
  } catch (err) {
    if (process.env.REPRLAB_REQUIRE_WEBGPU === '1') throw err;
    const reason = String(err).split('\n')[0]!;
    console.warn(`no webgpu adapter, ${what} not tested here: ${reason}`);
    return { ok: false, reason };
  }
}

/** Run `fn` and assert it leaves no tensors behind (compares tf.memory().numTensors before and after). */
export async function expectNoLeak<T>(fn: () => T | Promise<T>): Promise<T> {
  const before = tf.memory().numTensors;
  const out = await fn();
  expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
  return out;
}

/**
 * Central-difference gradient of a scalar function of one tensor, entry by entry (float64 in JS arithmetic on
 * the float32 values tfjs computes): compare with tf.grad to check a loss's gradient.
 */
export async function numericGrad(f: (x: tf.Tensor) => tf.Scalar, x: tf.Tensor, eps = 1e-2): Promise<Float32Array> {
  const base = (await x.data()) as Float32Array;
  const out = new Float32Array(base.length);
  for (let i = 0; i < base.length; i++) {
    const plus = base.slice();
    plus[i]! += eps;
    const minus = base.slice();
    minus[i]! -= eps;
    const fp = tf.tidy(() => f(tf.tensor(plus, x.shape)));
    const fm = tf.tidy(() => f(tf.tensor(minus, x.shape)));
    out[i] = ((await fp.data())[0]! - (await fm.data())[0]!) / (2 * eps);
    fp.dispose();
    fm.dispose();
  }
  return out;
}

/** Assert two arrays agree within |a-b| <= atol + rtol*|b| element-wise. */
export function expectClose(a: ArrayLike<number>, b: ArrayLike<number>, atol = 1e-4, rtol = 1e-3): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const ok = Math.abs(a[i]! - b[i]!) <= atol + rtol * Math.abs(b[i]!);
    if (!ok) expect.fail(`element ${i}: ${a[i]} vs ${b[i]} (atol ${atol}, rtol ${rtol})`);
  }
}
