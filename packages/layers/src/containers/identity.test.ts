import { tensor } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { Identity } from './identity.js';

describe('Identity', () => {
  it('returns its input and its gradOutput themselves (tables too)', () => {
    const i = new Identity();
    const x = tensor([1, 2]);
    const g = tensor([3, 4]);
    expect(i.forward(x)).toBe(x);
    expect(i.backward(x, g)).toBe(g);
    const table = [x, g];
    expect(i.forward(table)).toBe(table);
  });

  it('has gradients that match numerical ones', () => {
    expectGradients(() => new Identity(), [2, 3]);
  });
});

itAgreesAcrossBackends('Identity', () => new Identity(), [2, 3]);
