/**
 * Our WebGPU kernels for the training hot path (issue #8, docs/performance.md): a tiled fp32 GEMM with register
 * blocking and split-K, used for BatchMatMul/_FusedMatMul and, as implicit GEMMs, for Conv2D/FusedConv2D,
 * Conv2DBackpropInput and Conv2DBackpropFilter; and a fused NT-Xent (ntxent.ts: `ReprlabNtXentRows`, per row of
 * the 2N × 2N similarity matrix the masked max, log-sum-exp and loss term in one workgroup, and `ReprlabNtXentGrad`,
 * dy·(softmax − onehot + its transpose)/(2Nτ) in one pass), new kernel names that `ntXent` (lib/losses) uses, with
 * the two GEMMs, while they are registered (`ntXentFused`: an analytic tf.customGrad gradient). Switch with
 * `useCustomKernels(true|false|'auto')` or `REPRLAB_KERNELS=ours|stock|auto` (default auto); these only ever register
 * for the 'webgpu' backend (cpu-conv.ts is the cpu backend's, wasm/ the wasm backend's, separate; elsewhere the fused NT-Xent computes its row
 * kernels with tf ops).
 */
export {
  useCustomKernels,
  customKernelsEnabled,
  activeCustomKernels,
  applyKernelChoice,
  wantedKernels,
  CUSTOM_KERNEL_NAMES,
  SOFTWARE_ADAPTER_KERNELS,
  type KernelChoice,
} from './registry.js';
export { NTXENT_ROWS, NTXENT_GRAD, ntXentKernelsActive } from './ntxent.js';
export { planGemm, planOptions, TILES, type GemmPlan, type PlanOptions, type Tile } from './gemm.js';
export * from './cpu-conv.js';
