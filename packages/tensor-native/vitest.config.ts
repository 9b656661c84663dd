import { funtVitestConfig } from '../../vitest.shared.js';
import { loadBinding } from './src/binding.js';

// Where the addon is built and the CPU has AVX2 + FMA, @funt/tensor's suites of the kernels the
// addon replaces (convolutions: every geometry, the Winograd-shaped ones, epilogues; batch norm,
// fused batch norm / add + ReLU, the elementwise kernels, pooling, padding) run on the native backend against the
// reference; elsewhere only this package's tests run, and they say why they skip.
const available = loadBinding().available;
const tensorSuites = ['conv', 'winograd', 'batchnorm', 'fused-relu', 'elementwise', 'pool', 'pad'].map(
  (name) => `../tensor/src/backends/wasm/${name}.test.ts`,
);

export default funtVitestConfig({
  include: ['src/**/*.test.ts', ...(available ? tensorSuites : [])],
  setupFiles: ['src/testing/setup.ts'],
  env: { FUNT_PARALLEL_MIN_NS: '0', FUNT_KERNELS_UNDER_TEST: 'native' },
});
