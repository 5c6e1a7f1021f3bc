import { defineConfig } from 'vitest/config';

// Dawn's limit-clamping notice ("Warning: maxDynamic…PerPipelineLayout artificially reduced …", harmless; see
// lib/backend/webgpu.ts) is written by native code to the workers' stderr, a socket that lib/backend cannot filter
// in-process; the workers' stderr reaches the terminal through this process, so drop those two lines here.
const DAWN_NOTICE = /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.\r?\n/gm;
const writeStderr = process.stderr.write.bind(process.stderr) as (chunk: unknown, ...rest: unknown[]) => boolean;
process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
  if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) {
    const text = String(chunk);
    if (text.includes('artificially reduced')) {
      const kept = text.replace(DAWN_NOTICE, '');
      if (!kept) {
        (rest.find((a) => typeof a === 'function') as (() => void) | undefined)?.();
        return true;
      }
      return writeStderr(kept, ...rest);
    }
  }
  return writeStderr(chunk, ...rest);
}) as typeof process.stderr.write;

// Unit tests run on the cpu backend unless a test asks for another (test/helpers.ts: useBackend).
// Two cores here and in CI: forks, at most two at a time; notebooks run in their own file (test/notebooks.test.ts).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
    env: { REPRLAB_BACKEND: process.env.REPRLAB_BACKEND ?? 'cpu' },
  },
});
