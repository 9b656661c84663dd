import {
  CAddTable,
  ConcatTable,
  Linear,
  LogSoftMax,
  Padding,
  ReLU,
  Sequential,
  SpatialAveragePooling,
  SpatialBatchNormalization,
  SpatialConvolution,
  View,
} from '@funt/layers';

/** Test support: models to export (not part of the package build). */

/** A residual network in miniature: every op ResNet uses, in ResNet's arrangement. */
export function residualNet(): Sequential {
  const body = new Sequential(
    new SpatialConvolution(4, 8, 3, 3, 2, 2, 1, 1).noBias(),
    new SpatialBatchNormalization(8),
  );
  const shortcut = new Sequential(new SpatialAveragePooling(2, 2, 2, 2), new Padding(1, 4, 3, 0));
  return new Sequential(
    new SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1),
    new SpatialBatchNormalization(4),
    new ReLU(true),
    new ConcatTable(body, shortcut),
    new CAddTable(),
    new ReLU(true),
    new SpatialAveragePooling(4, 4, 1, 1),
    new View(-1, 8),
    new Linear(8, 5),
    new LogSoftMax(),
  );
}
