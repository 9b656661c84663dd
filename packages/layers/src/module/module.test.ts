import { listBackends, normal, Rng, type Tensor, tidy, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { ReLU } from '../activations/relu.js';
import { ConcatTable } from '../containers/concat-table.js';
import { Identity } from '../containers/identity.js';
import { Sequential } from '../containers/sequential.js';
import { BatchNormalization } from '../dense/batch-normalization.js';
import { Linear } from '../dense/linear.js';
import { manualSeed } from '../init/default-rng.js';
import { SpatialBatchNormalization } from '../spatial/spatial-batch-normalization.js';
import { smallNet } from '../testing/networks.js';
import { LayerError } from './errors.js';

describe('Module: parameters, buffers and state', () => {
  it('names parameters and buffers by container path, in a stable order', () => {
    const net = smallNet();
    expect(net.parameters().map((p) => p.name)).toEqual([
      '0.weight',
      '0.bias',
      '1.weight',
      '1.bias',
      '3.0.0.0.weight',
      '3.0.0.0.bias',
      '3.0.0.1.weight',
      '3.0.0.1.bias',
      '4.0.0.0.weight',
      '4.0.0.0.bias',
      '4.0.0.1.weight',
      '4.0.0.1.bias',
      '7.weight',
      '7.bias',
    ]);
    expect(net.buffers().map((b) => b.name)).toEqual([
      '1.running_mean',
      '1.running_var',
      '3.0.0.0.running_mean',
      '3.0.0.0.running_var',
      '4.0.0.0.running_mean',
      '4.0.0.0.running_var',
    ]);
    expect(net.parameters().map((p) => p.value)).toEqual(net.parameters().map((p) => p.value));
    expect(net.parameters()[0].grad.shape).toEqual([4, 3, 3, 3]);
  });

  it("lists each module's parameters then its buffers in stateDict, with live tensors", () => {
    const net = smallNet();
    const keys = Object.keys(net.stateDict());
    expect(keys.slice(0, 6)).toEqual(['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var']);
    expect(keys).toContain('4.0.0.0.running_mean');
    expect(net.stateDict()['7.weight']).toBe((net.get(7) as Linear).weight);
    // A sub-module's names are relative to it.
    expect(Object.keys(net.get(3).stateDict())[0]).toBe('0.0.0.weight');
  });

  it('loads a state dict so that two networks compute the same thing, across dtypes and backends', () => {
    const a = smallNet();
    const b = withBackend('reference', () => smallNet().reset({ rng: new Rng(99) }), 'float64');
    const x = normal([2, 3, 4, 4], new Rng(1));
    a.forward(x); // training step: running statistics move
    b.loadStateDict(a.stateDict());
    a.evaluate();
    b.evaluate();
    const ya = (a.forward(x) as Tensor).toTypedArray();
    const yb = withBackend(
      'reference',
      () => b.forward(normal([2, 3, 4, 4], new Rng(1), 0, 1, 'float64')) as Tensor,
      'float64',
    );
    expect(yb.dtype).toBe('float64');
    for (let i = 0; i < ya.length; i++) expect(yb.data[i]).toBeCloseTo(ya[i], 4);
  });

  it('says exactly which entries are missing, unexpected or mis-shaped, and copies nothing then', () => {
    const net = new Sequential(new Linear(3, 2), new SpatialBatchNormalization(2));
    const state = { ...net.stateDict() };
    const before = Float32Array.from(net.stateDict()['0.weight'].data);
    delete state['1.running_var'];
    state['2.weight'] = zeros([1]);
    state['0.weight'] = zeros([3, 2]);
    const load = () => net.loadStateDict(state);
    expect(load).toThrow(LayerError);
    expect(load).toThrow(
      "Sequential (root): loadStateDict: missing '1.running_var'; unexpected '2.weight'; '0.weight' has shape [3, 2], expected [2, 3]",
    );
    expect(Array.from(net.stateDict()['0.weight'].data)).toEqual(Array.from(before));
    // Not strict: unexpected entries are ignored (missing ones are still errors).
    const lenient = { ...net.stateDict(), extra: zeros([1]) };
    expect(() => net.loadStateDict(lenient, { strict: false })).not.toThrow();
    expect(() => net.loadStateDict(lenient)).toThrow("unexpected 'extra'");
  });

  it('zeroes every gradient', () => {
    const net = new Sequential(new Linear(2, 2), new Linear(2, 1));
    for (const p of net.parameters()) p.grad.data.fill(3);
    net.zeroGradParameters();
    expect(net.parameters().every((p) => Array.from(p.grad.data).every((v) => v === 0))).toBe(true);
  });

  it('counts parameters', () => {
    expect(new Sequential(new Linear(3, 2), new Linear(2, 1, false)).parameterCount()).toBe(3 * 2 + 2 + 2);
  });
});

describe('Module: modes, placement, lifetime', () => {
  it('switches the whole tree between training and evaluation', () => {
    const net = smallNet();
    expect(net.evaluate()).toBe(net);
    expect(net.namedModules().every(([, m]) => !m.isTraining)).toBe(true);
    net.training();
    expect(net.namedModules().every(([, m]) => m.isTraining)).toBe(true);
  });

  it('moves to another backend and dtype with to(), keeping values', () => {
    const net = new Sequential(new Linear(3, 2), new SpatialBatchNormalization(2).evaluate());
    const w = Float64Array.from((net.get(0) as Linear).weight.data);
    net.to('reference', 'float64');
    const moved = (net.get(0) as Linear).weight;
    expect(moved.dtype).toBe('float64');
    expect(moved.backend.name).toBe('reference');
    expect(Array.from(moved.data)).toEqual(Array.from(w));
    expect(net.parameters()[0].grad.dtype).toBe('float64');
    expect(net.buffers()[0].value.dtype).toBe('float64');
  });

  it.skipIf(!listBackends().includes('wasm'))('moves to wasm and computes the same there', () => {
    const build = () => new Sequential(new Linear(3, 2), new BatchNormalization(2).evaluate());
    const net = withBackend('reference', build, 'float32');
    const x = normal([4, 3], new Rng(3));
    const before = withBackend('reference', () => (net.forward(x) as Tensor).toTypedArray(), 'float32');
    net.to('wasm');
    expect(net.parameters()[0].value.backend.name).toBe('wasm');
    const after = withBackend('wasm', () => net.forward(x) as Tensor, 'float32');
    expect(after.backend.name).toBe('wasm');
    for (let i = 0; i < before.length; i++) expect(after.data[i]).toBeCloseTo(before[i], 5);
  });

  it('re-initialises reproducibly: the same seed gives the same network', () => {
    manualSeed(5);
    const a = smallNet();
    manualSeed(5);
    const b = smallNet();
    a.parameters().forEach((p, i) =>
      expect(Array.from(b.parameters()[i].value.data)).toEqual(Array.from(p.value.data)),
    );
    const c = smallNet().reset({ rng: new Rng(1) });
    const d = smallNet().reset({ rng: new Rng(1) });
    expect(Array.from(c.parameters()[0].value.data)).toEqual(Array.from(d.parameters()[0].value.data));
    expect(Array.from(c.parameters()[0].value.data)).not.toEqual(Array.from(a.parameters()[0].value.data));
  });

  it('keeps working when first run inside tidy (its buffers are not tidied away)', () => {
    const net = new Sequential(new Linear(3, 4), new ReLU(), new Linear(4, 2));
    const x = zeros([2, 3]);
    tidy(() => {
      net.forward(x);
      net.backward(x, zeros([2, 2]));
    });
    expect(() => net.backward(x, zeros([2, 2]))).not.toThrow();
    expect((net.forward(x) as Tensor).isDisposed).toBe(false);
  });

  it('frees kept buffers with clearState and keeps working', () => {
    const net = new Sequential(new Linear(3, 2), new ReLU());
    const x = zeros([1, 3]);
    const out = net.forward(x) as Tensor;
    expect(net.clearState()).toBe(net);
    expect(out.isDisposed).toBe(true);
    expect(net.output).toBe(null);
    expect(net.get(0).output).toBe(null);
    expect((net.forward(x) as Tensor).shape).toEqual([1, 2]);
  });

  it('frees everything on dispose', () => {
    const net = new Sequential(new Linear(3, 2), new ReLU());
    net.forward(zeros([1, 3]));
    const p = net.parameters()[0].value;
    const out = net.output as Tensor;
    net.dispose();
    expect(p.isDisposed).toBe(true);
    expect(out.isDisposed).toBe(true);
  });

  it('rejects a non-module child', () => {
    expect(() => new Sequential().add({} as never)).toThrow('Sequential (root): add: expected a Module');
  });
});

describe('Module: printing', () => {
  it('prints tables of branches as a tree', () => {
    const c = new ConcatTable(new Linear(2, 2), new Identity());
    expect(c.toString()).toBe('ConcatTable {\n  (0): Linear(2 -> 2)\n  (1): Identity\n}');
  });
});
