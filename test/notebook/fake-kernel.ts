/**
 * Pretend to be inside the tslab kernel: lib/notebook/display finds tslab's `jupyter.js` in Node's module cache
 * and calls its `lastWriteDisplayData`; we put a fake module there that records the display_data bundles.
 */
import { createRequire } from 'node:module';

const KEY = '/fake-tslab/node_modules/tslab/dist/jupyter.js';

export interface FakeKernel {
  outputs: Record<string, string>[];
  stop(): void;
}

export function fakeKernel(): FakeKernel {
  const cache = createRequire(import.meta.url).cache as Record<string, unknown>;
  const outputs: Record<string, string>[] = [];
  const mod = { exports: { lastWriteDisplayData: (msg: { data: Record<string, string> }) => outputs.push(msg.data) as unknown } };
  cache[KEY] = mod;
  return {
    outputs,
    stop() {
      (mod.exports as { lastWriteDisplayData: unknown }).lastWriteDisplayData = null;
    },
  };
}
