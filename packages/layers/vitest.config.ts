import { funtVitestConfig } from '../../vitest.shared.js';

export default funtVitestConfig({ testTimeout: 60_000 });
