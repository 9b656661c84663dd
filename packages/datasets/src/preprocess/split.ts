import { Rng } from '@funt/tensor';
import { type ImageSet, subset } from '../image-set.js';

/** Row indices of the two sides of a split, each in ascending order. */
export interface SplitIndices {
  train: Int32Array;
  val: Int32Array;
}

function checkFraction(op: string, valFraction: number): void {
  if (!(valFraction >= 0 && valFraction < 1)) {
    throw new RangeError(`${op}: valFraction must be in [0, 1), got ${valFraction}`);
  }
}

function sorted(rows: number[] | Int32Array): Int32Array {
  return Int32Array.from(rows).sort();
}

/** A seeded random split of n rows: round(n·valFraction) rows go to validation. */
export function randomSplit(n: number, valFraction: number, rng: Rng): SplitIndices {
  checkFraction('randomSplit', valFraction);
  const order = rng.permutation(n);
  const nVal = Math.round(n * valFraction);
  return { train: sorted(order.subarray(nVal)), val: sorted(order.subarray(0, nVal)) };
}

/**
 * A seeded split in which every group (SFDDD: every driver) falls wholly on one side, so that
 * validation measures generalisation to unseen groups. Whole groups, in a random order, go to
 * validation until it holds at least valFraction of the rows; with valFraction > 0 and at least
 * two groups, each side gets at least one group.
 */
export function groupSplit(groups: readonly string[], valFraction: number, rng: Rng): SplitIndices {
  checkFraction('groupSplit', valFraction);
  const rowsOf = new Map<string, number[]>();
  groups.forEach((g, row) => {
    const rows = rowsOf.get(g);
    if (rows) rows.push(row);
    else rowsOf.set(g, [row]);
  });
  // Sorting first makes the result depend only on the seed, not on the order rows were read in.
  const names = rng.shuffle([...rowsOf.keys()].sort());
  const target = groups.length * valFraction;
  const val: number[] = [];
  let taken = 0;
  while (valFraction > 0 && taken < names.length - 1 && (val.length < target || taken === 0)) {
    val.push(...rowsOf.get(names[taken])!);
    taken++;
  }
  const train: number[] = [];
  for (let i = taken; i < names.length; i++) train.push(...rowsOf.get(names[i])!);
  return { train: sorted(train), val: sorted(val) };
}

/** Options of `trainValSplit`. */
export interface TrainValOptions {
  /** Fraction of rows for validation (default 0.1). */
  valFraction?: number;
  /** Seed of the split (default 0): the same seed gives the same split. */
  seed?: number;
  /** 'random' rows, or whole 'group's (needs `set.groups`). Default: 'group' when the set has groups. */
  by?: 'random' | 'group';
}

/** Splits a set into training and validation sets, deterministically for a given seed. */
export function trainValSplit(set: ImageSet, options: TrainValOptions = {}): { train: ImageSet; val: ImageSet } {
  const split = trainValRows(set.shape[0], set.groups, options);
  return { train: subset(set, split.train), val: subset(set, split.val) };
}

/**
 * The rows `trainValSplit` puts on each side, for `n` images with these groups (or none): the
 * split of a list of files made before any is decoded.
 */
export function trainValRows(
  n: number,
  groups: readonly string[] | undefined,
  options: TrainValOptions = {},
): SplitIndices {
  const { valFraction = 0.1, seed = 0 } = options;
  const by = options.by ?? (groups ? 'group' : 'random');
  const rng = new Rng(seed);
  if (by === 'group') {
    if (!groups) throw new RangeError("trainValSplit: by 'group' needs a set with groups (e.g. SFDDD's drivers)");
    return groupSplit(groups, valFraction, rng);
  }
  if (by === 'random') return randomSplit(n, valFraction, rng);
  throw new RangeError(`trainValSplit: by must be 'random' or 'group', got '${String(by)}'`);
}

/** A copy of the set in a seeded random order. */
export function shuffleSet(set: ImageSet, rng: Rng): ImageSet {
  return subset(set, rng.permutation(set.shape[0]));
}
