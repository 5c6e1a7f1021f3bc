/**
 * One tiled fp32 GEMM shader generator for every hot op: C[batch][m][n] = Σ_k A(m,k)·B(k,n), where A and B are
 * *loaders* (WGSL functions), so plain and transposed matmuls and the convolutions as implicit GEMMs (forward,
 * backprop-input, backprop-filter: no im2col buffer) share the same inner loop.
 *
 * Shape of the kernel (the classic shared-memory SGEMM):
 * - a workgroup of (TN/RN)×(TM/RM) threads computes a TM×TN output tile; each thread owns an RM×RN register block
 *   made of vec4s: rows g·4·WY + 4·ty + r and columns h·4·WX + 4·tx + c (g < RM/4, h < RN/4, r, c < 4), so every
 *   read of the shared tiles is one 16-byte vec4 (4 values of A, 4 of B, then 16 FMAs) and stores are coalesced;
 * - per step of TK along k, the workgroup stages a TM×TK slice of A and a TK×TN slice of B in workgroup memory
 *   (each thread loads TM·TK/threads and TK·TN/threads elements; consecutive threads take consecutive addresses
 *   along whichever of A's/B's axes is contiguous in memory), then does TK·RM·RN FMAs from registers;
 * - split-K: the k range is cut into `splits` chunks along dispatch z; each writes a partial tile, and a second
 *   pass ({@link ReduceProgram}) sums them and applies the epilogue. Used when the output is small and k is long
 *   (the filter gradient of a convolution: k = batch·H·W).
 * - per loaded row/column, loaders may precompute data once before the k loop (`aRow`/`bRow`, a vec4<i32>), so
 *   implicit-GEMM index arithmetic (divisions by H, W, C) is not redone every k step.
 * Loop trip counts come from uniforms only (WGSL requires barriers in uniform control flow).
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ACTIVATIONS, i32, type UniformData, type WebGPUBackendLike, type WebGPUProgramLike } from './program.js';

export interface Tile {
  name: string;
  TM: number;
  TN: number;
  TK: number;
  RM: number;
  RN: number;
}

/**
 * Tile shapes, largest first: big and medium have 256 threads, small 64. RM and RN are multiples of 4 (register
 * blocks are vec4s). Workgroup memory: (TM+TN)·TK·4 bytes (≤ 16 KiB).
 */
export const TILES: Record<'big' | 'medium' | 'small', Tile> = {
  big: { name: 'big', TM: 128, TN: 128, TK: 8, RM: 8, RN: 8 },
  medium: { name: 'medium', TM: 64, TN: 64, TK: 16, RM: 4, RN: 4 },
  small: { name: 'small', TM: 32, TN: 32, TK: 16, RM: 4, RN: 4 },
};

/** The WGSL pieces an op supplies. Each body may use `uniforms.*` fields it declares in `uniforms`. */
export interface GemmLoaders {
  /** A short name for the shader cache key (must encode everything that changes the WGSL). */
  key: string;
  /** Input buffer names, in binding order (A-side first is customary). */
  variableNames: string[];
  /** Which axis of A is contiguous in memory: consecutive threads load consecutive elements along it. */
  aContig: 'm' | 'k';
  bContig: 'n' | 'k';
  /** Body of `fn aRow(batch: i32, m: i32) -> vec4<i32>` (precomputed per loaded row, once). */
  aRow: string;
  /** Body of `fn aLoad(r: vec4<i32>, m: i32, k: i32) -> f32`; called only with m < M and k < K. */
  aLoad: string;
  bRow: string;
  bLoad: string;
  /** Extra uniform fields ('X : i32,' ...), after the GEMM's own. */
  uniforms?: string;
  /** Extra WGSL helpers. */
  helpers?: string;
}

export interface Epilogue {
  /** Bias input name (indexed by n), or undefined. */
  bias?: string;
  /** Activation name from ACTIVATIONS. */
  activation: string;
}

export interface GemmPlan {
  tile: Tile;
  splits: number;
  kTilesPerSplit: number;
}

export interface PlanOptions {
  /** Aim for at least this many workgroups (fills a big GPU); default 256. */
  targetWorkgroups: number;
  /** Force a tile (tests). */
  tile?: keyof typeof TILES;
  /** Force a split count (tests); 1 disables split-K. */
  splits?: number;
  /** Cap on the partial-sum buffer (floats). */
  maxPartialFloats: number;
  /** No split-K below this many multiply-adds: the extra reduce dispatch would cost more than it saves. */
  minSplitMacs: number;
}

export const planOptions: PlanOptions = { targetWorkgroups: 256, maxPartialFloats: 1 << 23, minSplitMacs: 1 << 24 };

