/**
 * @funt/solver: update rules, learning-rate schedules and the training loop. This is the Node
 * entry point (the `node` condition of package.json's `exports`): checkpoints, histories and the
 * best model go to files, progress to a terminal bar or lines. browser.ts is the browser one.
 */

import { nodePlatform } from './platform/node.js';
import { installPlatform } from './platform/platform.js';

installPlatform(nodePlatform);

export * from './universal.js';
