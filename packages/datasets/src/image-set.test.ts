import { ShapeError } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { classCounts, concatSets, imageSet, imageSize, subset } from './image-set.js';
import { toTensor } from './to-tensor.js';

const set = imageSet(
  Uint8Array.from([1, 2, 3, 4, 5, 6]),
  [3, 1, 1, 2],
  Int32Array.from([2, 0, 2]),
  ['a', 'b', 'c'],
  ['g1', 'g2', 'g1'],
);

describe('ImageSet helpers', () => {
  it('imageSet checks that arrays match the shape', () => {
    expect(imageSize(set)).toBe(2);
    expect(() => imageSet(new Uint8Array(5), [3, 1, 1, 2], new Int32Array(3), ['a'])).toThrow(ShapeError);
    expect(() => imageSet(new Uint8Array(5), [3, 1, 1, 2], new Int32Array(3), ['a'])).toThrow(
      /imageSet: 5 pixels do not fill shape \[3, 1, 1, 2\]/,
    );
    expect(() => imageSet(new Uint8Array(6), [3, 1, 1, 2], new Int32Array(2), ['a'])).toThrow(/2 labels for 3 images/);
    expect(() => imageSet(new Uint8Array(6), [3, 1, 2], new Int32Array(3), ['a'])).toThrow(
      /shape must be \[n, c, h, w\]/,
    );
    expect(() => imageSet(new Uint8Array(6), [3, 1, 1, 2], new Int32Array(3), ['a'], ['x'])).toThrow(
      /1 groups for 3 images/,
    );
  });

  it('subset copies rows with their labels and groups', () => {
    const s = subset(set, [2, 0]);
    expect(Array.from(s.images)).toEqual([5, 6, 1, 2]);
    expect(Array.from(s.labels)).toEqual([2, 2]);
    expect(s.groups).toEqual(['g1', 'g1']);
    expect(() => subset(set, [3])).toThrow(/subset: row 3 out of range for a set of 3 images/);
  });

  it('concatSets joins sets of one image shape', () => {
    const c = concatSets([set, subset(set, [1])]);
    expect(c.shape).toEqual([4, 1, 1, 2]);
    expect(Array.from(c.images)).toEqual([1, 2, 3, 4, 5, 6, 3, 4]);
    expect(Array.from(c.labels)).toEqual([2, 0, 2, 0]);
    const other = imageSet(new Uint8Array(3), [1, 1, 1, 3], new Int32Array(1), ['a']);
    expect(() => concatSets([set, other])).toThrow(/concatSets: image shapes differ: \[3, 1, 1, 2\] vs \[1, 1, 1, 3\]/);
    expect(() => concatSets([])).toThrow(/no sets/);
  });

  it('classCounts counts labelled images per class', () => {
    expect(classCounts(set)).toEqual([1, 0, 2]);
  });

  it('toTensor converts all or some rows to float, into out if given', () => {
    expect(Array.from(toTensor(set).data)).toEqual([1, 2, 3, 4, 5, 6]);
    const t = toTensor(set, { rows: [1] });
    expect(t.shape).toEqual([1, 1, 1, 2]);
    expect(Array.from(t.data)).toEqual([3, 4]);
    const out = toTensor(set, { rows: [0, 2] });
    expect(toTensor(set, { rows: [1, 1], out })).toBe(out);
    expect(Array.from(out.data)).toEqual([3, 4, 3, 4]);
    expect(() => toTensor(set, { rows: [0], out })).toThrow(
      /toTensor: out has shape \[2, 1, 1, 2\], expected \[1, 1, 1, 2\]/,
    );
    expect(() => toTensor(set, { rows: [5] })).toThrow(/toTensor: row 5 out of range/);
  });
});
