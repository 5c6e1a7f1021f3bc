/**
 * Fused NT-Xent (SimCLR's softmax cross-entropy over the 2N × 2N similarity matrix) for the 'webgpu' backend:
 * two kernels of our own names, used by `ntXentFused` (lib/losses/contrastive/ntxent.ts) between its two GEMMs.
 *
 * With R = 2N rows, Ẑ the L2-normalised views [R, D], S = Ẑ Ẑᵀ (raw cosines, τ not applied), x_ij = S_ij/τ,
 * pos(i) = i + N for i < N and i − N after, lse_i = log Σ_{j ≠ i} exp(x_ij):
 *
 * - `ReprlabNtXentRows` (forward): inputs { s: S [R, R] }, attrs { n, temperature } → ℓ [R], ℓ_i = lse_i − x_{i,pos(i)}.
 *   One workgroup per row: each thread keeps an online (max, Σ exp(x − max)) pair over its strided columns (the
 *   diagonal skipped), then a tree reduction in workgroup memory combines the pairs; any R and any workgroup size
 *   (1..256, not only powers of two).
 * - `ReprlabNtXentGrad` (backward): inputs { s, rows: ℓ [R], dy: the loss's upstream gradient, 1 element },
 *   attrs { n, temperature } → H [R, R] with dL/dẐ = H Ẑ:
 *     H_ij = dy/(2N τ) · ( [i ≠ j] (e^{x_ij − lse_i} + e^{x_ij − lse_j}) − 2 [j = pos(i)] ),  lse_i = ℓ_i + x_{i,pos(i)},
 *   i.e. (G + Gᵀ)/τ · dy with G = (softmax − onehot)/(2N) (S and the positives are symmetric). Elementwise, one
 *   thread per entry: the row statistics come from ℓ, so nothing is reduced again, and the transpose and add of
 *   G + Gᵀ are folded in.
 *
 * On any other backend (or with our kernels switched off) {@link ntXentRows} and {@link ntXentGrad} compute the same
 * with tf ops, so the same customGrad code path runs everywhere.
 */
import * as tf from '@tensorflow/tfjs-core';
import { f32, i32, type KernelArgs, type WebGPUBackendLike, type WebGPUProgramLike } from './program.js';

export const NTXENT_ROWS = 'ReprlabNtXentRows';
export const NTXENT_GRAD = 'ReprlabNtXentGrad';

export interface NtXentKernelAttrs {
  /** N: images per batch (R = 2N rows). */
  n: number;
  /** τ > 0. */
  temperature: number;
}

/** Tunables of the row kernel (tests force odd sizes). */
export const ntXentKernelOptions: { workgroupSize?: number } = {};

const MAX_WORKGROUP = 256;
const nextPow2 = (x: number) => 2 ** Math.ceil(Math.log2(Math.max(1, x)));

/** Threads per row: enough to cover the row a few times over, 32..256 (or the forced size). */
export function rowWorkgroupSize(rows: number): number {
  const forced = ntXentKernelOptions.workgroupSize;
  if (forced !== undefined) return Math.max(1, Math.min(MAX_WORKGROUP, Math.floor(forced)));
  return Math.min(MAX_WORKGROUP, Math.max(32, nextPow2(Math.ceil(rows / 4))));
}

class NtXentRowsProgram implements WebGPUProgramLike {
  variableNames = ['S'];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms = 'rows : i32, half : i32, invTau : f32,';

  constructor(
    rows: number,
    private readonly wg: number,
  ) {
    this.outputShape = [rows];
    this.workgroupSize = [wg, 1, 1];
    this.dispatch = [rows, 1, 1]; // one workgroup per row (the backend folds x > 65535 into y/z)
    this.shaderKey = `reprlab_ntxent_rows_${wg}`;
  }

