import { funtVitestConfig } from '../../vitest.shared.js';
import { loadBinding } from './src/binding.js';

// Where the addon is built and the CPU has AVX2 + FMA, @funt/tensor's convolution suites
// (every geometry, the Winograd-shaped ones, epilogues) run on the native backend against the
// reference; elsewhere only this package's tests run, and they say why they skip.
const available = loadBinding().available;

export default funtVitestConfig({
  include: [
    'src/**/*.test.ts',
    ...(available ? ['../tensor/src/backends/wasm/conv.test.ts', '../tensor/src/backends/wasm/winograd.test.ts'] : []),
  ],
  setupFiles: ['src/testing/setup.ts'],
  env: { FUNT_PARALLEL_MIN_NS: '0', FUNT_KERNELS_UNDER_TEST: 'native' },
});
