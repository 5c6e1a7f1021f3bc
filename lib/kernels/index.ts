/**
 * Our WebGPU kernels for the training hot path (issue #8, docs/performance.md): a tiled fp32 GEMM with register
 * blocking and split-K, used for BatchMatMul/_FusedMatMul and, as implicit GEMMs, for Conv2D/FusedConv2D,
 * Conv2DBackpropInput and Conv2DBackpropFilter. Switch with `useCustomKernels(true|false|'auto')` or
 * `REPRLAB_KERNELS=ours|stock|auto` (default auto); these only ever register for the 'webgpu' backend (cpu-conv.ts is the cpu backend's, separate).
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
export { planGemm, planOptions, TILES, type GemmPlan, type PlanOptions, type Tile } from './gemm.js';
export * from './cpu-conv.js';