  getUserCode(): string {
    const WG = this.wg;
    const P = nextPow2(WG);
    return `
var<workgroup> redM : array<f32, ${WG}>;
var<workgroup> redS : array<f32, ${WG}>;

fn main(index : i32) {
  let lid = i32(localIndex);
  let wid = i32(workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x);
  let row = min(wid, uniforms.rows - 1);
  let base = row * uniforms.rows;
  // Online log-sum-exp over this thread's columns j = lid, lid + WG, ..., the diagonal left out.
  var m = -3.0e38;
  var s = 0.0;
  for (var j = lid; j < uniforms.rows; j = j + ${WG}) {
    if (j != row) {
      let x = S[base + j] * uniforms.invTau;
      if (x > m) {
        s = s * exp(m - x) + 1.0;
        m = x;
      } else {
        s = s + exp(x - m);
      }
    }
  }
  redM[lid] = m;
  redS[lid] = s;
  workgroupBarrier();
  // Tree reduction of the (max, sum) pairs; slots >= ${WG} do not exist (any workgroup size).
  for (var stride = ${P >> 1}; stride > 0; stride = stride / 2) {
    if (lid < stride && lid + stride < ${WG}) {
      let m2 = redM[lid + stride];
      let s2 = redS[lid + stride];
      let mm = max(m, m2);
      s = s * exp(m - mm) + s2 * exp(m2 - mm);
      m = mm;
      redM[lid] = m;
      redS[lid] = s;
    }
    workgroupBarrier();
  }
  if (lid == 0 && wid < uniforms.rows) {
    let pos = select(row - uniforms.half, row + uniforms.half, row < uniforms.half);
    result[row] = m + log(s) - S[base + pos] * uniforms.invTau;
  }
}
`;
  }
}

class NtXentGradProgram implements WebGPUProgramLike {
  variableNames = ['S', 'L', 'dy'];
  outputShape: number[];
  shaderKey = 'reprlab_ntxent_grad';
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [256, 1, 1];
  uniforms = 'rows : i32, half : i32, invTau : f32, scale : f32, total : i32,';

  constructor(rows: number) {
    this.outputShape = [rows, rows];
    this.dispatch = [Math.ceil((rows * rows) / 256), 1, 1];
  }

  getUserCode(): string {
    return `
fn main(index : i32) {
  if (index < uniforms.total) {
    let R = uniforms.rows;
    let i = index / R;
    let j = index - i * R;
    let pi = select(i - uniforms.half, i + uniforms.half, i < uniforms.half);
    let pj = select(j - uniforms.half, j + uniforms.half, j < uniforms.half);
    let lsei = L[i] + S[i * R + pi] * uniforms.invTau;
    let lsej = L[j] + S[j * R + pj] * uniforms.invTau;
    let x = S[index] * uniforms.invTau;
    var g = 0.0;
    if (i != j) {
      g = exp(x - lsei) + exp(x - lsej);
    }
    if (j == pi) {
      g = g - 2.0;
    }
    result[index] = g * dy[0] * uniforms.scale;
  }
}
`;
  }
}

function attrsOf(args: KernelArgs): NtXentKernelAttrs {
  const { n, temperature } = (args.attrs ?? {}) as unknown as NtXentKernelAttrs;
  return { n, temperature };
}

/** The webgpu kernel function of `ReprlabNtXentRows`. */
export function ntXentRowsWebGPU(args: KernelArgs): tf.TensorInfo {
  const s = args.inputs.s!;
  const { n, temperature } = attrsOf(args);
  const rows = 2 * n;
  const program = new NtXentRowsProgram(rows, rowWorkgroupSize(rows));
  return (args.backend as WebGPUBackendLike).runWebGPUProgram(program, [s], 'float32', [i32(rows), i32(n), f32(1 / temperature)]);
}

