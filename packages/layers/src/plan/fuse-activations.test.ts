import { normal, Rng, type Tensor, threshold, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { ReLU } from '../activations/relu.js';
import { Threshold } from '../activations/threshold.js';
import { CAddTable } from '../containers/cadd-table.js';
import { ConcatTable } from '../containers/concat-table.js';
import { Identity } from '../containers/identity.js';
import { Sequential } from '../containers/sequential.js';
import { BatchNormalization } from '../dense/batch-normalization.js';
import { Linear } from '../dense/linear.js';
import { View } from '../dense/view.js';
import { LayerError } from '../module/errors.js';
import type { Module } from '../module/module.js';
import { summary } from '../module/summary.js';
import { SpatialAveragePooling } from '../spatial/spatial-average-pooling.js';
import { SpatialBatchNormalization } from '../spatial/spatial-batch-normalization.js';
import { SpatialConvolution } from '../spatial/spatial-convolution.js';
import { wasmAvailable } from '../testing/backends.js';
import { recordState, recordStep, tensorOf } from '../testing/bits.js';
import { expectGradients } from '../testing/gradients.js';
import { residualBlock } from '../testing/networks.js';
import { fuseActivations, unfuseActivations } from './fuse-activations.js';

/** The app's residual block (testing/networks.ts), with in-place or out-of-place ReLUs. */
const block = residualBlock;

/** A small residual net: stem conv-BN-ReLU, a plain and a downsampling block, a dense BN + ReLU head. */
function net(inPlace: boolean, seed: number): Sequential {
  const m = new Sequential(
    new SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1),
    new SpatialBatchNormalization(4),
    new ReLU(inPlace),
    block(4, 4, 1, inPlace),
    block(4, 8, 2, inPlace),
    new SpatialAveragePooling(4, 4, 1, 1),
    new View(-1, 8),
    new Linear(8, 6),
    new BatchNormalization(6),
    new ReLU(inPlace),
    new Linear(6, 3),
  );
  return m.reset({ rng: new Rng(seed) });
}

const PAIRS = 6; // stem, 2 × (body BN + join), the dense head

/** Everything a training step produces: output, gradInput, every parameter gradient and buffer, as bytes. */
function step(model: Module, x: Tensor, dy: Tensor, torchApi: boolean): Map<string, Buffer> {
  model.zeroGradParameters();
  const out = new Map<string, Buffer>();
  for (let i = 0; i < 2; i++) recordStep(model, x, dy, torchApi, out, i);
  recordState(model, out);
  return out;
}

const backends = wasmAvailable ? ['wasm', 'reference'] : ['reference'];
if (!wasmAvailable)
  console.info('fuse-activations.test: the wasm backend is not registered; checking the reference backend only');

describe('fuseActivations', () => {
  for (const backend of backends) {
    for (const training of [true, false]) {
      for (const inPlace of [true, false]) {
        // updateGradInput + accGradParameters after an evaluation forward is the memory plan's
        // business (container.ts): backward() is the API there, so eval runs it only.
        for (const torchApi of training ? [false, true] : [false]) {
          const what = `${backend}, ${training ? 'training' : 'eval'}, ${inPlace ? 'in-place' : 'out-of-place'} ReLU, ${torchApi ? 'updateGradInput + accGradParameters' : 'backward'}`;
          it(`gives bit-identical outputs, gradInput, parameter gradients and buffers (${what})`, () => {
            withBackend(
              backend,
              () => {
                const rng = new Rng(3);
                const x = normal([4, 3, 8, 8], rng, 0, 1);
                const dy = normal([4, 3], rng, 0, 1);
                const plain = net(inPlace, 9);
                const fused = net(inPlace, 9);
                expect(fuseActivations(fused)).toBe(PAIRS);
                if (!training) {
                  // Running statistics that are not the initial 0 / 1.
                  plain.forward(x);
                  fused.forward(x);
                  plain.evaluate();
                  fused.evaluate();
                }
                const a = step(plain, x, dy, torchApi);
                const b = step(fused, x, dy, torchApi);
                expect([...b.keys()]).toEqual([...a.keys()]);
                for (const [k, v] of a) expect(v.equals(b.get(k)!), `${k} differs`).toBe(true);
                // The ReLUs did rectify something (else the mask would not be tested).
                expect(Array.from(tensorOf(plain.get(2).output).data).filter((v) => v === 0).length).toBeGreaterThan(
                  10,
                );
              },
              'float32',
            );
          });
        }
      }
    }
  }

  it('changes no name, printout or summary, and unfuseActivations undoes it', () => {
    withBackend('reference', () => {
      const plain = net(true, 1);
      const fused = net(true, 1);
      fuseActivations(fused);
      expect(Object.keys(fused.stateDict())).toEqual(Object.keys(plain.stateDict()));
      expect(fused.toString()).toBe(plain.toString());
      expect(summary(fused, [2, 3, 8, 8])).toBe(summary(plain, [2, 3, 8, 8]));
      expect(fuseActivations(fused), 'already fused pairs are left alone').toBe(0);
      expect(unfuseActivations(fused)).toBe(PAIRS);
      expect(unfuseActivations(fused)).toBe(0);
      const bn = fused.get(1) as SpatialBatchNormalization;
      expect(bn.reluFusion).toBeNull();
      const y = tensorOf(bn.forward(normal([2, 4, 3, 3], new Rng(2), 0, 1)));
      expect(
        Array.from(y.data).some((v) => v < 0),
        'unfused, batch norm outputs negative values again',
      ).toBe(true);
    });
  });

  it('fuses only Threshold(0, 0) right after a batch norm or CAddTable in the same Sequential', () => {
    withBackend('reference', () => {
      const m = new Sequential(
        new BatchNormalization(3),
        new Threshold(0.1, 0), // not a ReLU
        new BatchNormalization(3),
        new Identity(),
        new ReLU(), // not adjacent
        new Sequential(new BatchNormalization(3)),
        new ReLU(), // not siblings
        new Linear(3, 3),
        new ReLU(), // not a producer
        new BatchNormalization(3),
        new Threshold(0, 0, true), // fused
      );
      expect(fuseActivations(m)).toBe(1);
      expect((m.get(10) as Threshold).reluFusion?.producer).toBe(m.get(9));
    });
  });
});