/**
 * Choose tile and split-K: the biggest tile that wastes ≤ 25% of its area on this M×N and, with split-K (where
 * allowed) cutting k into chunks of at least 4 tile steps, still yields `targetWorkgroups` workgroups; else the
 * small tile.
 */
export function planGemm(M: number, N: number, K: number, batch: number, allowSplit: boolean): GemmPlan {
  const o = planOptions;
  const order: Tile[] = o.tile ? [TILES[o.tile]] : [TILES.big, TILES.medium, TILES.small];
  for (const tile of order) {
    const gm = Math.ceil(M / tile.TM);
    const gn = Math.ceil(N / tile.TN);
    const waste = (gm * tile.TM * gn * tile.TN) / (M * N);
    const last = tile === order[order.length - 1];
    if (!last && waste > 1.25) continue;
    const tiles = batch * gm * gn;
    const kTiles = Math.max(1, Math.ceil(K / tile.TK));
    let splits = 1;
    if (o.splits !== undefined) splits = allowSplit ? Math.max(1, Math.min(o.splits, kTiles)) : 1;
    else if (allowSplit && tiles < o.targetWorkgroups && batch * M * N * K >= o.minSplitMacs) {
      splits = Math.min(Math.ceil(o.targetWorkgroups / tiles), Math.max(1, Math.floor(kTiles / 4)));
      splits = Math.max(1, Math.min(splits, Math.floor(o.maxPartialFloats / (batch * M * N))));
    }
    if (!last && o.splits === undefined && tiles * splits < o.targetWorkgroups) continue;
    const kTilesPerSplit = Math.ceil(kTiles / splits);
    splits = Math.ceil(kTiles / kTilesPerSplit);
    return { tile, splits, kTilesPerSplit };
  }
  throw new Error('planGemm: no tile');
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The shared epilogue: fn epi(v, m, n) -> f32 applying bias then activation. */
export function epilogueWgsl(e: Epilogue): string {
  const act = ACTIVATIONS[e.activation];
  if (!act) throw new Error(`reprlab kernels: unsupported fused activation '${e.activation}'`);
  return `
fn epi(acc : f32, m : i32, n : i32) -> f32 {
  var v = acc;
  ${e.bias ? `v = v + ${e.bias}[n];` : ''}
  return ${act};
}`;
}

/**
 * The GEMM program. Output buffer: [splits][batch][M][N] when splits > 1 (partial sums, no epilogue), else the
 * op's output (any shape with batch·M·N elements in [batch][m][n] order) with the epilogue applied.
 */
export class GemmProgram implements WebGPUProgramLike {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0], y: [1] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  uniforms: string;

  constructor(
    private readonly l: GemmLoaders,
    private readonly plan: GemmPlan,
    outputShape: number[],
    M: number,
    N: number,
    batch: number,
    private readonly epilogue: Epilogue | undefined,
  ) {
    const { tile, splits } = plan;
    this.variableNames = epilogue?.bias ? [...l.variableNames, epilogue.bias] : [...l.variableNames];
    this.outputShape = outputShape;
    this.workgroupSize = [tile.TN / tile.RN, tile.TM / tile.RM, 1];
    this.dispatch = [Math.ceil(N / tile.TN), Math.ceil(M / tile.TM), batch * splits];
    this.uniforms = 'M : i32, N : i32, K : i32, splits : i32, kTilesPerSplit : i32, nBatch : i32,' + (l.uniforms ?? '') + (epilogue?.activation === 'leakyrelu' ? ' alpha : f32,' : '');
    const epiKey = epilogue ? `${epilogue.activation}${epilogue.bias ? '_b' : ''}` : 'partial';
    this.shaderKey = `reprlab_gemm_${l.key}_${tile.name}_${l.aContig}${l.bContig}_${epiKey}`;
  }

  /** Uniform values in declaration order: the GEMM's, then the op's extras (and alpha). */
  static uniformData(M: number, N: number, K: number, batch: number, plan: GemmPlan, extra: UniformData[], alpha?: number): UniformData[] {
    const u = [i32(M), i32(N), i32(K), i32(plan.splits), i32(plan.kTilesPerSplit), i32(batch), ...extra];
    if (alpha !== undefined) u.push({ type: 'float32', data: [alpha] });
    return u;
  }

  getUserCode(): string {
    const { TM, TN, TK, RM, RN } = this.plan.tile;
    const l = this.l;
    const WX = TN / RN; // threads along n
    const WY = TM / RM; // threads along m
    const NT = WX * WY;
    const LA = (TM * TK) / NT;
    const LB = (TK * TN) / NT;
    const GM = RM / 4; // vec4 groups of rows per thread: rows g*4*WY + ty*4 + r
    const GN = RN / 4; // vec4 groups of columns per thread: cols g*4*WX + tx*4 + c
    const partial = !this.epilogue;
    // Shared tiles are arrays of vec4 along m (A, stored k-major: [TK][TM]) and along n (B: [TK][TN]).
    const aSlots = range(LA)
      .map((j) => {
        const idx = `(lid + ${j * NT})`;
        const [m, k] = l.aContig === 'k' ? [`${idx} / ${TK}`, `${idx} % ${TK}`] : [`${idx} % ${TM}`, `${idx} / ${TM}`];
        return `let am${j} = ${m}; let ak${j} = ${k}; let aok${j} = row0 + am${j} < uniforms.M; let ar${j} = aRow(batch, min(row0 + am${j}, uniforms.M - 1)); let as${j} = ak${j} * ${TM / 4} + am${j} / 4; let ac${j} = am${j} % 4;`;
      })
      .join('\n  ');
    const bSlots = range(LB)
      .map((j) => {
        const idx = `(lid + ${j * NT})`;
        const [n, k] = l.bContig === 'k' ? [`${idx} / ${TK}`, `${idx} % ${TK}`] : [`${idx} % ${TN}`, `${idx} / ${TN}`];
        return `let bn${j} = ${n}; let bk${j} = ${k}; let bok${j} = col0 + bn${j} < uniforms.N; let br${j} = bRow(batch, min(col0 + bn${j}, uniforms.N - 1)); let bs${j} = bk${j} * ${TN / 4} + bn${j} / 4; let bc${j} = bn${j} % 4;`;
      })
      .join('\n  ');
    const aLoads = range(LA)
      .map((j) => `{ let k = k0 + ak${j}; var v = 0.0; if (aok${j} && k < kEnd) { v = aLoad(ar${j}, row0 + am${j}, k); } tileA[as${j}][ac${j}] = v; }`)
      .join('\n    ');
    const bLoads = range(LB)
      .map((j) => `{ let k = k0 + bk${j}; var v = 0.0; if (bok${j} && k < kEnd) { v = bLoad(br${j}, col0 + bn${j}, k); } tileB[bs${j}][bc${j}] = v; }`)
      .join('\n    ');
    // acc r{row}_{colgroup}: a vec4 of 4 consecutive columns.
    const rows = range(GM).flatMap((g) => range(4).map((r) => ({ g, r, name: `${g}${r}` })));
    const accDecl = rows.flatMap(({ name }) => range(GN).map((h) => `var c${name}_${h} = vec4<f32>(0.0);`)).join(' ');
    const inner = [
      ...range(GM).map((g) => `let a${g} = tileA[kk * ${TM / 4} + ${g * WY} + ty];`),
      ...range(GN).map((h) => `let b${h} = tileB[kk * ${TN / 4} + ${h * WX} + tx];`),
      ...rows.flatMap(({ g, r, name }) => range(GN).map((h) => `c${name}_${h} = fma(vec4<f32>(a${g}[${r}]), b${h}, c${name}_${h});`)),
    ].join('\n      ');
    const stores = rows
      .flatMap(({ g, r, name }) =>
        range(GN).map((h) => {
          const m = `row0 + ${g * 4 * WY} + ty * 4 + ${r}`;
          const n = `col0 + ${h * 4 * WX} + tx * 4`;
          const put = range(4)
            .map((c) => `if (n + ${c} < uniforms.N) { result[o + ${c}] = ${partial ? `c${name}_${h}[${c}]` : `epi(c${name}_${h}[${c}], m, n + ${c})`}; }`)
            .join(' ');
          return `{ let m = ${m}; let n = ${n}; if (m < uniforms.M) { let o = outBase + m * uniforms.N + n; ${put} } }`;
        }),
      )
      .join('\n  ');
    return `
var<workgroup> tileA : array<vec4<f32>, ${(TK * TM) / 4}>;
var<workgroup> tileB : array<vec4<f32>, ${(TK * TN) / 4}>;
${l.helpers ?? ''}
fn aRow(batch : i32, m : i32) -> vec4<i32> { ${l.aRow} }
fn aLoad(r : vec4<i32>, m : i32, k : i32) -> f32 { ${l.aLoad} }
fn bRow(batch : i32, n : i32) -> vec4<i32> { ${l.bRow} }
fn bLoad(r : vec4<i32>, n : i32, k : i32) -> f32 { ${l.bLoad} }
${partial ? '' : epilogueWgsl(this.epilogue!)}

fn main() {
  let tx = i32(localId.x);
  let ty = i32(localId.y);
  let lid = i32(localIndex);
  let z = i32(workgroupId.z);
  let batch = z / uniforms.splits;
  let split = z - batch * uniforms.splits;
  let row0 = i32(workgroupId.y) * ${TM};
  let col0 = i32(workgroupId.x) * ${TN};
  let kStart = split * uniforms.kTilesPerSplit * ${TK};
  let kEnd = min(uniforms.K, kStart + uniforms.kTilesPerSplit * ${TK});
  let outBase = ${partial ? '(split * uniforms.nBatch + batch)' : 'batch'} * uniforms.M * uniforms.N;
  ${aSlots}
  ${bSlots}
  ${accDecl}
  for (var t = 0; t < uniforms.kTilesPerSplit; t = t + 1) {
    let k0 = kStart + t * ${TK};
    ${aLoads}
    ${bLoads}
    workgroupBarrier();
    for (var kk = 0; kk < ${TK}; kk = kk + 1) {
      ${inner}
    }
    workgroupBarrier();
  }
  ${stores}
}
`;
  }
}

