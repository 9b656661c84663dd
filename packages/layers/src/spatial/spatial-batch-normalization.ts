import { BatchNormalization } from '../dense/batch-normalization.js';

/**
 * Batch normalisation of [N, C, H, W] per channel over N, H and W (Torch's
 * `nn.SpatialBatchNormalization(nFeature, eps = 1e-5, momentum = 0.1, affine = true)`).
 */
export class SpatialBatchNormalization extends BatchNormalization {
  static override readonly typeName: string = 'SpatialBatchNormalization';
  protected override readonly nDim: number = 4;
}
