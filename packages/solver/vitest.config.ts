import { funtVitestConfig } from '../../vitest.shared.js';

export default funtVitestConfig({
  // The tests import modules, not an entry point: install the Node platform as index.ts does.
  setupFiles: ['src/testing/node-platform.ts'],
  testTimeout: 60_000,
});
