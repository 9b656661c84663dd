import { fromTypedArray, listBackends, Rng, withBackend } from '@funt/tensor';
import { expect, it } from 'vitest';
import { LogSoftMax } from '../activations/log-softmax.js';
import { ReLU } from '../activations/relu.js';
import { type BackendComparisonOptions, compareBackends, scaledError } from '../checking/backend-check.js';
import { checkModuleGradients, type GradCheckOptions, type GradCheckReport } from '../checking/gradcheck.js';
import { CAddTable } from '../containers/cadd-table.js';
import { ConcatTable } from '../containers/concat-table.js';
import { Identity } from '../containers/identity.js';
import { Sequential } from '../containers/sequential.js';
import type { Criterion, Target } from '../criteria/criterion.js';
import { Dropout } from '../dense/dropout.js';
import { Linear } from '../dense/linear.js';
import { View } from '../dense/view.js';
import type { Module } from '../module/module.js';
import { Padding } from '../spatial/padding.js';
import { SpatialAveragePooling } from '../spatial/spatial-average-pooling.js';
import { SpatialBatchNormalization } from '../spatial/spatial-batch-normalization.js';
import { SpatialConvolution } from '../spatial/spatial-convolution.js';
import { SpatialMaxPooling } from '../spatial/spatial-max-pooling.js';

/** Test-only helpers (excluded from the build). */

type Shapes = readonly number[] | readonly (readonly number[])[];

/** Builds the module in float64 on the reference backend and checks its backward numerically. */
export function expectGradients(build: () => Module, shape: Shapes, opts: GradCheckOptions = {}): GradCheckReport {
  const report = withBackend(
    'reference',
    () => {
      const m = build();
      try {
        return checkModuleGradients(m, shape, opts);
      } finally {
        m.dispose();
      }
    },
    'float64',
  );
  expect(report.ok, report.toString()).toBe(true);
  return report;
}

export const wasmAvailable = listBackends().includes('wasm');

/**
 * A test that the module computes the same forward, backward, parameter gradients and buffers
 * on the wasm and reference backends (float32, tolerance 1e-5 on max|a−b|/max(1, max|a|)).
 * Skipped, with a printed reason, while the wasm backend is not registered.
 */
export function itAgreesAcrossBackends(
  name: string,
  build: () => Module,
  shape: Shapes,
  opts: BackendComparisonOptions = {},
): void {
  if (!wasmAvailable) {
    console.info(
      `skipped "${name}": the wasm backend is not registered (listBackends() = [${listBackends().join(', ')}])`,
    );
  }
  it.skipIf(!wasmAvailable)(`${name} (wasm vs reference, float32)`, () => {
    const r = compareBackends(build, shape, opts);
    expect(r.ok, r.toString()).toBe(true);
  });
}

/** The same for a criterion: loss and gradInput on both backends, float32. */
export function itCriterionAgreesAcrossBackends(
  name: string,
  build: () => Criterion,
  shape: readonly number[],
  target: Target | (() => Target),
): void {
  if (!wasmAvailable) {
    console.info(
      `skipped "${name}": the wasm backend is not registered (listBackends() = [${listBackends().join(', ')}])`,
    );
  }
  it.skipIf(!wasmAvailable)(`${name} (wasm vs reference, float32)`, () => {
    const values = new Float64Array(shape.reduce((a, b) => a * b, 1));
    new Rng(1).fillNormal(values);
    const run = (backend: string) =>
      withBackend(
        backend,
        () => {
          const c = build();
          const x = fromTypedArray(values, shape);
          const t = typeof target === 'function' ? target() : target;
          const loss = c.forward(x, t);
          return { loss, grad: Float64Array.from(c.backward(x, t).data) };
        },
        'float32',
      );
    const a = run('reference');
    const b = run('wasm');
    expect(scaledError([a.loss], [b.loss])).toBeLessThan(1e-5);
    expect(scaledError(a.grad, b.grad)).toBeLessThan(1e-5);
  });
}

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
