// Timing, FLOP counting, GPU dispatch counting, memory and per-kernel profiles for the benchmark.

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
};

/** One timed call: run, then await a read of the result (the GPU sync point), then dispose. */
async function timedOnce(run) {
  const t0 = performance.now();
  const out = run();
  await out.data();
  const ms = performance.now() - t0;
  out.dispose();
  return ms;
}

/** Median of `steps` timed calls after `warmup` untimed ones (the first compiles the shaders). */
export async function timeIt(run, { warmup, steps }) {
  for (let i = 0; i < warmup; i++) await timedOnce(run);
  const times = [];
  for (let i = 0; i < steps; i++) times.push(await timedOnce(run));
  return { median: steps ? median(times) : NaN, p10: quantile(times, 0.1), p90: quantile(times, 0.9), times };
}

/** FLOPs of the GEMM-like kernels from a kernel's name and input/output shapes (as tf.profile records them). */
export function kernelFlops(k) {
  const size = (s) => (s ? s.reduce((a, b) => a * b, 1) : 0);
  const [i0, i1] = k.inputShapes ?? [];
  const out = k.outputShapes?.[0];
  switch (k.name) {
    case 'BatchMatMul':
    case '_FusedMatMul': {
      const M = out[out.length - 2];
      const N = out[out.length - 1];
      const batch = size(out) / (M * N);
      const K = size(i0) / (size(i0.slice(0, -2)) * M);
      return 2 * batch * M * N * K;
    }
    case 'Conv2D':
    case 'FusedConv2D':
      return 2 * size(out) * i1[0] * i1[1] * i1[2];
    case 'Conv2DBackpropInput': // inputs dy, filter
      return 2 * size(i0) * i1[0] * i1[1] * i1[2];
    case 'Conv2DBackpropFilter': // inputs x, dy; output the filter
      return 2 * size(i1) * out[0] * out[1] * out[2];
    default:
      return 0;
  }
}

/**
 * Count the GPU programs one call dispatches (webgpu only: wraps backend.runWebGPUProgram for the call).
 * Kernels that tfjs forwards to the CPU (tiny tensors still on the CPU) dispatch nothing.
 */
export async function countDispatches(tf, run) {
  const backend = tf.backend();
  if (typeof backend.runWebGPUProgram !== 'function') return null;
  const original = backend.runWebGPUProgram;
  let n = 0;
  backend.runWebGPUProgram = function (...args) {
    n++;
    return original.apply(this, args);
  };
  try {
    const out = run();
    await out.data();
    out.dispose();
  } finally {
    backend.runWebGPUProgram = original;
  }
  return n;
}

/** tf.profile of one call: per-kernel records with GPU time (webgpu timestamp queries) or wall time (cpu). */
export async function profileOnce(tf, run) {
  let out;
  const info = await tf.profile(async () => {
    out = run();
    await out.data();
  });
  out.dispose();
  return info.kernels;
}

/** FLOPs of one call, summed over its GEMM-like kernels (matmuls and convolutions; elementwise ops not counted). */
export async function stepFlops(tf, run) {
  const kernels = await profileOnce(tf, run);
  return { flops: kernels.reduce((s, k) => s + kernelFlops(k), 0), kernels: kernels.length };
}

/** Top kernels of one profiled call, aggregated by kernel name: count, total ms, share, FLOPs. */
export async function profileTop(tf, run, top = 15) {
  const kernels = await profileOnce(tf, run);
  const by = new Map();
  let total = 0;
  for (const k of kernels) {
    const ms = Number(k.kernelTimeMs) || 0;
    total += ms;
    const e = by.get(k.name) ?? { name: k.name, count: 0, ms: 0, flops: 0 };
    e.count++;
    e.ms += ms;
    e.flops += kernelFlops(k);
    by.set(k.name, e);
  }
  const rows = [...by.values()].sort((a, b) => b.ms - a.ms);
  const heaviest = [...kernels]
    .sort((a, b) => (Number(b.kernelTimeMs) || 0) - (Number(a.kernelTimeMs) || 0))
    .slice(0, 8)
    .map((k) => ({ name: k.name, ms: Number(k.kernelTimeMs) || 0, inputShapes: k.inputShapes, outputShape: k.outputShapes?.[0] }));
  return { kernelCalls: kernels.length, totalKernelMs: total, byName: rows.slice(0, top), others: rows.slice(top), heaviest };
}

/** tf.memory() fields worth printing (webgpu adds the GPU buffer pool). */
export function memorySnapshot(tf) {
  const m = tf.memory();
  const snap = { numTensors: m.numTensors, numBytes: m.numBytes };
  if (m.numBytesInGPU !== undefined) {
    snap.numBytesInGPU = m.numBytesInGPU;
    snap.numBytesAllocatedInGPU = m.numBytesAllocatedInGPU;
  }
  return snap;
}
