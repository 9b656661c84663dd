import { funtVitestConfig } from '../../vitest.shared.js';

export default funtVitestConfig({
  include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
  // The tests import modules, not an entry point: install the Node platform as index.ts does.
  setupFiles: ['src/testing/node-platform.ts'],
  // global.gc for the test of the FinalizationRegistry safety net (src/backends/wasm/memory.test.ts).
  execArgv: ['--expose-gc'],
  // Split every kernel call of more than one unit across the threads (the default count, 2
  // here), so that the property tests' small shapes run the threaded path too.
  env: { FUNT_PARALLEL_MIN_NS: '0' },
});
