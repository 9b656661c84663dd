/**
 * @funt/solver in a browser: the same API, on a platform without files (checkpointPath,
 * historyDir and exportBest are Node's and say so) and without a terminal (progress goes to the
 * `stream` option if one is given, else nowhere; the `events` callbacks report everything). A
 * training worker stops a run with `solver.requestStop()`, handled between iterations.
 */

import { browserPlatform } from './platform/browser.js';
import { installPlatform } from './platform/platform.js';

installPlatform(browserPlatform);

export * from './universal.js';
