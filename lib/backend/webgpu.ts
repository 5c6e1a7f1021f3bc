/**
 * Expose Dawn's WebGPU (the `webgpu` npm package) to tfjs-backend-webgpu in Node: the GPU* globals and
 * `navigator.gpu`. Returns a one-line description of the adapter, or throws when none is found.
 */
interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
}
interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<{ info?: AdapterInfoLike } | null>;
}

let installed: Promise<string> | undefined;

export function installWebGPU(): Promise<string> {
  installed ??= install().catch((err) => {
    installed = undefined;
    throw err;
  });
  return installed;
}

async function install(): Promise<string> {
  const mod = (await import('webgpu')) as unknown as { create(flags: string[]): GpuLike; globals: object };
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create([]);
  const g = globalThis as { navigator?: { gpu?: unknown } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, writable: true, configurable: true });
  if (!g.navigator!.gpu) Object.defineProperty(g.navigator!, 'gpu', { value: gpu, configurable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no WebGPU adapter (no Vulkan/Metal/D3D12 driver)');
  return describeAdapter(adapter.info ?? {});
}

export function describeAdapter(info: AdapterInfoLike): string {
  const name = info.description || info.device || 'unknown device';
  const extra = [info.vendor, info.architecture].filter(Boolean).join(' ');
  return extra ? `${name} [${extra}]` : name;
}
