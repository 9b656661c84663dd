/**
 * Checking laws without a test framework: each law's property is run with fast-check and the
 * failures are returned, named by law, for any runner (or a script) to report.
 */
import fc from 'fast-check';
import type { Augmentation } from '../augment/augmentation.js';
import type { Declaration } from './declaration.js';
import { augmentationLaws, type Law } from './laws.js';

/** How to run the laws. */
export interface CheckOptions {
  /** Runs per law (default: each law's own, 5 to 100). */
  numRuns?: number;
  /** fast-check's seed, to replay a failure (default: a new one each time). */
  seed?: number;
}

/** A law that does not hold. */
export interface LawFailure {
  /** The law's name, e.g. 'input-untouched'. */
  law: string;
  /** What went wrong in the smallest failing case fast-check found. */
  message: string;
  /** fast-check's full report: seed, path and counterexample, to replay it. */
  report: string;
}

/** The fast-check parameters of one law. */
export function runParameters(law: Law, options: CheckOptions = {}): fc.Parameters<[unknown]> {
  return { numRuns: options.numRuns ?? law.numRuns, ...(options.seed === undefined ? {} : { seed: options.seed }) };
}

/** Checks each law; returns the ones that fail (an empty list when all hold). */
export function checkLaws(laws: readonly Law[], options: CheckOptions = {}): LawFailure[] {
  const failures: LawFailure[] = [];
  for (const law of laws) {
    const details = fc.check(law.property, runParameters(law, options));
    if (!details.failed) continue;
    const error = details.errorInstance;
    const message = error instanceof Error ? error.message : details.interrupted ? 'interrupted' : String(error);
    failures.push({
      law: law.name,
      message,
      report: `${law.name}: ${message}\n${fc.defaultReportMessage(details) ?? ''}`,
    });
  }
  return failures;
}

/** `checkLaws(augmentationLaws(aug, declared), options)`. */
export function checkAugmentation(aug: Augmentation, declared?: Declaration, options?: CheckOptions): LawFailure[] {
  return checkLaws(augmentationLaws(aug, declared), options);
}
