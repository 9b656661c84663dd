/**
 * What every parser's fuzz test shares: damaged copies of a valid file, and the property the
 * parser must keep on any bytes (a consistent result or a DatasetError, never a RangeError or
 * TypeError from deep inside).
 */
import fc from 'fast-check';
import { expect } from 'vitest';
import { DatasetError } from '../../errors.js';

/**
 * A valid file, damaged: cut at any length (including none), or one byte overwritten with any
 * value at an offset below `overwriteBelow` (default: anywhere; a format whose header is all
 * that a parser reads can aim at it).
 */
export function damaged(valid: Uint8Array, overwriteBelow = valid.length): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc.nat({ max: valid.length }).map((k) => valid.subarray(0, k)),
    fc.tuple(fc.nat({ max: overwriteBelow - 1 }), fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
      const b = Uint8Array.from(valid);
      b[i] = v;
      return b;
    }),
  );
}

/**
 * Runs parse: a DatasetError passes, any other error fails; a result must pass `check`
 * (run outside the catch, so that a failed check reports itself rather than a wrong error type).
 */
export function expectResultOrDatasetError<T>(parse: () => T, check: (result: T) => void): void {
  let result: T;
  try {
    result = parse();
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetError);
    return;
  }
  check(result);
}
