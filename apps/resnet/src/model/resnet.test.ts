import {
  CAddTable,
  ConcatTable,
  checkModuleGradients,
  defaultRng,
  Linear,
  type Module,
  manualSeed,
  ReLU,
  type Sequential,
  SpatialBatchNormalization,
  SpatialConvolution,
} from '@funt/layers';
import { Rng, tensor, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { resnetOptions as options } from '../testing/resnet.js';
import { depthOf, type ResnetOptions, resnet } from './resnet.js';

const modules = (net: Module) => net.namedModules().map(([, m]) => m);
const count = (net: Module, type: abstract new (...a: never[]) => Module) =>
  modules(net).filter((m) => m instanceof type).length;

describe('resnet structure', () => {
  it.each([1, 2, 3, 5])('has 6n+2 weighted layers and 3n residual blocks for n=%i', (n) => {
    const net = resnet(options({ n, filters: 4 }));
    // The seed's resnet(n) built 3n-3 blocks: its "ResNet-20" had 14 weighted layers.
    expect(count(net, SpatialConvolution) + count(net, Linear)).toBe(6 * n + 2);
    expect(depthOf({ n, hiddenDims: [] })).toBe(6 * n + 2);
    expect(count(net, CAddTable)).toBe(3 * n);
    expect(count(net, SpatialBatchNormalization)).toBe(6 * n + 1);
  });

  it('has a ReLU between the two convolutions of every block (missing in the seed)', () => {
    const net = resnet(options({ n: 2, filters: 4 }));
    const bodies = modules(net)
      .filter((m): m is ConcatTable => m instanceof ConcatTable)
      .map((c) => c.children()[0] as Sequential);
    expect(bodies).toHaveLength(6);
    for (const body of bodies) {
      expect(body.children().map((m) => m.typeName)).toEqual([
        'SpatialConvolution',
        'SpatialBatchNormalization',
        'ReLU',
        'SpatialConvolution',
        'SpatialBatchNormalization',
      ]);
    }
  });

  it('has 269,722 parameters as ResNet-20 on CIFAR-10 (≈0.27 M)', () => {
    // By hand, convolutions without bias (3×3), each followed by a batch norm (γ and β):
    //   conv1 3→16: 432, BN 32
    //   stage 1: 6 convs 16→16: 6·2304 = 13,824, BN 6·32 = 192
    //   stage 2: 16→32: 4608, 5 convs 32→32: 5·9216 = 46,080, BN 6·64 = 384
    //   stage 3: 32→64: 18,432, 5 convs 64→64: 5·36,864 = 184,320, BN 6·128 = 768
    //   linear 64→10: 640 + 10 = 650; option-A shortcuts have no parameters.
    //   432+32 + 13,824+192 + 4608+46,080+384 + 18,432+184,320+768 + 650 = 269,722
    const net = resnet(options());
    expect(net.parameterCount()).toBe(269_722);
    // The plain network of the same depth has exactly the same parameters.
    expect(resnet(options({ skip: false })).parameterCount()).toBe(269_722);
  });

  it.each([
    [[3, 32, 32], 10],
    [[1, 32, 32], 10],
    [[3, 64, 64], 200],
  ] as [
    [number, number, number],
    number,
  ][])('maps a batch of %j images to log-probabilities over %i classes', (inputShape, classes) => {
    const net = resnet(options({ n: 1, filters: 4, inputShape, classes }));
    net.evaluate();
    const y = net.forward(zeros([2, ...inputShape])) as ReturnType<typeof zeros>;
    expect(y.shape).toEqual([2, classes]);
    // LogSoftMax: the probabilities of each row sum to 1.
    for (let i = 0; i < 2; i++) {
      let s = 0;
      for (let k = 0; k < classes; k++) s += Math.exp(y.get(i, k));
      expect(s).toBeCloseTo(1, 5);
    }
  });

  it('adds hidden affine + ReLU layers before the classifier', () => {
    const net = resnet(options({ n: 1, filters: 4, hiddenDims: [32, 16] }));
    const tail = net.children().slice(-7);
    expect(tail.map((m) => m.typeName)).toEqual(['View', 'Linear', 'ReLU', 'Linear', 'ReLU', 'Linear', 'LogSoftMax']);
    expect(tail.filter((m): m is Linear => m instanceof Linear).map((l) => [l.inputSize, l.outputSize])).toEqual([
      [16, 32],
      [32, 16],
      [16, 10],
    ]);
    expect(count(net, Linear)).toBe(3);
    expect(depthOf({ n: 1, hiddenDims: [32, 16] })).toBe(10);
  });

  it('gives the same network for the same seed and a different one for another', () => {
    const w = (seed: number) =>
      Array.from(resnet(options({ n: 1, filters: 4, rng: new Rng(seed) })).parameters()[0].value.data);
    expect(w(3)).toEqual(w(3));
    expect(w(3)).not.toEqual(w(4));
  });

  it('draws every initial value from its seed: draws from the layers generator in between change nothing', () => {
    // Every parameter and batch-norm statistic, batch-norm scales included.
    const state = (net: Module) => Object.entries(net.stateDict()).map(([k, t]) => [k, Array.from(t.data)]);
    const build = () => resnet(options({ n: 1, filters: 4, hiddenDims: [5], rng: new Rng(3) }));
    manualSeed(1);
    const first = state(build());
    // What another run of the same process (an experiment's earlier run) would have drawn.
    defaultRng().fillUniform(new Float32Array(1000), 0, 1);
    new SpatialBatchNormalization(7);
    const second = state(build());
    manualSeed(2);
    const third = state(build());
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    const gammas = modules(build())
      .filter((m): m is SpatialBatchNormalization => m instanceof SpatialBatchNormalization)
      .map((m) => Array.from(m.weight!.data));
    // Torch's γ: uniform in [0, 1), different for every layer.
    expect(gammas.flat().every((g) => g >= 0 && g < 1)).toBe(true);
    expect(new Set(gammas.map((g) => g.join())).size).toBe(gammas.length);
  });

  it('initialises convolutions with Kaiming normal weights (std √(2/fanIn))', () => {
    const net = resnet(options({ n: 1, filters: 64 }));
    const conv = modules(net).filter((m): m is SpatialConvolution => m instanceof SpatialConvolution)[2]; // 64→64, fanIn 576
    const d = conv.weight.data;
    let s = 0;
    for (const v of d) s += v * v;
    expect(Math.sqrt(s / d.length)).toBeCloseTo(Math.sqrt(2 / 576), 2);
    expect(conv.bias).toBeNull();
  });

  it.each([
    ['an odd size', { inputShape: [1, 30, 30] }, /multiples of 4 .* got 30x30/],
    ['n = 0', { n: 0 }, /n must be an integer >= 1, got 0/],
    ['one class', { classes: 1 }, /classes must be an integer >= 2, got 1/],
    ['a 2-D input shape', { inputShape: [32, 32] }, /inputShape must be \[C, H, W\], got \[32,32\]/],
  ] as [string, Partial<ResnetOptions>, RegExp][])('refuses %s with a message naming the option', (_, bad, message) => {
    expect(() => resnet(options(bad))).toThrow(message);
  });
});

describe('resnet gradients', () => {
  // The seed's convolution read the wrong pixels when strided and had a wrong input gradient
  // for batches > 1; a whole-network check in float64 with a batch of 3 catches both.
  it.each([true, false])('match numerical gradients in float64 (skip: %s)', (skip) => {
    withBackend(
      'reference',
      () => {
        const net = resnet(options({ n: 1, filters: 2, inputShape: [1, 8, 8], classes: 3, skip, rng: new Rng(5) }));
        const report = checkModuleGradients(net, [3, 1, 8, 8], { tolerance: 1e-5 });
        expect(report.ok, report.toString()).toBe(true);
      },
      'float64',
    );
  });
});

describe('fused activations', () => {
  it('fuses every ReLU after a batch norm or residual addition by default, and none with fuse: false', () => {
    const relus = (net: Module) => modules(net).filter((m): m is ReLU => m instanceof ReLU);
    const fused = relus(resnet(options({ n: 2, filters: 4, hiddenDims: [8] })));
    // stem + 2 per block; the ReLU after the hidden Linear is not fused.
    expect(fused.filter((r) => r.reluFusion !== null)).toHaveLength(1 + 2 * 6);
    expect(fused.filter((r) => r.reluFusion === null)).toHaveLength(1);
    expect(relus(resnet(options({ n: 2, filters: 4 }), { fuse: false })).every((r) => r.reluFusion === null)).toBe(
      true,
    );
  });

  it('gives the same bits as the unfused network (training step and evaluation, wasm)', () => {
    withBackend('wasm', () => {
      const build = (fuse: boolean) =>
        resnet(options({ n: 1, filters: 4, inputShape: [3, 8, 8], classes: 3, rng: new Rng(2) }), { fuse });
      const x = tensor(
        Array.from({ length: 4 * 3 * 8 * 8 }, (_, i) => Math.sin(i * 0.7)),
        [4, 3, 8, 8],
      );
      const dy = tensor(
        Array.from({ length: 4 * 3 }, (_, i) => Math.cos(i)),
        [4, 3],
      );
      const run = (net: Module) => {
        const y = Array.from((net.forward(x) as typeof x).data);
        const g = Array.from((net.backward(x, dy) as typeof x).data);
        const grads = net.parameters().map((p) => Array.from(p.grad.data));
        net.evaluate();
        const e = Array.from((net.forward(x) as typeof x).data);
        return { y, g, grads, e };
      };
      expect(run(build(true))).toEqual(run(build(false)));
    });
  });
});

describe('batch norms folded for inference', () => {
  it('folds every batch norm into its convolution, and every residual join, by default; none with fold: false', () => {
    const norms = (net: Module) =>
      modules(net).filter((m): m is SpatialBatchNormalization => m instanceof SpatialBatchNormalization);
    const joins = (net: Module) => modules(net).filter((m): m is ConcatTable => m instanceof ConcatTable);
    const folded = resnet(options({ n: 2, filters: 4 }));
    expect(norms(folded).every((m) => m.batchNormFold !== null)).toBe(true);
    expect(norms(folded)).toHaveLength(1 + 2 * 6);
    expect(joins(folded).every((m) => m.residualFold !== null)).toBe(true);
    const plain = resnet(options({ n: 2, filters: 4 }), { fold: false });
    expect(norms(plain).every((m) => m.batchNormFold === null)).toBe(true);
  });

  it('trains bit for bit as the unfolded network and evaluates to float32 round-off of it (wasm)', () => {
    withBackend('wasm', () => {
      const build = (fold: boolean) =>
        resnet(options({ n: 1, filters: 8, inputShape: [3, 8, 8], classes: 3, rng: new Rng(2) }), { fold });
      const x = tensor(
        Array.from({ length: 4 * 3 * 8 * 8 }, (_, i) => Math.sin(i * 0.7)),
        [4, 3, 8, 8],
      );
      const dy = tensor(
        Array.from({ length: 4 * 3 }, (_, i) => Math.cos(i)),
        [4, 3],
      );
      const run = (net: Sequential) => {
        const y = Array.from((net.forward(x) as typeof x).data);
        const g = Array.from((net.backward(x, dy) as typeof x).data);
        const grads = net.parameters().map((p) => Array.from(p.grad.data));
        net.evaluate();
        const e = Array.from((net.forward(x) as typeof x).data);
        return { training: { y, g, grads }, e, folded: net.get(1).output === net.get(0).output };
      };
      const folded = run(build(true));
      const plain = run(build(false));
      expect(folded.training).toEqual(plain.training);
      expect([folded.folded, plain.folded]).toEqual([true, false]);
      const err = Math.max(...folded.e.map((v, i) => Math.abs(v - plain.e[i])));
      expect(err).toBeLessThan(1e-5 * Math.max(1, ...plain.e.map(Math.abs)));
    });
  });
});

describe('option-A shortcut', () => {
  it('averages 2×2 blocks and appends zero channels', () => {
    const net = resnet(options({ n: 1, filters: 1, inputShape: [1, 4, 4], classes: 2 }));
    // Block of stage 2: ConcatTable(body, shortcut) → CAddTable → ReLU.
    const block = net.children()[4] as Sequential;
    const shortcut = (block.children()[0] as ConcatTable).children()[1];
    const x = tensor([
      [
        [
          [1, 2, 3, 4],
          [5, 6, 7, 8],
          [9, 10, 11, 12],
          [13, 14, 15, 16],
        ],
      ],
    ]);
    const y = shortcut.forward(x) as ReturnType<typeof tensor>;
    expect(y.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(y.data)).toEqual([3.5, 5.5, 11.5, 13.5, 0, 0, 0, 0]);
    expect(block.children().at(-1)).toBeInstanceOf(ReLU);
  });
});
