import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // The tests import modules, not an entry point: install the Node platform as index.ts does.
    setupFiles: ['src/testing/node-platform.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // The JSON report feeds the one-line summary printed by scripts/funt.mjs test.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-result.json' },
  },
});
