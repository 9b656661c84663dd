import { funtVitestConfig } from '../../vitest.shared.js';

export default funtVitestConfig({ include: ['src/**/*.test.ts', 'bench/**/*.test.ts'] });