/**
 * Second pass of split-K: out[i] = epi(Σ_s partial[s][i]) for i < batch·M·N (flat dispatch, 256 threads).
 */
export class ReduceProgram implements WebGPUProgramLike {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout = { x: [0] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number] = [256, 1, 1];
  uniforms = 'total : i32, splits : i32, M : i32, N : i32,';

  constructor(
    outputShape: number[],
    total: number,
    private readonly epilogue: Epilogue,
  ) {
    this.variableNames = epilogue.bias ? ['partial', epilogue.bias] : ['partial'];
    this.outputShape = outputShape;
    this.dispatch = [Math.ceil(total / 256), 1, 1];
    if (epilogue.activation === 'leakyrelu') this.uniforms += ' alpha : f32,';
    this.shaderKey = `reprlab_splitk_reduce_${epilogue.activation}${epilogue.bias ? '_b' : ''}`;
  }

  static uniformData(total: number, splits: number, M: number, N: number, alpha?: number): UniformData[] {
    const u = [i32(total), i32(splits), i32(M), i32(N)];
    if (alpha !== undefined) u.push({ type: 'float32', data: [alpha] });
    return u;
  }

  getUserCode(): string {
    return `
${epilogueWgsl(this.epilogue)}
fn main(index : i32) {
  if (index < uniforms.total) {
    var s = 0.0;
    for (var i = 0; i < uniforms.splits; i = i + 1) {
      s = s + partial[i * uniforms.total + index];
    }
    let n = index % uniforms.N;
    let m = (index / uniforms.N) % uniforms.M;
    result[index] = epi(s, m, n);
  }
}
`;
  }
}

