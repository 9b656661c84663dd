import { funtVitestConfig } from '../../vitest.shared.js';

// Split every kernel call of more than one unit across the threads (the default count, 2 here),
// so that the property tests' small shapes run the threaded path too.
const parallelEverything = { FUNT_PARALLEL_MIN_NS: '0' };

export default funtVitestConfig({
  // Empty here: each project names its own files (a project's `include` adds to the root's).
  include: [],
  // The tests import modules, not an entry point: install the Node platform as index.ts does.
  setupFiles: ['src/testing/node-platform.ts'],
  // global.gc for the test of the FinalizationRegistry safety net (src/backends/wasm/memory.test.ts).
  execArgv: ['--expose-gc'],
  // Two projects, one per build of the kernels (src/backends/wasm/kernel-builds.ts): every test on
  // the relaxed-SIMD build, which Node and current browsers load, and the wasm backend's suites
  // (each checks its kernels against the reference backend) again on the baseline SIMD build.
  projects: [
    {
      extends: true,
      test: {
        name: 'relaxed-simd',
        include: ['src/**/*.test.ts', 'bench/**/*.test.ts'],
        env: { FUNT_KERNELS: 'relaxed-simd', ...parallelEverything },
      },
    },
    {
      extends: true,
      test: {
        name: 'simd',
        include: ['src/backends/wasm/**/*.test.ts'],
        env: { FUNT_KERNELS: 'simd', ...parallelEverything },
      },
    },
  ],
});