describe('a fused pair called out of its pair', () => {
  it('the ReLU alone on another input computes a real ReLU, forward and backward', () => {
    withBackend('reference', () => {
      const m = new Sequential(new BatchNormalization(3), new ReLU());
      fuseActivations(m);
      m.forward(normal([4, 3], new Rng(1), 0, 1));
      const relu = m.get(1);
      const x = normal([4, 3], new Rng(2), 0, 1);
      const y = tensorOf(relu.forward(x));
      expect(Array.from(y.data)).toEqual(Array.from(threshold(x, 0, 0).data));
      const g = tensorOf(relu.backward(x, x));
      expect(Array.from(g.data)).toEqual(Array.from(x.data, (v) => (v > 0 ? v : 0)));
    });
  });

  it('a producer whose ReLU was moved away refuses to run, naming itself and the fix', () => {
    withBackend('reference', () => {
      const m = new Sequential(new BatchNormalization(3), new ReLU(), new Linear(3, 2));
      fuseActivations(m);
      m.remove(1);
      expect(() => m.forward(normal([4, 3], new Rng(1), 0, 1))).toThrow(LayerError);
      expect(() => m.forward(normal([4, 3], new Rng(1), 0, 1))).toThrow(
        /BatchNormalization at '0': is fused with the ReLU .*unfuseActivations/,
      );
      expect(unfuseActivations(m), 'the producer is still in the tree').toBe(1);
      expect(() => m.forward(normal([4, 3], new Rng(1), 0, 1))).not.toThrow();
    });
  });

  it('a module inserted between the pair is caught the same way', () => {
    withBackend('reference', () => {
      const m = new Sequential(new ConcatTable(new Identity(), new Identity()), new CAddTable(), new ReLU(true));
      fuseActivations(m);
      m.insert(new Identity(), 2);
      expect(() => m.forward(normal([2, 3], new Rng(1), 0, 1))).toThrow(/CAddTable at '1': is fused/);
    });
  });

  it('backward before a fused forward says so', () => {
    withBackend('reference', () => {
      const m = new Sequential(new BatchNormalization(3), new ReLU());
      fuseActivations(m);
      const x = normal([4, 3], new Rng(1), 0, 1);
      expect(() => m.get(0).backward(x, x)).toThrow(
        /BatchNormalization at '0': backward called before a fused forward/,
      );
    });
  });
});

describe('fused pairs pass the float64 gradient check', () => {
  const fused = (m: Sequential): Sequential => {
    expect(fuseActivations(m)).toBeGreaterThan(0);
    return m;
  };
  it('batch norm + ReLU (dense and spatial, training and eval, in place or not)', () => {
    expectGradients(() => fused(new Sequential(new Linear(3, 4), new BatchNormalization(4), new ReLU())), [5, 3]);
    expectGradients(() => fused(new Sequential(new SpatialBatchNormalization(2), new ReLU(true))), [3, 2, 3, 3]);
    expectGradients(
      () => fused(new Sequential(new SpatialBatchNormalization(2), new ReLU(true))).evaluate(),
      [3, 2, 3, 3],
    );
  });

  it('residual blocks (batch norm + ReLU and add + ReLU), training and eval', () => {
    expectGradients(() => fused(new Sequential(block(2, 2, 1, true), block(2, 4, 2, false))), [2, 2, 4, 4]);
    expectGradients(() => fused(block(2, 4, 2, true)).evaluate(), [2, 2, 4, 4]);
  });
});
