import { type Tensor, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { View } from './view.js';

const shapeAfter = (v: View, s: number[]) => (v.forward(zeros(s)) as Tensor).shape;

describe('View', () => {
  it('views with the given sizes, inferring one −1', () => {
    expect(shapeAfter(new View(-1, 64), [8, 64, 1, 1])).toEqual([8, 64]);
    expect(shapeAfter(new View(3, 4), [2, 6])).toEqual([3, 4]);
  });

  it('folds leading dimensions into a batch after setNumInputDims', () => {
    expect(shapeAfter(new View(64).setNumInputDims(3), [8, 64, 1, 1])).toEqual([8, 64]);
    expect(shapeAfter(new View(64).setNumInputDims(3), [64, 1, 1])).toEqual([64]);
    expect(shapeAfter(new View(-1).setNumInputDims(2), [5, 3, 4])).toEqual([5, 12]);
    expect(shapeAfter(new View(2, -1).setNumInputDims(1), [3, 2, 6])).toEqual([6, 2, 3]);
  });

  it('is a view: no copy', () => {
    const x = zeros([2, 6]);
    expect((new View(12).forward(x) as Tensor).sharesStorageWith(x)).toBe(true);
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new View(-1, 3), [2, 2, 3]);
  });

  it('rejects sizes that do not fit', () => {
    expect(() => new View(5).forward(zeros([2, 3]))).toThrow(
      'View (root): cannot view 6 elements as (5), expected a multiple of 5 elements, received [2, 3]',
    );
    expect(() => new View(-1, -1)).toThrow('at most one -1');
  });
});

itAgreesAcrossBackends('View', () => new View(-1, 12), [2, 3, 2, 2]);
