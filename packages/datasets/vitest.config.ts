import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
    // The JSON report feeds the one-line summary printed by scripts/funt.mjs test.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-result.json' },
  },
});
