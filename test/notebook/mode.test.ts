import { afterEach, describe, expect, it } from 'vitest';
import { initBackend } from '../../lib/backend/index.js';
import { autoMode, isSmoke, mode, modeSetting, onGpu, runSeed, sizes } from '../../lib/notebook/index.js';

const saved = process.env.REPRLAB_MODE;
const savedSeed = process.env.REPRLAB_SEED;
afterEach(() => {
  if (saved === undefined) delete process.env.REPRLAB_MODE;
  else process.env.REPRLAB_MODE = saved;
  if (savedSeed === undefined) delete process.env.REPRLAB_SEED;
  else process.env.REPRLAB_SEED = savedSeed;
});

describe('run seed', () => {
  it('REPRLAB_SEED: unset or empty is 0, a non-negative integer is itself, anything else is named', () => {
    delete process.env.REPRLAB_SEED;
    expect(runSeed()).toBe(0);
    process.env.REPRLAB_SEED = ' ';
    expect(runSeed()).toBe(0);
    process.env.REPRLAB_SEED = '2';
    expect(runSeed()).toBe(2);
    for (const bad of ['-1', '1.5', 'one']) {
      process.env.REPRLAB_SEED = bad;
      expect(() => runSeed()).toThrow(new RegExp(`runSeed: argument 'REPRLAB_SEED' must be a non-negative integer \\(got "${bad.replace('.', '\\.')}"\\)`));
    }
  });
});

describe('run mode', () => {
  it('auto (unset, empty or "auto") resolves by the backend; smoke/laptop/full force one (read at each call)', async () => {
    await initBackend({ backend: 'cpu', verbose: false });
    for (const unset of [undefined, '', ' auto ', 'AUTO']) {
      if (unset === undefined) delete process.env.REPRLAB_MODE;
      else process.env.REPRLAB_MODE = unset;
      expect(modeSetting()).toBe('auto');
      expect(mode()).toBe('laptop'); // the cpu backend is a CPU engine
    }
    for (const m of ['smoke', 'laptop', 'full'] as const) {
      process.env.REPRLAB_MODE = m.toUpperCase();
      expect(mode()).toBe(m);
    }
    process.env.REPRLAB_MODE = 'smoke';
    expect(isSmoke()).toBe(true);
    process.env.REPRLAB_MODE = 'fast';
    expect(() => mode()).toThrow(/mode: argument 'REPRLAB_MODE' must be one of smoke, laptop, full, auto \(got "fast"\)/);
  });

  it('auto is full on a GPU backend, laptop on a CPU engine and before initBackend', () => {
    const cases: [string, string, 'full' | 'laptop'][] = [
      ['tensorflow', 'libtensorflow via @tensorflow/tfjs-node-gpu (CUDA)', 'full'],
      ['tensorflow', 'libtensorflow via @tensorflow/tfjs-node (CPU)', 'laptop'],
      ['webgpu', 'NVIDIA GeForce RTX 3060 [nvidia, vulkan]', 'full'],
      ['webgpu', 'Apple M2 [apple, metal]', 'full'],
      ['webgpu', 'llvmpipe (LLVM 19.1.7, 256 bits) [mesa]', 'laptop'],
      ['webgpu', 'SwiftShader Device (Subzero) [google]', 'laptop'],
      ['wasm', 'wasm (XNNPACK, SIMD, 1 thread)', 'laptop'],
      ['cpu', 'the JS engine (x64, pure-JS kernels: slow, for tests and small runs)', 'laptop'],
    ];
    for (const [backend, device, expected] of cases) {
      const info = { backend, device } as never;
      expect([backend, device, autoMode(info)]).toEqual([backend, device, expected]);
      expect(onGpu(info)).toBe(expected === 'full');
    }
    expect(autoMode(undefined)).toBe('laptop');
    expect(onGpu(undefined)).toBe(false);
  });

  it('sizes picks the variant of the current mode and requires all three with the same keys', () => {
    const S = { smoke: { n: 10, steps: 2 }, laptop: { n: 100, steps: 20 }, full: { n: 1000, steps: 200 } };
    process.env.REPRLAB_MODE = 'smoke';
    expect(sizes(S)).toEqual({ n: 10, steps: 2 });
    process.env.REPRLAB_MODE = 'laptop';
    expect(sizes(S)).toEqual({ n: 100, steps: 20 });
    process.env.REPRLAB_MODE = 'full';
    expect(sizes(S).n).toBe(1000);
    expect(() => sizes({ smoke: { n: 1 }, full: { n: 2 } } as never)).toThrow(/sizes: argument 'choices' must be an object \{ smoke.*laptop.*full.*\(got "?an object with smoke, full of them/);
    expect(() => sizes({ smoke: { n: 1 }, laptop: { n: 1 }, full: { n: 2, steps: 3 } } as never)).toThrow(/missing smoke\.steps, laptop\.steps/);
    expect(() => sizes({ smoke: { n: 1 }, laptop: { m: 1 }, full: { n: 2 } } as never)).toThrow(/missing smoke\.m, laptop\.n, full\.m/);
  });
});
