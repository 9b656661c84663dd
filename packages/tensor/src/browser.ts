/**
 * @funt/tensor in a browser (the `browser` and `default` conditions of package.json's
 * `exports`): everything of the Node entry point but the file helpers (`saveSafetensors`,
 * `loadSafetensors`, `writeFileAtomic`; `encodeSafetensors`/`decodeSafetensors` work on bytes).
 * The kernels are fetched: `await ready()` once before the first operation. Threads are Web
 * Workers over the shared memory when the page is cross-origin isolated, else one.
 */

import { browserPlatform } from './platform/browser.js';
import { installPlatform } from './platform/platform.js';

installPlatform(browserPlatform);

export * from './universal.js';
