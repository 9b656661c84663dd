import { Rng } from '@funt/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { imageSet } from '../image-set.js';
import { groupSplit, randomSplit, shuffleSet, trainValRows, trainValSplit } from './split.js';

const groupsArb = fc.array(fc.constantFrom('p002', 'p012', 'p014', 'p015', 'p016', 'p021', 'p022', 'p024'), {
  minLength: 1,
  maxLength: 80,
});

describe('groupSplit', () => {
  it('never puts a group on both sides, and covers every row once (property)', () => {
    fc.assert(
      fc.property(groupsArb, fc.double({ min: 0, max: 0.95, noNaN: true }), fc.integer(), (groups, f, seed) => {
        const { train, val } = groupSplit(groups, f, new Rng(seed));
        const trainGroups = new Set(Array.from(train, (r) => groups[r]));
        for (const r of val) expect(trainGroups.has(groups[r])).toBe(false);
        expect([...train, ...val].sort((a, b) => a - b)).toEqual(groups.map((_, i) => i));
        const distinct = new Set(groups).size;
        if (f > 0 && distinct >= 2) {
          expect(val.length).toBeGreaterThan(0);
          expect(train.length).toBeGreaterThan(0);
        }
        if (f === 0) expect(val.length).toBe(0);
      }),
    );
  });

  it('depends only on the seed, not on the row order of the groups', () => {
    const groups = ['a', 'b', 'c', 'd', 'a', 'b', 'c', 'd'];
    const one = groupSplit(groups, 0.25, new Rng(3));
    const again = groupSplit(groups, 0.25, new Rng(3));
    expect(again).toEqual(one);
    const valGroups = new Set(Array.from(one.val, (r) => groups[r]));
    const reversed = [...groups].reverse();
    const other = groupSplit(reversed, 0.25, new Rng(3));
    expect(new Set(Array.from(other.val, (r) => reversed[r]))).toEqual(valGroups);
  });
});

describe('randomSplit', () => {
  it('gives round(n·f) validation rows, disjoint and complete, the same for the same seed (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
        fc.integer(),
        (n, f, seed) => {
          const a = randomSplit(n, f, new Rng(seed));
          expect(a.val.length).toBe(Math.round(n * f));
          expect([...a.train, ...a.val].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
          expect(randomSplit(n, f, new Rng(seed))).toEqual(a);
        },
      ),
    );
  });

  it('rejects fractions outside [0, 1)', () => {
    expect(() => randomSplit(10, 1, new Rng(0))).toThrow(/randomSplit: valFraction must be in \[0, 1\), got 1/);
    expect(() => groupSplit(['a'], -0.1, new Rng(0))).toThrow(/groupSplit: valFraction/);
  });
});

describe('trainValSplit and shuffleSet', () => {
  const n = 20;
  const set = imageSet(
    Uint8Array.from({ length: n }, (_, i) => i),
    [n, 1, 1, 1],
    Int32Array.from({ length: n }, (_, i) => i % 3),
    ['a', 'b', 'c'],
    Array.from({ length: n }, (_, i) => `driver${i % 5}`),
  );

  it('splits by group when the set has groups, keeping images, labels and groups together', () => {
    const { train, val } = trainValSplit(set, { valFraction: 0.2, seed: 1 });
    expect(train.shape[0] + val.shape[0]).toBe(n);
    const trainGroups = new Set(train.groups);
    for (const g of val.groups!) expect(trainGroups.has(g)).toBe(false);
    for (const part of [train, val]) {
      part.images.forEach((v, i) => {
        expect(part.labels[i]).toBe(v % 3);
        expect(part.groups![i]).toBe(`driver${v % 5}`);
      });
    }
  });

  it('trainValRows: the rows trainValSplit takes, from the count and groups alone', () => {
    for (const by of ['group', 'random'] as const) {
      const rows = trainValRows(n, set.groups, { valFraction: 0.3, seed: 4, by });
      const { train, val } = trainValSplit(set, { valFraction: 0.3, seed: 4, by });
      // Image i holds the value i: the images are the rows.
      expect(Array.from(rows.train)).toEqual(Array.from(train.images));
      expect(Array.from(rows.val)).toEqual(Array.from(val.images));
    }
    expect(() => trainValRows(n, undefined, { by: 'group' })).toThrow(/needs a set with groups/);
  });

  it("splits at random on request, deterministically per seed; 'group' needs groups", () => {
    const a = trainValSplit(set, { valFraction: 0.25, seed: 2, by: 'random' });
    expect(a.val.shape[0]).toBe(5);
    expect(trainValSplit(set, { valFraction: 0.25, seed: 2, by: 'random' }).val.images).toEqual(a.val.images);
    const plain = imageSet(new Uint8Array(4), [4, 1, 1, 1], new Int32Array(4), ['a']);
    expect(() => trainValSplit(plain, { by: 'group' })).toThrow(/trainValSplit: by 'group' needs a set with groups/);
  });

  it('shuffleSet permutes rows reproducibly', () => {
    const s = shuffleSet(set, new Rng(4));
    expect(Array.from(s.images).sort((a, b) => a - b)).toEqual(Array.from(set.images));
    expect(Array.from(s.images)).not.toEqual(Array.from(set.images));
    expect(shuffleSet(set, new Rng(4)).images).toEqual(s.images);
  });
});
