import { normal, Rng, type Tensor, withBackend } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { ReLU } from '../activations/relu.js';
import { CAddTable } from '../containers/cadd-table.js';
import { ConcatTable } from '../containers/concat-table.js';
import { Identity } from '../containers/identity.js';
import { Sequential } from '../containers/sequential.js';
import { Linear } from '../dense/linear.js';
import { View } from '../dense/view.js';
import type { Module } from '../module/module.js';
import { SpatialAveragePooling } from '../spatial/spatial-average-pooling.js';
import { SpatialBatchNormalization } from '../spatial/spatial-batch-normalization.js';
import { SpatialConvolution } from '../spatial/spatial-convolution.js';
import { wasmAvailable } from '../testing/backends.js';
import { bits, recordState, recordStep, tensorOf } from '../testing/bits.js';
import { residualBlock } from '../testing/networks.js';
import { foldBatchNorms } from './fold-batch-norms.js';
import { fuseActivations } from './fuse-activations.js';
import { fuseResidualJoins, unfuseResidualJoins } from './fuse-residual-joins.js';

/** A small ResNet: stem conv-BN-ReLU, a plain and a downsampling block, a classifier. */
function net(seed: number, inPlace: boolean): Sequential {
  const m = new Sequential(
    new SpatialConvolution(3, 4, 3, 3, 1, 1, 1, 1),
    new SpatialBatchNormalization(4),
    new ReLU(inPlace),
    residualBlock(4, 4, 1, inPlace),
    residualBlock(4, 8, 2, inPlace),
    new SpatialAveragePooling(4, 4, 1, 1),
    new View(-1, 8),
    new Linear(8, 3),
  );
  return m.reset({ rng: new Rng(seed) });
}

const JOINS = 2;

/** Three training steps' outputs and gradInputs, then every parameter gradient and buffer, as bytes. */
function train(model: Module, x: Tensor, dy: Tensor, torchApi: boolean): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  model.training();
  for (let i = 0; i < 3; i++) {
    model.zeroGradParameters();
    recordStep(model, x, dy, torchApi, out, i);
    for (const p of model.parameters()) p.value.data.forEach((v, k) => (p.value.data[k] = v - 0.01 * p.grad.data[k]));
  }
  recordState(model, out);
  model.evaluate();
  out.set('evaluation', Buffer.from(bits(tensorOf(model.forward(x)))));
  return out;
}

const backends = wasmAvailable ? ['wasm', 'reference'] : ['reference'];
if (!wasmAvailable)
  console.info('fuse-residual-joins.test: the wasm backend is not registered; checking the reference backend only');

describe('fuseResidualJoins', () => {
  for (const backend of backends) {
    for (const [withRelu, inPlace, torchApi] of [
      [true, true, false],
      [true, false, true],
      [false, true, false],
    ] as const) {
      const what = `${backend}, ${withRelu ? 'with fuseActivations' : 'ReLU unfused'}, ${inPlace ? 'in-place' : 'out-of-place'} ReLU, ${torchApi ? 'updateGradInput + accGradParameters' : 'backward'}`;
      it(`trains bit for bit as the unfused model, folded evaluation after it (${what})`, () => {
        withBackend(
          backend,
          () => {
            const rng = new Rng(5);
            const x = normal([4, 3, 8, 8], rng, 0, 1);
            const dy = normal([4, 3], rng, 0, 1);
            const plain = net(7, inPlace);
            const fused = net(7, inPlace);
            for (const m of [plain, fused]) {
              if (withRelu) fuseActivations(m);
              foldBatchNorms(m);
            }
            expect(fuseResidualJoins(fused)).toBe(JOINS);
            const a = train(plain, x, dy, torchApi);
            const b = train(fused, x, dy, torchApi);
            expect([...b.keys()]).toEqual([...a.keys()]);
            for (const [k, v] of a) expect(v.equals(b.get(k)!), `${k} differs`).toBe(true);
            // The join did compute in the batch norm: its output is the block's (rectified) output.
            fused.training();
            fused.forward(x);
            const block = fused.get(3) as Sequential;
            const norm = ((block.get(0) as ConcatTable).get(0) as Sequential).get(4);
            expect(norm.output).toBe(block.get(1).output);
          },
          'float32',
        );
      });
    }
  }

  it('leaves a body called on its own as written, and the CAddTable adds what it is given', () => {
    withBackend(wasmAvailable ? 'wasm' : 'reference', () => {
      const block = residualBlock(4, 4, 1, false);
      block.reset({ rng: new Rng(2) });
      fuseActivations(block);
      expect(fuseResidualJoins(block)).toBe(1);
      block.training();
      const x = normal([2, 4, 6, 6], new Rng(3), 0, 1);
      block.forward(x);
      const branches = block.get(0) as ConcatTable;
      const body = branches.get(0) as Sequential;
      const y = tensorOf(body.forward(x));
      const plain = residualBlock(4, 4, 1, false);
      plain.reset({ rng: new Rng(2) });
      plain.training();
      plain.forward(x);
      const plainBody = (plain.get(0) as ConcatTable).get(0) as Sequential;
      expect(bits(y).equals(bits(tensorOf(plainBody.forward(x))))).toBe(true);
      // Given the body's plain output and the input, the join adds (and rectifies) them itself.
      const sum = tensorOf((block.get(1) as CAddTable).forward([y, x]));
      expect(sum).not.toBe(y);
      for (let i = 0; i < sum.size; i++) expect(sum.data[i]).toBe(Math.max(0, Math.fround(y.data[i] + x.data[i])));
    });
  });

  it('shares memory as planned: the fused model plans and runs without a broken plan', () => {
    withBackend(wasmAvailable ? 'wasm' : 'reference', () => {
      const m = net(1, true);
      fuseActivations(m);
      fuseResidualJoins(m);
      m.training();
      const x = normal([2, 3, 8, 8], new Rng(4), 0, 1);
      for (let i = 0; i < 2; i++) {
        m.forward(x);
        m.backward(x, normal([2, 3], new Rng(i), 0, 1));
      }
      const plan = m.memoryPlan('train');
      expect(plan).toBeDefined();
      expect(plan!.broken).toBe(false);
      expect(plan!.stats().shared).toBeGreaterThan(0);
    });
  });

  it('a join whose shape changed refuses to run, naming the fix; unfusing restores the plain model', () => {
    withBackend(wasmAvailable ? 'wasm' : 'reference', () => {
      const m = net(2, true);
      fuseActivations(m);
      expect(fuseResidualJoins(m)).toBe(JOINS);
      expect(fuseResidualJoins(m)).toBe(0);
      m.training();
      const x = normal([2, 3, 8, 8], new Rng(1), 0, 1);
      m.forward(x);
      const body = (((m.get(3) as Sequential).get(0) as ConcatTable).get(0) as Sequential).add(new Identity());
      expect(() => m.forward(x)).toThrow(
        /ConcatTable at '3.0': no longer has the shape fuseResidualJoins fused .*call unfuseResidualJoins\(model\)/,
      );
      body.remove(5);
      expect(unfuseResidualJoins(m)).toBe(JOINS);
      expect(unfuseResidualJoins(m)).toBe(0);
      m.forward(x);
    });
  });

  it('skips joins whose body does not end in a batch norm', () => {
    const body = new Sequential(new SpatialConvolution(2, 2, 3, 3, 1, 1, 1, 1));
    const m = new Sequential(new ConcatTable(body, new Identity()), new CAddTable());
    expect(fuseResidualJoins(m)).toBe(0);
  });
});
