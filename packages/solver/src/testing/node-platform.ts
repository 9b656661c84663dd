/**
 * vitest's setup file (vitest.config.ts): the tests import the package's modules directly, not
 * through an entry point, so the Node platform is installed here as index.ts installs it.
 */
import { nodePlatform } from '../platform/node.js';
import { installPlatform } from '../platform/platform.js';

installPlatform(nodePlatform);
