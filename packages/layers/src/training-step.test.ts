import { HeapAllocator, Rng, type Tensor, getBackend, listBackends, normal, withBackend } from '@funt/tensor';
import { describe, expect, it, vi } from 'vitest';
import { CAddTable } from './cadd-table.js';
import { ClassNLLCriterion } from './class-nll-criterion.js';
import { ConcatTable } from './concat-table.js';
import type { Criterion } from './criterion.js';
import { CrossEntropyCriterion } from './cross-entropy-criterion.js';
import { Dropout } from './dropout.js';
import { Identity } from './identity.js';
import { Linear } from './linear.js';
import { LogSoftMax } from './log-softmax.js';
import type { Module } from './module.js';
import { Padding } from './padding.js';
import { ReLU } from './relu.js';
import { Sequential } from './sequential.js';
import { SpatialAveragePooling } from './spatial-average-pooling.js';
import { SpatialBatchNormalization } from './spatial-batch-normalization.js';
import { SpatialConvolution } from './spatial-convolution.js';
import { SpatialMaxPooling } from './spatial-max-pooling.js';
import { View } from './view.js';

/** A small residual network with every kind of layer the ResNet uses, plus max pooling and dropout. */
function residualNet(logSoftMax: boolean): Sequential {
  const block = (nIn: number, nOut: number, stride: number) => {
    const body = new Sequential(
      new SpatialConvolution(nIn, nOut, 3, 3, stride, stride, 1, 1).noBias(),
      new SpatialBatchNormalization(nOut),
      new ReLU(true),
      new SpatialConvolution(nOut, nOut, 3, 3, 1, 1, 1, 1).noBias(),
      new SpatialBatchNormalization(nOut),
    );
    const shortcut = stride === 1 ? new Identity() : new Sequential(new SpatialAveragePooling(2, 2, 2, 2), new Padding(1, nOut - nIn, 3));
    return new Sequential(new ConcatTable(body, shortcut), new CAddTable(), new ReLU(true));
  };
  const net = new Sequential(
    new SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1),
    new SpatialBatchNormalization(4),
    new ReLU(true),
    block(4, 4, 1),
    block(4, 8, 2),
    new SpatialMaxPooling(2, 2),
    new SpatialAveragePooling(2, 2),
    new View(-1, 8),
    new Dropout(0.2, new Rng(1)),
    new Linear(8, 5),
  );
  if (logSoftMax) net.add(new LogSoftMax());
  return net;
}

function step(net: Module, loss: Criterion, x: Tensor, y: Int32Array): void {
  net.zeroGradParameters();
  const out = net.forward(x) as Tensor;
  loss.forward(out, y);
  net.backward(x, loss.backward(out, y));
}

function expectNoAllocationOnSecondStep(backend: string): void {
  withBackend(backend, () => {
    for (const [net, loss] of [
      [residualNet(true), new ClassNLLCriterion()],
      [residualNet(false), new CrossEntropyCriterion()],
    ] as const) {
      const x = normal([4, 3, 8, 8], new Rng(2));
      const y = Int32Array.from([0, 4, 2, 2]);
      const allocator = getBackend().allocator;
      const spy = vi.spyOn(allocator, 'allocate');
      step(net, loss, x, y);
      expect(spy).toHaveBeenCalled(); // the spy sees allocations: the first step makes the buffers
      spy.mockClear();
      const outputs = net.namedModules().map(([, m]) => m.output);
      const grads = net.namedModules().map(([, m]) => m.gradInput);

      const heap = allocator instanceof HeapAllocator ? allocator.stats() : null;
      step(net, loss, x, y);
      expect(spy).not.toHaveBeenCalled();
      if (heap && allocator instanceof HeapAllocator) {
        const after = allocator.stats();
        expect(after.blocksInUse).toBe(heap.blocksInUse);
        expect(after.memoryBytes).toBe(heap.memoryBytes);
      }
      spy.mockRestore();
      // The very same output and gradient tensors were reused.
      net.namedModules().forEach(([, m], i) => {
        expect(m.output).toBe(outputs[i]);
        expect(m.gradInput).toBe(grads[i]);
      });
      net.dispose();
      loss.dispose();
      x.dispose();
    }
  }, 'float32');
}

describe('a training step', () => {
  it('allocates no storage after the first step (reference backend)', () => {
    expectNoAllocationOnSecondStep('reference');
  });

  const wasm = listBackends().includes('wasm');
  if (!wasm) console.info('skipped "allocates no storage ... (wasm backend)": the wasm backend is not registered');
  it.skipIf(!wasm)('allocates no storage and keeps the wasm heap flat after the first step (wasm backend)', () => {
    expectNoAllocationOnSecondStep('wasm');
  });

  it('reallocates when the batch size changes, then is stable again', () => {
    withBackend('reference', () => {
      const net = residualNet(true);
      const loss = new ClassNLLCriterion();
      step(net, loss, normal([4, 3, 8, 8], new Rng(1)), Int32Array.from([0, 1, 2, 3]));
      const first = net.output;
      const small = normal([2, 3, 8, 8], new Rng(1));
      step(net, loss, small, Int32Array.from([0, 1]));
      expect(net.output).not.toBe(first);
      expect((net.output as Tensor).shape).toEqual([2, 5]);
      const second = net.output;
      step(net, loss, small, Int32Array.from([0, 1]));
      expect(net.output).toBe(second);
    }, 'float32');
  });
});
