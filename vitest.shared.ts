import { defineConfig, type TestUserConfig, type ViteUserConfig } from 'vitest/config';

/**
 * The vitest configuration every package shares, with what a package changes on top: which files
 * hold its tests, its time-outs, setup files, environment. Forks, not threads: the wasm
 * backend starts worker_threads of its own, and a crashed kernel must not take the runner down.
 */
export function funtVitestConfig(test: TestUserConfig = {}): ViteUserConfig {
  return defineConfig({
    test: {
      include: ['src/**/*.test.ts'],
      testTimeout: 120_000,
      pool: 'forks',
      // The JSON report feeds the one-line summary printed by scripts/funt.mjs test.
      reporters: ['default', 'json'],
      outputFile: { json: '.vitest-result.json' },
      ...test,
    },
  });
}
