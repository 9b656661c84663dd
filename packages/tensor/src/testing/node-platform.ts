/**
 * vitest's setup file (vitest.config.ts): the tests import the package's modules directly, not
 * through an entry point, so the Node platform is installed here as index.ts installs it, and
 * relaxed SIMD is turned on as funt-resnet turns it on (the vitest projects pick the kernel build
 * with FUNT_KERNELS).
 */
import { nodePlatform } from '../platform/node.js';
import { installPlatform } from '../platform/platform.js';
import { enableRelaxedSimd } from '../platform/relaxed-simd-flag.js';

installPlatform(nodePlatform);
enableRelaxedSimd();
