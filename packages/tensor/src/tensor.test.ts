import { beforeAll, describe, expect, test } from 'vitest';
import { createReferenceBackend } from './backends/reference/index.js';
import { arange, tensor } from './creation.js';
import { registerBackend, withBackend } from './engine.js';
import { DisposedError, ShapeError } from './errors.js';
import { HeapAllocator } from './memory.js';
import { Tensor } from './tensor.js';
import { useReference } from './testing/reference.js';
import { WebAssemblyApi } from './webassembly-api.js';

beforeAll(() => useReference('float32'));

describe('Tensor views', () => {
  test('reshape and slice share storage: writes through one are seen by the other', () => {
    const t = arange(12).reshape([3, 4]);
    const flat = t.reshape([-1]);
    const rows = t.slice(1, 3);
    expect(rows.shape).toEqual([2, 4]);
    expect(rows.offset).toBe(4);
    expect(rows.sharesStorageWith(t) && flat.sharesStorageWith(t)).toBe(true);
    rows.data[0] = 100;
    expect(t.get(1, 0)).toBe(100);
    expect(flat.data[4]).toBe(100);
    expect(rows.reshape([8]).data[0]).toBe(100);
    expect(rows.slice(1).toArray()).toEqual([[8, 9, 10, 11]]);
  });

  test('reshape infers one -1 and rejects sizes that do not fit', () => {
    const t = arange(12);
    expect(t.reshape([2, -1, 3]).shape).toEqual([2, 2, 3]);
    expect(() => t.reshape([5, -1])).toThrow(ShapeError);
    expect(() => t.reshape([-1, -1])).toThrow(/only one -1/);
    expect(() => t.reshape([2, 7])).toThrow(/cannot view \[12\]/);
    expect(() => t.reshape([3, 4.5])).toThrow(ShapeError);
  });

  test('slice bounds are checked', () => {
    const t = arange(6).reshape([3, 2]);
    expect(t.slice(0, 0).shape).toEqual([0, 2]);
    expect(t.slice(3).shape).toEqual([0, 2]);
    for (const [s, e] of [
      [-1, 2],
      [0, 4],
      [2, 1],
      [0.5, 2],
    ]) {
      expect(() => t.slice(s, e)).toThrow(/slice: range .* out of bounds for first axis of \[3, 2\]/);
    }
    expect(() => tensor(5).slice(0)).toThrow(/cannot slice a scalar/);
  });

  test('the ptr of a view in WebAssembly memory is its storage address plus its byte offset', () => {
    const memory = new WebAssemblyApi.Memory({ initial: 1, maximum: 1024, shared: true });
    registerBackend('reference-heap', () => ({
      ...createReferenceBackend(),
      name: 'reference-heap',
      allocator: new HeapAllocator(memory, 64),
    }));
    const t = withBackend('reference-heap', () => arange(8, 'float64').reshape([4, 2]));
    expect(t.slice(2).ptr).toBe(t.ptr + 2 * 2 * 8);
    expect(new Float64Array(memory.buffer, t.slice(2).ptr, 1)[0]).toBe(4);
    expect(tensor([1]).ptr).toBe(-1);
  });
});

describe('Tensor lifetime', () => {
  test('dispose twice is safe; use after dispose throws DisposedError', () => {
    const t = tensor([1, 2, 3]);
    t.dispose();
    expect(() => t.dispose()).not.toThrow();
    expect(t.isDisposed).toBe(true);
    expect(() => t.data).toThrow(DisposedError);
    expect(() => t.reshape([3])).toThrow(/reshape: tensor was disposed/);
    expect(() => t.slice(0)).toThrow(DisposedError);
    expect(() => t.ptr).toThrow(DisposedError);
    expect(() => t.toArray()).toThrow(DisposedError);
  });

  test('disposing a view leaves the base and other views usable', () => {
    const t = tensor([1, 2, 3, 4]);
    const v = t.reshape([2, 2]);
    v.dispose();
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
  });
});

describe('Tensor accessors', () => {
  test('item, get, toArray, toTypedArray, toString', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t.rank).toBe(2);
    expect(t.size).toBe(6);
    expect(t.get(1, 2)).toBe(6);
    expect(() => t.get(2, 0)).toThrow(/index 2 out of range for axis 0 of \[2, 3\]/);
    expect(() => t.get(0)).toThrow(/expected 2 indices/);
    expect(() => t.item()).toThrow(/has 6 elements, not 1/);
    expect(tensor(7).item()).toBe(7);
    expect(tensor(7).toArray()).toBe(7);
    expect(t.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    const copy = t.toTypedArray();
    copy[0] = 99;
    expect(t.data[0]).toBe(1);
    expect(String(t)).toBe('Tensor([2, 3], float32, reference)');
  });

  test('Tensor.empty validates shapes and dtypes', () => {
    expect(() => Tensor.empty([2, -1])).toThrow(/empty: invalid shape \[2, -1\]/);
    expect(() => Tensor.empty([1.5])).toThrow(ShapeError);
    const fake = { ...createReferenceBackend(), name: 'f32-only', dtypes: ['float32'] as const };
    expect(() => Tensor.empty([2], 'float64', fake)).toThrow(/backend 'f32-only' does not support float64/);
  });
});
