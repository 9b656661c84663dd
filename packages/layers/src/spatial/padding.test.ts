import { arange, type Tensor, tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { Padding } from './padding.js';

describe('Padding', () => {
  it('adds zero channels after the data on the ResNet shortcut: Padding(1, 2, 3) on [N, C, H, W]', () => {
    withBackend(
      'reference',
      () => {
        const x = arange(8).reshape([2, 1, 2, 2]);
        const y = new Padding(1, 2, 3).forward(x) as Tensor;
        expect(y.shape).toEqual([2, 3, 2, 2]);
        expect(y.toArray()).toEqual([
          [
            [
              [0, 1],
              [2, 3],
            ],
            [
              [0, 0],
              [0, 0],
            ],
            [
              [0, 0],
              [0, 0],
            ],
          ],
          [
            [
              [4, 5],
              [6, 7],
            ],
            [
              [0, 0],
              [0, 0],
            ],
            [
              [0, 0],
              [0, 0],
            ],
          ],
        ]);
      },
      'float64',
    );
  });

  it('pads before the data when pad < 0, with the given value', () => {
    withBackend(
      'reference',
      () => {
        const y = new Padding(1, -2, 1, 9).forward(
          tensor([
            [1, 2],
            [3, 4],
          ]),
        ) as Tensor;
        expect(y.toArray()).toEqual([
          [9, 9, 1, 2],
          [9, 9, 3, 4],
        ]);
      },
      'float64',
    );
  });

  it('counts dim from 1 inside a sample, as Torch: the same module pads C of [C, H, W] and of [N, C, H, W]', () => {
    const p = new Padding(1, 3, 3);
    expect((p.forward(zeros([2, 4, 4])) as Tensor).shape).toEqual([5, 4, 4]);
    expect((p.forward(zeros([7, 2, 4, 4])) as Tensor).shape).toEqual([7, 5, 4, 4]);
    expect(new Padding(2, 1).axis(3)).toBe(1); // without nInputDim: no batch shift
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new Padding(1, 2, 3), [2, 2, 3, 3]);
    expectGradients(() => new Padding(3, -1, 3, 0.5), [2, 2, 3, 3]);
  });

  it('rejects a dim beyond the input and a bad rank', () => {
    expect(() => new Padding(0, 1)).toThrow('dim counts from 1 as in Torch, got 0');
    expect(() => new Padding(3, 1).forward(zeros([2, 2]))).toThrow(
      "Padding (root): dim 3 is axis 2, beyond the input's rank 2, expected rank > 2, received [2, 2]",
    );
    expect(() => new Padding(1, 1, 3).forward(zeros([2, 2]))).toThrow('expected rank 3 or 4, received [2, 2]');
  });
});

itAgreesAcrossBackends('Padding', () => new Padding(1, 3, 3), [2, 3, 4, 4]);
