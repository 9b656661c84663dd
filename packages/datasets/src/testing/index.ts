/**
 * `@funt/datasets/testing`: property-test augmentations. fast-check arbitraries of image
 * batches, seeds and the built-ins' options; the laws every augmentation must keep (and the
 * opt-in ones it may declare) as named fast-check properties; and `checkLaws`, which runs them
 * and returns the failures. `@funt/datasets/testing/vitest` turns them into a describe block.
 *
 * fast-check is a peer dependency of this entry point only: the main entry never loads it.
 */
export {
  type BatchLimits,
  type BatchShape,
  batchTensor,
  type ImageBatch,
  imageBatches,
  type SizeRange,
  seeds,
} from './batches.js';
export { type Builtin, type BuiltinName, type BuiltinOptions, builtinLaws, builtins } from './builtins.js';
export { type CheckOptions, checkAugmentation, checkLaws, type LawFailure } from './check.js';
export type { Declaration, Distribution, ImageShape } from './declaration.js';
export { augmentationLaws, type Law, type Subject, type Trial } from './laws.js';
