/**
 * `@funt/datasets/testing/vitest`: the laws as one vitest `describe` block, one test per law.
 * A separate entry point, so that the kit itself needs no test framework.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import type { Augmentation } from '../augment/augmentation.js';
import { type CheckOptions, runParameters } from './check.js';
import type { Declaration } from './declaration.js';
import { augmentationLaws, type Law } from './laws.js';

/** A `describe(title)` block with one `it` per law, each asserting the law's property. */
export function describeLaws(title: string, laws: readonly Law[], options?: CheckOptions): void {
  describe(title, () => {
    for (const law of laws) {
      it(`${law.name}: ${law.description}`, () => fc.assert(law.property, runParameters(law, options)));
    }
  });
}

/** `describeLaws(title, augmentationLaws(aug, declared, title), options)`. */
export function describeAugmentation(
  title: string,
  aug: Augmentation,
  declared?: Declaration,
  options?: CheckOptions,
): void {
  describeLaws(title, augmentationLaws(aug, declared, title), options);
}
