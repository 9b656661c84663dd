import { fill, normal, Rng, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { ReLU } from '../activations/relu.js';
import { CAddTable } from '../containers/cadd-table.js';
import { ConcatTable } from '../containers/concat-table.js';
import { Identity } from '../containers/identity.js';
import { Sequential } from '../containers/sequential.js';
import { Linear } from '../dense/linear.js';
import { View } from '../dense/view.js';
import type { Module } from '../module/module.js';
import { summary } from '../module/summary.js';
import { SpatialAveragePooling } from '../spatial/spatial-average-pooling.js';
import { SpatialBatchNormalization } from '../spatial/spatial-batch-normalization.js';
import { SpatialConvolution } from '../spatial/spatial-convolution.js';
import { wasmAvailable } from '../testing/backends.js';
import { bits, tensorOf } from '../testing/bits.js';
import { expectGradients } from '../testing/gradients.js';
import { residualBlock } from '../testing/networks.js';
import { foldBatchNorms, unfoldBatchNorms } from './fold-batch-norms.js';
import { fuseActivations } from './fuse-activations.js';

/** A small ResNet: stem conv-BN-ReLU (conv with a bias), a plain and a downsampling block, a classifier. */
function net(seed: number, fuse: boolean, inPlace = true): Sequential {
  const m = new Sequential(
    new SpatialConvolution(3, 8, 3, 3, 1, 1, 1, 1),
    new SpatialBatchNormalization(8),
    new ReLU(inPlace),
    residualBlock(8, 8, 1, inPlace),
    residualBlock(8, 16, 2, inPlace),
    new SpatialAveragePooling(4, 4, 1, 1),
    new View(-1, 16),
    new Linear(16, 5),
  );
  m.reset({ rng: new Rng(seed) });
  if (fuse) fuseActivations(m);
  return m;
}

/** Batch norms: the stem's and two per block. */
const NORMS = 5;

/** Trains a few steps so that the running statistics and the batch-norm biases are not their initial values. */
function warmUp(model: Module, seed: number): void {
  const rng = new Rng(seed);
  for (const [, m] of model.namedModules())
    if (m instanceof SpatialBatchNormalization && m.bias) rng.fillNormal(m.bias.data, 0, 0.3);
  model.training();
  for (let i = 0; i < 3; i++) model.forward(normal([4, 3, 8, 8], rng, 0.5, 1.5));
}

/** max|a − b| / max(1, max|a|): float32 round-off is about 1e-7 of that scale. */
function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return worst / scale;
}

const backends = wasmAvailable ? ['wasm', 'reference'] : ['reference'];
if (!wasmAvailable)
  console.info('fold-batch-norms.test: the wasm backend is not registered; checking the reference backend only');

