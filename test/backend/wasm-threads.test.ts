// lib/backend/wasm-threads.ts: tfjs-backend-wasm's threaded build in Node. Two XNNPACK threads start, compute what
// the cpu backend computes (a convolution, its filter gradient through our wasm kernel, a matmul), leak nothing,
// and let a script exit by itself; bad thread counts are named. (This file runs in its own process: vitest forks.)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend/index.js';
import { wasmThreadsFromEnv, withWasmThreads } from '../../lib/backend/wasm-threads.js';
import { expectClose, expectNoLeak } from '../helpers.js';

const ROOT = join(__dirname, '..', '..');

/** conv2d, its filter gradient and a matmul on fixed inputs, on the active backend. */
async function workload(): Promise<Float32Array[]> {
  return tf.tidy(() => {
    const x = tf.randomUniform([3, 9, 7, 3], -1, 1, 'float32', 1);
    const w = tf.randomUniform([3, 3, 3, 8], -1, 1, 'float32', 2);
    const a = tf.randomUniform([67, 129], -1, 1, 'float32', 3);
    const dW = tf.grad((f) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'))))(w);
    return [tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), dW, tf.matMul(a, a, false, true)];
  }).map((t) => {
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return v;
  });
}

describe('withWasmThreads', () => {
  it('rejects a bad thread count, naming it', async () => {
    await expect(withWasmThreads(0, async () => 0)).rejects.toThrow(/threads/);
    await expect(withWasmThreads(1.5, async () => 0)).rejects.toThrow(/an integer from 1 to 8/);
    expect(() => wasmThreadsFromEnv({ REPRLAB_WASM_THREADS: 'two' })).toThrow(/REPRLAB_WASM_THREADS=2/);
    expect(wasmThreadsFromEnv({})).toBe(1);
    expect(wasmThreadsFromEnv({ REPRLAB_WASM_THREADS: '2' })).toBe(2);
  });

  it('starts 2 XNNPACK threads whose results equal the cpu backend, without leaks', async () => {
    await initBackend({ backend: 'cpu', verbose: false });
    const expected = await workload();
    const info = await withWasmThreads(2, () => initBackend({ backend: 'wasm', verbose: false }));
    expect(info.backend).toBe('wasm');
    expect(info.device).toMatch(/2 threads/);
    const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as { getThreadsCount(): number };
    expect(wasm.getThreadsCount()).toBe(2);
    const got = await expectNoLeak(() => workload());
    for (let i = 0; i < expected.length; i++) expectClose(got[i]!, expected[i]!, 1e-4);
    await expect(withWasmThreads(2, async () => 0)).rejects.toThrow(/already initialised/);
  });

  it('initBackend takes the thread count from REPRLAB_WASM_THREADS and reports it', () => {
    const script = `import { initBackend } from 'reprlab';
      const info = await initBackend({ backend: 'wasm' });
      console.log('device', info.device);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, REPRLAB_WASM_THREADS: '2' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/reprlab: backend wasm \(XNNPACK, SIMD, 2 threads\)/);
    expect(r.stdout).toMatch(/device XNNPACK, SIMD, 2 threads/);
  });

  it('a script on 2 wasm threads exits by itself (the pool does not hold the event loop)', () => {
    const script = `import { tf, initBackend } from 'reprlab';
      import { withWasmThreads } from ${JSON.stringify(join(ROOT, 'dist', 'backend', 'wasm-threads.js'))};
      await withWasmThreads(2, () => initBackend({ backend: 'wasm', verbose: false }));
      const y = tf.matMul(tf.ones([300, 300]), tf.ones([300, 300]));
      console.log('sum', (await tf.sum(y).data())[0]);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.signal, 'killed by the timeout: the process did not exit').toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`sum ${300 * 300 * 300}`);
  });
});
