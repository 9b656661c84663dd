import { Rng } from '@funt/tensor';
import { LogSoftMax } from '../activations/log-softmax.js';
import { ReLU } from '../activations/relu.js';
import { CAddTable } from '../containers/cadd-table.js';
import { ConcatTable } from '../containers/concat-table.js';
import { Identity } from '../containers/identity.js';
import { Sequential } from '../containers/sequential.js';
import { Dropout } from '../dense/dropout.js';
import { Linear } from '../dense/linear.js';
import { View } from '../dense/view.js';
import type { Module } from '../module/module.js';
import { Padding } from '../spatial/padding.js';
import { SpatialAveragePooling } from '../spatial/spatial-average-pooling.js';
import { SpatialBatchNormalization } from '../spatial/spatial-batch-normalization.js';
import { SpatialConvolution } from '../spatial/spatial-convolution.js';
import { SpatialMaxPooling } from '../spatial/spatial-max-pooling.js';

/**
 * The ResNet block as the app builds it (He et al. 2015, CIFAR variant): conv-BN-ReLU-conv-BN
 * plus the shortcut, then ReLU (in place by default, with CAddTable's aliased gradients). The
 * downsampling shortcut is "option A": 2×2 average pooling, then zero channels.
 */
export function residualBlock(nIn: number, nOut: number, stride: number, inPlace = true): Sequential {
  const body = new Sequential(
    new SpatialConvolution(nIn, nOut, 3, 3, stride, stride, 1, 1).noBias(),
    new SpatialBatchNormalization(nOut),
    new ReLU(inPlace),
    new SpatialConvolution(nOut, nOut, 3, 3, 1, 1, 1, 1).noBias(),
    new SpatialBatchNormalization(nOut),
  );
  const shortcut: Module =
    stride === 1
      ? new Identity()
      : new Sequential(new SpatialAveragePooling(2, 2, 2, 2), new Padding(1, nOut - nIn, 3));
  return new Sequential(new ConcatTable(body, shortcut), new CAddTable(), new ReLU(inPlace));
}

/** A small residual network with every kind of layer the ResNet uses, plus max pooling and dropout. */
export function residualNet(logSoftMax: boolean): Sequential {
  const net = new Sequential(
    new SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1),
    new SpatialBatchNormalization(4),
    new ReLU(true),
    residualBlock(4, 4, 1),
    residualBlock(4, 8, 2),
    new SpatialMaxPooling(2, 2),
    new SpatialAveragePooling(2, 2),
    new View(-1, 8),
    new Dropout(0.2, new Rng(1)),
    new Linear(8, 5),
  );
  if (logSoftMax) net.add(new LogSoftMax());
  return net;
}

/** conv-bn-relu, then blocks whose first branch starts with a batch norm, then a classifier. */
export function smallNet(): Sequential {
  const block = () =>
    new Sequential(
      new ConcatTable(
        new Sequential(new SpatialBatchNormalization(4), new SpatialConvolution(4, 4, 3, 3, 1, 1, 1, 1)),
        new Identity(),
      ),
      new CAddTable(),
      new ReLU(true),
    );
  return new Sequential(
    new SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1),
    new SpatialBatchNormalization(4),
    new ReLU(true),
    block(),
    new Sequential(block().get(0), new CAddTable()),
    new SpatialAveragePooling(4, 4),
    new View(-1, 4),
    new Linear(4, 3),
  );
}
