import { type Tensor, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { Reshape } from './reshape.js';

const shapeAfter = (r: Reshape, s: number[]) => (r.forward(zeros(s)) as Tensor).shape;

describe('Reshape', () => {
  it("keeps a batch axis by Torch's rule", () => {
    expect(shapeAfter(new Reshape(64), [8, 64, 1, 1])).toEqual([8, 64]); // the ResNet head
    expect(shapeAfter(new Reshape(2, 3), [6])).toEqual([2, 3]); // exactly one sample
    expect(shapeAfter(new Reshape(2, 3), [1, 6])).toEqual([1, 2, 3]); // first axis 1: a batch of one
    expect(shapeAfter(new Reshape(6, false), [1, 6])).toEqual([6]);
    expect(shapeAfter(new Reshape(3, true), [2, 3])).toEqual([2, 3]);
    expect(() => new Reshape(2, 3, true).forward(zeros([2, 3]))).toThrow('cannot reshape 6 elements');
  });

  it('is a view: no copy in either direction', () => {
    const r = new Reshape(4);
    const x = zeros([3, 2, 2]);
    const y = r.forward(x) as Tensor;
    expect(y.sharesStorageWith(x)).toBe(true);
    expect(r.forward(x)).toBe(y); // the view is kept while the input is the same
    const g = zeros([3, 4]);
    expect((r.backward(x, g) as Tensor).sharesStorageWith(g)).toBe(true);
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new Reshape(6), [2, 2, 3]);
  });

  it('rejects sizes that do not fit', () => {
    expect(() => new Reshape(5).forward(zeros([2, 6]))).toThrow(
      'Reshape (root): cannot reshape 12 elements, expected [N, 5] (N·5 elements), received [2, 6]',
    );
    expect(() => new Reshape()).toThrow('needs one or more sizes');
  });
});

itAgreesAcrossBackends('Reshape', () => new Reshape(12), [2, 3, 2, 2]);
