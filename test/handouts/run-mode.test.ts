// The handouts resolve 'auto' the way the kernel does: scripts/handouts/run-mode.mjs must agree with
// lib/notebook/mode.ts autoMode on every kind of engine line initBackend prints.
import { describe, expect, it } from 'vitest';
import { autoMode } from '../../lib/notebook/mode.js';
import { autoModeOf, resolvedMode } from '../../scripts/handouts/run-mode.mjs';

describe('handouts: the resolved run mode', () => {
  const cases: Array<[string, string]> = [
    ['wasm', 'XNNPACK, SIMD, 1 thread'],
    ['cpu', ''],
    ['cpu', 'JS'],
    ['webgpu', 'llvmpipe (LLVM 19.1.7, 256 bits) [mesa]'],
    ['webgpu', 'lavapipe [mesa software]'],
    ['webgpu', 'SwiftShader Device'],
    ['webgpu', 'NVIDIA H100 80GB HBM3 [nvidia]'],
    ['webgpu', 'AMD Radeon RX 7900 [amd]'],
    ['tensorflow', 'CPU (libtensorflow 2.x)'],
    ['tensorflow', 'CUDA 12, NVIDIA A100'],
  ];
  it.each(cases)('%s on "%s": the same as lib/notebook autoMode', (engine, device) => {
    expect(autoModeOf({ engine, device })).toBe(autoMode({ backend: engine as never, device }));
  });

  it('resolves only auto (or nothing), and only with a known engine', () => {
    expect(resolvedMode('auto', { engine: 'wasm' })).toBe('laptop');
    expect(resolvedMode('AUTO', { engine: 'webgpu', device: 'NVIDIA L4' })).toBe('full');
    expect(resolvedMode('', { engine: 'cpu' })).toBe('laptop');
    expect(resolvedMode('auto', {})).toBe('auto');
    expect(resolvedMode('smoke', { engine: 'webgpu', device: 'NVIDIA L4' })).toBe('smoke');
    expect(resolvedMode('full-gpu', { engine: 'wasm' })).toBe('full-gpu');
  });
});