/** Dispatch dimensions WebGPU allows per axis. */
const MAX_DISPATCH = 65535;

/**
 * Run a GEMM (with split-K + reduce when planned). Returns undefined when the grid does not fit WebGPU's dispatch
 * limits (the caller then uses the stock kernel).
 */
export function runGemm(
  backend: WebGPUBackendLike,
  l: GemmLoaders,
  inputs: tf.TensorInfo[],
  dims: { M: number; N: number; K: number; batch: number },
  outShape: number[],
  extra: UniformData[],
  opts: { allowSplit: boolean; epilogue?: Epilogue; bias?: tf.TensorInfo; alpha?: number },
): tf.TensorInfo | undefined {
  const { M, N, K, batch } = dims;
  const epilogue: Epilogue = opts.epilogue ?? { activation: 'linear' };
  const plan = planGemm(M, N, K, batch, opts.allowSplit);
  const probe = [Math.ceil(N / plan.tile.TN), Math.ceil(M / plan.tile.TM), batch * plan.splits];
  if (probe.some((d) => d > MAX_DISPATCH)) return undefined;
  const alpha = epilogue.activation === 'leakyrelu' ? (opts.alpha ?? 0.2) : undefined;
  const withBias = (xs: tf.TensorInfo[]) => (epilogue.bias && opts.bias ? [...xs, opts.bias] : xs);
  if (plan.splits === 1) {
    const program = new GemmProgram(l, plan, outShape, M, N, batch, epilogue);
    return backend.runWebGPUProgram(program, withBias(inputs), 'float32', GemmProgram.uniformData(M, N, K, batch, plan, extra, alpha));
  }
  const total = batch * M * N;
  const program = new GemmProgram(l, plan, [plan.splits, total], M, N, batch, undefined);
  const partial = backend.runWebGPUProgram(program, inputs, 'float32', GemmProgram.uniformData(M, N, K, batch, plan, extra));
  const reduce = new ReduceProgram(outShape, total, epilogue);
  const out = backend.runWebGPUProgram(reduce, withBias([partial]), 'float32', ReduceProgram.uniformData(total, plan.splits, M, N, alpha));
  backend.disposeData(partial.dataId);
  return out;
}
