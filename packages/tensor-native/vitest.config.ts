import { funtVitestConfig } from '../../vitest.shared.js';
import { levelsUpTo, loadBinding } from './src/binding.js';

// Where the addon is built and the CPU has AVX2 + FMA, @funt/tensor's suites of the kernels the
// addon replaces (convolutions: every geometry, the Winograd-shaped ones, epilogues; batch norm,
// fused batch norm / add + ReLU, the elementwise kernels, pooling, padding) run on the native
// backend against the reference, once per instruction level this CPU runs (a project per
// level, FUNT_NATIVE_LEVEL set); elsewhere only this package's tests run, and they say why they
// skip.
const status = loadBinding({});
const tensorSuites = ['conv', 'winograd', 'batchnorm', 'fused-relu', 'elementwise', 'pool', 'pad'].map(
  (name) => `../tensor/src/backends/wasm/${name}.test.ts`,
);
const env = { FUNT_PARALLEL_MIN_NS: '0', FUNT_KERNELS_UNDER_TEST: 'native' };
const levels = status.available ? levelsUpTo(status.cpu) : [];

export default funtVitestConfig({
  include: ['src/**/*.test.ts'],
  setupFiles: ['src/testing/setup.ts'],
  env,
  ...(levels.length > 0 && {
    projects: levels.map((level) => ({
      extends: true,
      test: {
        name: `native ${level}`,
        include: ['src/**/*.test.ts', ...tensorSuites],
        env: { ...env, FUNT_NATIVE_LEVEL: level },
      },
    })),
  }),
});
