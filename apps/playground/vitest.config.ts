import { funtVitestConfig } from '../../vitest.shared.js';

export default funtVitestConfig({
  include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
  // Browser tests build pages and train for a few iterations on a shared 2-core machine.
  testTimeout: 300_000,
  hookTimeout: 300_000,
  // One test file at a time: each runs a Chromium with worker threads.
  fileParallelism: false,
});
