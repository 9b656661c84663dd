import { describe, it } from 'vitest';
import { CAddTable } from './cadd-table.js';
import { ConcatTable } from './concat-table.js';
import { Identity } from './identity.js';
import type { Module } from './module.js';
import { Padding } from './padding.js';
import { ReLU } from './relu.js';
import { Sequential } from './sequential.js';
import { SpatialAveragePooling } from './spatial-average-pooling.js';
import { SpatialBatchNormalization } from './spatial-batch-normalization.js';
import { SpatialConvolution } from './spatial-convolution.js';
import { expectGradients, itAgreesAcrossBackends } from './test-helpers.js';

/**
 * The ResNet block as the app builds it (He et al. 2015, CIFAR variant): conv-BN-ReLU-conv-BN
 * plus the shortcut, then ReLU, with in-place ReLUs and CAddTable's aliased gradients. The
 * downsampling shortcut is "option A": 2×2 average pooling, then zero channels.
 */
function block(nIn: number, nOut: number, stride: number): Sequential {
  const body = new Sequential(
    new SpatialConvolution(nIn, nOut, 3, 3, stride, stride, 1, 1).noBias(),
    new SpatialBatchNormalization(nOut),
    new ReLU(true),
    new SpatialConvolution(nOut, nOut, 3, 3, 1, 1, 1, 1).noBias(),
    new SpatialBatchNormalization(nOut),
  );
  const shortcut: Module = stride === 1 ? new Identity() : new Sequential(new SpatialAveragePooling(2, 2, 2, 2), new Padding(1, nOut - nIn, 3));
  return new Sequential(new ConcatTable(body, shortcut), new CAddTable(), new ReLU(true));
}

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
