import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
    // Browser tests build pages and train for a few iterations on a shared 2-core machine.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // One test file at a time: each runs a Chromium with worker threads.
    fileParallelism: false,
    // The JSON report feeds the one-line summary printed by scripts/funt.mjs test.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-result.json' },
  },
});