describe('foldBatchNorms', () => {
  for (const backend of backends) {
    for (const fuse of [true, false]) {
      for (const inPlace of [true, false]) {
        const what = `${backend}, ${fuse ? 'fused' : 'unfused'} ReLUs, ${inPlace ? 'in place' : 'out of place'}`;
        it(`an evaluation pass agrees with the unfolded model to float32 round-off (${what})`, () => {
          withBackend(
            backend,
            () => {
              const plain = net(4, fuse, inPlace);
              const folded = net(4, fuse, inPlace);
              expect(foldBatchNorms(folded)).toBe(NORMS);
              warmUp(plain, 5);
              warmUp(folded, 5);
              plain.evaluate();
              folded.evaluate();
              const x = normal([3, 3, 8, 8], new Rng(6), 0.5, 1.5);
              for (let pass = 0; pass < 2; pass++) {
                const a = Float64Array.from(tensorOf(plain.forward(x)).data);
                const b = Float64Array.from(tensorOf(folded.forward(x)).data);
                expect(scaledError(a, b), `pass ${pass}`).toBeLessThan(1e-5);
                expect(scaledError(a, b), 'the folded model computes differently (not the same bits)').toBeGreaterThan(
                  0,
                );
              }
              // It did fold: each batch norm passed its convolution's output through.
              const stem = folded.get(0);
              expect(folded.get(1).output).toBe(stem.output);
              expect(plain.get(1).output).not.toBe(plain.get(0).output);
              // Parameters changed after the first pass are folded in at the next.
              const bn = folded.get(1) as SpatialBatchNormalization;
              fill(bn.runningMean, 0.25);
              fill((plain.get(1) as SpatialBatchNormalization).runningMean, 0.25);
              const a = Float64Array.from(tensorOf(plain.forward(x)).data);
              const b = Float64Array.from(tensorOf(folded.forward(x)).data);
              expect(scaledError(a, b)).toBeLessThan(1e-5);
            },
            'float32',
          );
        });
      }
    }

    it(`leaves training, and the evaluation pass a backward follows, bit for bit as they were (${backend})`, () => {
      withBackend(
        backend,
        () => {
          const plain = net(7, true);
          const folded = net(7, true);
          foldBatchNorms(folded);
          const rng = new Rng(8);
          const x = normal([4, 3, 8, 8], rng, 0, 1);
          const dy = normal([4, 5], rng, 0, 1);
          const record = (m: Module, training: boolean) => {
            if (training) m.training();
            else m.evaluate();
            m.zeroGradParameters();
            const out = [bits(tensorOf(m.forward(x))), bits(tensorOf(m.backward(x, dy)))];
            for (const p of m.parameters()) out.push(bits(p.grad));
            for (const b of m.buffers()) out.push(bits(b.value));
            return out.map((b) => Buffer.from(b));
          };
          for (const training of [true, true, false, true]) {
            const a = record(plain, training);
            const b = record(folded, training);
            a.forEach((v, i) => expect(v.equals(b[i]), `${training ? 'training' : 'eval'} entry ${i}`).toBe(true));
          }
        },
        'float32',
      );
    });
  }

  it('folds only in a planned model pass: not with planMemory(false), not in a block called alone', () => {
    withBackend('reference', () => {
      const folded = net(1, true);
      foldBatchNorms(folded);
      warmUp(folded, 2);
      folded.evaluate();
      const x = normal([2, 3, 8, 8], new Rng(3), 0, 1);
      folded.planMemory(false);
      folded.forward(x);
      expect(folded.get(1).output).not.toBe(folded.get(0).output);
      folded.planMemory(true);
      folded.forward(x);
      expect(folded.get(1).output).toBe(folded.get(0).output);
      const block = folded.get(3) as Sequential;
      const y = tensorOf(block.forward(tensorOf(folded.get(2).output)));
      expect(y.shape).toEqual([2, 8, 8, 8]);
      const body = (block.get(0) as ConcatTable).get(0) as Sequential;
      expect(body.get(4).output, 'the block alone: batch norm computed').not.toBe(body.get(3).output);
    });
  });

  it('changes no name, printout or summary; unfoldBatchNorms undoes it; a second fold finds nothing new', () => {
    withBackend('reference', () => {
      const plain = net(1, true);
      const folded = net(1, true);
      expect(foldBatchNorms(folded)).toBe(NORMS);
      expect(foldBatchNorms(folded)).toBe(0);
      expect(Object.keys(folded.stateDict())).toEqual(Object.keys(plain.stateDict()));
      expect(folded.toString()).toBe(plain.toString());
      expect(summary(folded, [2, 3, 8, 8])).toBe(summary(plain, [2, 3, 8, 8]));
      const join = (folded.get(3) as Sequential).get(0) as ConcatTable;
      expect(join.residualFold?.bodyIndex).toBe(0);
      expect(unfoldBatchNorms(folded)).toBe(NORMS);
      expect(join.residualFold).toBeNull();
      expect((folded.get(0) as SpatialConvolution).batchNormFold).toBeNull();
      expect(unfoldBatchNorms(folded)).toBe(0);
    });
  });

  it('folds a batch norm only right after a convolution of as many channels in the same Sequential', () => {
    withBackend('reference', () => {
      const m = new Sequential(
        new SpatialConvolution(2, 3, 1, 1),
        new SpatialBatchNormalization(3), // folded
        new SpatialConvolution(3, 3, 1, 1),
        new Identity(),
        new SpatialBatchNormalization(3), // not adjacent
        new Sequential(new SpatialConvolution(3, 3, 1, 1)),
        new SpatialBatchNormalization(3), // not siblings
      );
      expect(foldBatchNorms(m)).toBe(1);
      expect((m.get(1) as SpatialBatchNormalization).batchNormFold?.conv).toBe(m.get(0));
    });
  });

  it('a folded pair whose batch norm moved, or a join that changed shape, refuses to run, naming the fix', () => {
    withBackend('reference', () => {
      const m = net(2, true);
      foldBatchNorms(m);
      m.evaluate();
      m.insert(new Identity(), 1);
      expect(() => m.forward(normal([2, 3, 8, 8], new Rng(1), 0, 1))).toThrow(
        /SpatialConvolution at '0': is folded with the SpatialBatchNormalization .*unfoldBatchNorms/,
      );
      const n = net(2, true);
      foldBatchNorms(n);
      n.evaluate();
      const block = n.get(3) as Sequential;
      block.insert(new Identity(), 1);
      expect(() => n.forward(normal([2, 3, 8, 8], new Rng(1), 0, 1))).toThrow(
        /ConcatTable at '3.0': no longer has the shape foldBatchNorms folded/,
      );
    });
  });

  it('shares no more memory in an evaluation pass than the unfolded plan', () => {
    withBackend('reference', () => {
      const plain = net(3, true).evaluate();
      const folded = net(3, true).evaluate();
      foldBatchNorms(folded);
      const x = normal([4, 3, 8, 8], new Rng(1), 0, 1);
      plain.forward(x);
      folded.forward(x);
      const a = plain.memoryPlan('eval')!.stats();
      const b = folded.memoryPlan('eval')!.stats();
      expect(b.bytes).toBeLessThanOrEqual(a.bytes);
    });
  });

  it('a join with a ReLU of its own in the body keeps the CAddTable (no residual in the epilogue)', () => {
    withBackend('reference', () => {
      const body = new Sequential(new SpatialConvolution(2, 2, 3, 3, 1, 1, 1, 1), new SpatialBatchNormalization(2));
      const m = new Sequential(new ConcatTable(body, new Identity()), new CAddTable(), new ReLU(true));
      foldBatchNorms(m);
      // Fusing a ReLU into the body's batch norm afterwards: relu(BN) + x cannot be an epilogue.
      body.add(new ReLU());
      fuseActivations(m);
      const plain = new Sequential(
        new ConcatTable(
          new Sequential(new SpatialConvolution(2, 2, 3, 3, 1, 1, 1, 1), new SpatialBatchNormalization(2), new ReLU()),
          new Identity(),
        ),
        new CAddTable(),
        new ReLU(true),
      );
      plain.loadStateDict(m.stateDict());
      m.evaluate();
      plain.evaluate();
      const x = normal([2, 2, 4, 4], new Rng(4), 0, 1);
      const a = Float64Array.from(tensorOf(plain.forward(x)).data);
      const b = Float64Array.from(tensorOf(m.forward(x)).data);
      expect(scaledError(a, b)).toBeLessThan(1e-5);
      expect(m.get(1).output, 'the CAddTable added').not.toBe(body.get(0).output);
      expect(body.get(1).output, 'the batch norm folded').toBe(body.get(0).output);
    });
  });

  it('a folded model passes the float64 gradient check in training and in evaluation', () => {
    const folded = (m: Sequential): Sequential => {
      expect(foldBatchNorms(m)).toBeGreaterThan(0);
      return m;
    };
    expectGradients(
      () => folded(new Sequential(residualBlock(2, 2, 1, true), residualBlock(2, 4, 2, false))),
      [2, 2, 4, 4],
    );
    expectGradients(() => folded(residualBlock(2, 4, 2, true)).evaluate(), [2, 2, 4, 4]);
  });
});
