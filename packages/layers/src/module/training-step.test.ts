import { getBackend, HeapAllocator, listBackends, normal, Rng, type Tensor, withBackend } from '@funt/tensor';
import { describe, expect, it, vi } from 'vitest';
import { ClassNLLCriterion } from '../criteria/class-nll-criterion.js';
import type { Criterion } from '../criteria/criterion.js';
import { CrossEntropyCriterion } from '../criteria/cross-entropy-criterion.js';
import { residualNet } from '../testing/networks.js';
import type { Module } from './module.js';

/**
 * One training step, the parameters updated in place at the end as an optimiser does (plain
 * SGD here): the next step sees new weights, as in training. (With unchanged weights the wasm
 * backend keeps their Winograd transform from the second call on, by design: that is the
 * evaluation case.)
 */
function step(net: Module, loss: Criterion, x: Tensor, y: Int32Array): void {
  net.zeroGradParameters();
  const out = net.forward(x) as Tensor;
  loss.forward(out, y);
  net.backward(x, loss.backward(out, y));
  for (const p of net.parameters()) {
    const w = p.value.data;
    const g = p.grad.data;
    for (let i = 0; i < w.length; i++) w[i] -= 0.01 * g[i];
  }
}

function expectNoAllocationOnSecondStep(backend: string): void {
  withBackend(
    backend,
    () => {
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
    },
    'float32',
  );
}

function expectNoAllocationOnSecondEvaluation(backend: string): void {
  withBackend(
    backend,
    () => {
      const net = residualNet(true).evaluate();
      const x = normal([4, 3, 8, 8], new Rng(3));
      const spy = vi.spyOn(getBackend().allocator, 'allocate');
      net.forward(x);
      expect(spy).toHaveBeenCalled();
      spy.mockClear();
      net.forward(x);
      // Batch norm in evaluation keeps 1/sqrt(var + eps) in its cache instead of allocating it per call.
      expect(spy).not.toHaveBeenCalled();
      spy.mockRestore();
      net.dispose();
      x.dispose();
    },
    'float32',
  );
}

describe('an evaluation pass', () => {
  it('allocates no storage after the first pass (reference backend)', () => {
    expectNoAllocationOnSecondEvaluation('reference');
  });
  const wasm = listBackends().includes('wasm');
  if (!wasm)
    console.info(
      'skipped "allocates no storage after the first pass (wasm backend)": the wasm backend is not registered',
    );
  it.skipIf(!wasm)('allocates no storage after the first pass (wasm backend)', () => {
    expectNoAllocationOnSecondEvaluation('wasm');
  });
});

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
    withBackend(
      'reference',
      () => {
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
      },
      'float32',
    );
  });
});
