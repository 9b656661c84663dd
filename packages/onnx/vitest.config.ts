import { funtVitestConfig } from '../../vitest.shared.js';

export default funtVitestConfig();
