import { describe, it } from 'vitest';
import { itAgreesAcrossBackends } from '../testing/backends.js';
import { expectGradients } from '../testing/gradients.js';
import { residualBlock } from '../testing/networks.js';
import { Sequential } from './sequential.js';

/** The app's residual block (testing/networks.ts): conv-BN-ReLU-conv-BN plus the shortcut, then ReLU, in-place ReLUs. */
const block = (nIn: number, nOut: number, stride: number): Sequential => residualBlock(nIn, nOut, stride);

describe('a residual block', () => {
  it('has gradients that match numerical ones, with and without downsampling', () => {
    expectGradients(() => block(2, 2, 1), [2, 2, 4, 4]);
    expectGradients(() => block(2, 4, 2), [2, 2, 4, 4]);
  });

  it('has gradients that match numerical ones in evaluation mode (saliency maps need them)', () => {
    expectGradients(() => block(2, 4, 2).evaluate(), [2, 2, 4, 4]);
  });

  it('has gradients that match numerical ones when two blocks are chained', () => {
    expectGradients(() => new Sequential(block(2, 2, 1), block(2, 4, 2)), [2, 2, 4, 4]);
  });
});

itAgreesAcrossBackends('residual block', () => new Sequential(block(3, 3, 1), block(3, 6, 2)), [4, 3, 8, 8]);
