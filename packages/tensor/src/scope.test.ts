import { beforeAll, describe, expect, test } from 'vitest';
import { tensor } from './creation.js';
import { add } from './ops/elementwise.js';
import { keep, tidy } from './scope.js';
import type { Tensor } from './tensor.js';
import { useReference } from './testing/reference.js';

beforeAll(() => useReference('float32'));

describe('tidy', () => {
  test('disposes intermediates and keeps the returned tensor', () => {
    let a!: Tensor;
    let b!: Tensor;
    const result = tidy(() => {
      a = tensor([1, 2]);
      b = add(a, 1);
      return add(b, 1);
    });
    expect(a.isDisposed).toBe(true);
    expect(b.isDisposed).toBe(true);
    expect(Array.from(result.data)).toEqual([3, 4]);
  });

  test('keeps tensors inside returned arrays and plain objects, and those passed to keep()', () => {
    let kept!: Tensor;
    let dropped!: Tensor;
    const out = tidy(() => {
      kept = keep(tensor([1]));
      dropped = tensor([2]);
      return { pair: [tensor([3]), tensor([4])], single: tensor([5]) };
    });
    expect(kept.isDisposed).toBe(false);
    expect(dropped.isDisposed).toBe(true);
    expect(out.pair.every((t) => !t.isDisposed)).toBe(true);
    expect(out.single.isDisposed).toBe(false);
  });

  test('does not touch tensors created outside it', () => {
    const outside = tensor([1, 2]);
    tidy(() => add(outside, outside).dispose());
    expect(outside.isDisposed).toBe(false);
  });

  test('nested: survivors of the inner scope belong to the outer one', () => {
    let inner!: Tensor;
    const outer = tidy(() => {
      inner = tidy(() => tensor([1]));
      expect(inner.isDisposed).toBe(false);
      return tensor([2]);
    });
    expect(inner.isDisposed).toBe(true); // not returned by the outer scope
    expect(outer.isDisposed).toBe(false);
  });

  test('a returned view keeps its storage alive after its base is disposed', () => {
    const view = tidy(() => tensor([1, 2, 3, 4]).reshape([2, 2]));
    expect(view.toArray()).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  test('disposes the scope’s tensors when fn throws, and rethrows', () => {
    let a!: Tensor;
    expect(() =>
      tidy(() => {
        a = tensor([1]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(a.isDisposed).toBe(true);
    // The scope stack is unwound: tensors made afterwards are not tracked by the failed scope.
    const later = tensor([2]);
    expect(later.isDisposed).toBe(false);
  });
});
