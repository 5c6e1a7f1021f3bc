import { defineConfig } from 'vitest/config';

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
