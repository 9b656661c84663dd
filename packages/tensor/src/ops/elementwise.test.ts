import { beforeAll, describe, expect, test } from 'vitest';
import { createReferenceBackend } from '../backends/reference/index.js';
import { tensor, zeros } from '../creation.js';
import { getBackend, registerBackend, withBackend } from '../engine.js';
import { ShapeError } from '../errors.js';
import { HeapAllocator } from '../memory.js';
import { useReference } from '../testing/reference.js';
import { WebAssemblyApi } from '../webassembly-api.js';
import { add, broadcastShape, clone, exp, mul, relu, sub } from './elementwise.js';

beforeAll(() => useReference('float32'));

describe('broadcastShape', () => {
  test('NumPy rules: right-aligned, 1 stretches, missing leading axes are 1', () => {
    expect(broadcastShape('t', [2, 3], [3])).toEqual([2, 3]);
    expect(broadcastShape('t', [4, 1, 3], [5, 1])).toEqual([4, 5, 3]);
    expect(broadcastShape('t', [], [2, 2])).toEqual([2, 2]);
    expect(broadcastShape('t', [1], [0])).toEqual([0]);
    expect(() => broadcastShape('t', [2, 3], [2])).toThrow(ShapeError);
  });
});

describe('elementwise ops front-end', () => {
  test('allocates on the active backend in the inputs’ dtype, or writes into out', () => {
    const a = tensor([1, 2, 3], [3], 'float64');
    const y = add(a, 1);
    expect(y.backend).toBe(getBackend());
    expect(y.dtype).toBe('float64');
    const out = zeros([2, 3], 'float64');
    expect(mul(a, tensor([[1], [2]], undefined, 'float64'), out)).toBe(out);
    expect(out.toArray()).toEqual([
      [1, 2, 3],
      [2, 4, 6],
    ]);
  });

  test('two numbers make a scalar tensor in the default dtype', () => {
    const y = sub(5, 3);
    expect(y.shape).toEqual([]);
    expect(y.item()).toBe(2);
    expect(y.dtype).toBe('float32');
  });

  test('unary ops keep shape and dtype; in place returns the same tensor', () => {
    const x = tensor([[-1, 2]]);
    expect(relu(x).toArray()).toEqual([[0, 2]]);
    expect(relu(x, x)).toBe(x);
    expect(exp(tensor([0])).item()).toBe(1);
  });

  test('inputs that live on another backend (WebAssembly memory) work with the active kernels', () => {
    const memory = new WebAssemblyApi.Memory({ initial: 1, maximum: 1024, shared: true });
    registerBackend('reference-heap', () => ({
      ...createReferenceBackend(),
      name: 'reference-heap',
      allocator: new HeapAllocator(memory, 64),
    }));
    const foreign = withBackend('reference-heap', () => tensor([1, 2, 3]));
    expect(foreign.ptr).toBeGreaterThanOrEqual(64);
    const y = add(foreign, tensor([10, 20, 30]));
    expect(y.backend.name).toBe('reference');
    expect(Array.from(y.data)).toEqual([11, 22, 33]);
    const c = clone(foreign);
    expect(c.backend.name).toBe('reference');
    expect(c.ptr).toBe(-1);
    expect(Array.from(c.data)).toEqual([1, 2, 3]);
  });
});
