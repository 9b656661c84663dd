import { beforeAll, describe, expect, test } from 'vitest';
import { createReferenceBackend } from './backends/reference/index.js';
import {
  arange,
  empty,
  emptyLike,
  fromTypedArray,
  full,
  normal,
  ones,
  tensor,
  toActive,
  uniform,
  zeros,
  zerosLike,
} from './creation.js';
import { getBackend, registerBackend, withBackend } from './engine.js';
import { ShapeError } from './errors.js';
import { Rng } from './random.js';
import { useReference } from './testing/reference.js';

beforeAll(() => useReference('float32'));

describe('creation', () => {
  test('zeros, ones, full, empty and the *Like forms', () => {
    expect(zeros([2, 2]).toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    expect(ones([3]).toArray()).toEqual([1, 1, 1]);
    expect(full([2], 2.5, 'float64').toArray()).toEqual([2.5, 2.5]);
    expect(full([2], 2.5, 'float64').dtype).toBe('float64');
    expect(empty([4, 0]).size).toBe(0);
    const base = full([2, 3], 7, 'float64');
    expect(zerosLike(base).dtype).toBe('float64');
    expect(zerosLike(base).toArray()).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(emptyLike(base).shape).toEqual([2, 3]);
    expect(() => zeros([2, -3])).toThrow(ShapeError);
  });

  test('tensor from nested arrays, flat arrays with a shape, typed arrays and scalars', () => {
    expect(
      tensor([
        [1, 2],
        [3, 4],
      ]).shape,
    ).toEqual([2, 2]);
    expect(tensor([1, 2, 3, 4, 5, 6], [3, 2]).get(2, 1)).toBe(6);
    expect(tensor(new Float64Array([1, 2]), undefined, 'float64').toArray()).toEqual([1, 2]);
    expect(tensor(3).shape).toEqual([]);
    expect(tensor([]).shape).toEqual([0]);
    expect(
      tensor([
        [[1], [2]],
        [[3], [4]],
      ]).shape,
    ).toEqual([2, 2, 1]);
  });

  test('ragged nested arrays and sizes that do not fill the shape are ShapeErrors', () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged nested array/);
    expect(() => tensor([[1, 2], 3] as never)).toThrow(/ragged nested array/);
    expect(() => fromTypedArray([1, 2, 3], [2, 2])).toThrow(/fromTypedArray: 3 values do not fill shape \[2, 2\]/);
    expect(() => fromTypedArray([1], [-1])).toThrow(ShapeError);
  });

  test('float32 storage rounds values; float64 keeps them', () => {
    expect(tensor([0.1]).data[0]).toBe(Math.fround(0.1));
    expect(tensor([0.1], undefined, 'float64').data[0]).toBe(0.1);
  });

  test('uniform and normal are reproducible from the seed and stay in range', () => {
    const a = uniform([1000], new Rng(1), -2, 3);
    expect(Array.from(a.data)).toEqual(Array.from(uniform([1000], new Rng(1), -2, 3).data));
    expect(Math.min(...a.data)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...a.data)).toBeLessThan(3);
    const n = normal([2000], new Rng(2), 5, 0.1, 'float64');
    const mean = Array.from(n.data).reduce((s, v) => s + v, 0) / n.size;
    expect(Math.abs(mean - 5)).toBeLessThan(0.01);
    expect(Array.from(normal([5], new Rng(3)).data)).not.toEqual(Array.from(normal([5], new Rng(4)).data));
  });

  test('arange counts from 0', () => {
    expect(arange(4).toArray()).toEqual([0, 1, 2, 3]);
    expect(arange(0).size).toBe(0);
  });

  test('toActive copies to the active backend or dtype, and returns the tensor when already there', () => {
    registerBackend('other', () => ({ ...createReferenceBackend(), name: 'other' }));
    const t = tensor([1, 2]);
    expect(toActive(t)).toBe(t);
    const wide = toActive(t, 'float64');
    expect(wide.dtype).toBe('float64');
    expect(wide.toArray()).toEqual([1, 2]);
    const moved = withBackend('other', () => toActive(t));
    expect(moved.backend.name).toBe('other');
    expect(moved).not.toBe(t);
    expect(getBackend().name).toBe('reference');
  });
});