/** The webgpu kernel function of `ReprlabNtXentGrad`. */
export function ntXentGradWebGPU(args: KernelArgs): tf.TensorInfo {
  const { s, rows: l, dy } = args.inputs;
  const { n, temperature } = attrsOf(args);
  const rows = 2 * n;
  const program = new NtXentGradProgram(rows);
  // dy is a scalar: bind it as a 1-element vector (same buffer).
  const dy1 = { ...dy!, shape: [1] };
  return (args.backend as WebGPUBackendLike).runWebGPUProgram(program, [s!, l!, dy1], 'float32', [
    i32(rows),
    i32(n),
    f32(1 / temperature),
    f32(1 / (rows * temperature)),
    i32(rows * rows),
  ]);
}

/** Our kernels of new names, by name: registered (webgpu) by lib/kernels/registry.ts when switched on. */
export const NTXENT_KERNELS: Record<string, (args: KernelArgs) => tf.TensorInfo> = {
  [NTXENT_ROWS]: ntXentRowsWebGPU,
  [NTXENT_GRAD]: ntXentGradWebGPU,
};

/** Whether the fused kernels run on the current backend (registered for it: webgpu with ours switched on). */
export function ntXentKernelsActive(): boolean {
  const backend = tf.getBackend();
  return !!tf.getKernel(NTXENT_ROWS, backend) && !!tf.getKernel(NTXENT_GRAD, backend);
}

/** Index of each view's positive, [2N] int32: i + N for i < N, i − N after (caller disposes). */
export function ntXentPositives(n: number): tf.Tensor1D {
  return tf.tensor1d(Int32Array.from({ length: 2 * n }, (_, i) => (i < n ? i + n : i - n)), 'int32');
}

/** The logits S/τ of the 2N × 2N cosine matrix S, the diagonal (a view against itself) pushed to −1e9 (caller disposes). */
export function ntXentMaskedLogits(s: tf.Tensor2D, temperature: number): tf.Tensor2D {
  return tf.tidy(() => tf.sub(tf.div(s, temperature), tf.mul(tf.eye(s.shape[0]), 1e9)) as tf.Tensor2D);
}

/** ℓ_i = lse_{j≠i}(S_ij/τ) − S_{i,pos(i)}/τ for S = Ẑ Ẑᵀ [2N, 2N]: the kernel, or tf ops where it is not registered. */
export function ntXentRows(s: tf.Tensor2D, n: number, temperature: number): tf.Tensor1D {
  if (ntXentKernelsActive()) return tf.engine().runKernel(NTXENT_ROWS, { s }, { n, temperature } as unknown as tf.NamedAttrMap) as tf.Tensor1D;
  return tf.tidy(() => {
    const x = ntXentMaskedLogits(s, temperature);
    const pos = tf.sum(tf.mul(x, tf.oneHot(ntXentPositives(n), 2 * n)), 1);
    return tf.sub(tf.logSumExp(x, 1), pos) as tf.Tensor1D;
  });
}

/**
 * H [2N, 2N] with dL/dẐ = H Ẑ for L = dy · mean(ℓ): the kernel, or tf ops (G = (softmax − onehot)/(2N),
 * H = (G + Gᵀ)·dy/τ).
 */
export function ntXentGrad(s: tf.Tensor2D, rows: tf.Tensor1D, dy: tf.Tensor, n: number, temperature: number): tf.Tensor2D {
  if (ntXentKernelsActive()) return tf.engine().runKernel(NTXENT_GRAD, { s, rows, dy }, { n, temperature } as unknown as tf.NamedAttrMap) as tf.Tensor2D;
  return tf.tidy(() => {
    const r = 2 * n;
    const x = ntXentMaskedLogits(s, temperature);
    const y = tf.oneHot(ntXentPositives(n), r);
    const lse = tf.add(rows, tf.sum(tf.mul(x, y), 1)).reshape([r, 1]);
    const g = tf.div(tf.sub(tf.exp(tf.sub(x, lse)), y), r);
    return tf.mul(tf.add(g, tf.transpose(g)), tf.div(dy, temperature)) as tf.Tensor2D;
  });
}
