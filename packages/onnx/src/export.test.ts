import {
  type Activity,
  BatchNormalization,
  Dropout,
  Identity,
  Linear,
  Module,
  MulConstant,
  Padding,
  Parallel,
  ReLU,
  Reshape,
  Sequential,
  Sigmoid,
  SoftMax,
  SpatialBatchNormalization,
  SpatialConvolution,
  SpatialFullConvolution,
  SpatialMaxPooling,
  SpatialReflectionPadding,
  SpatialReplicationPadding,
  SpatialUpSamplingNearest,
  Tanh,
  Threshold,
  View,
} from '@funt/layers';
import { Rng } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { exportOnnx, toOnnxModel } from './export.js';
import { runOnnx } from './onnxruntime.js';
import { decodeModel } from './proto.js';
import { compare, randomise } from './testing/compare.js';
import { residualNet } from './testing/models.js';

/** The bar: exported models match funt's evaluation outputs within 1e-4. */
const TOLERANCE = 1e-4;

describe('exportOnnx runs in onnxruntime and matches funt', () => {
  it('a residual block: Conv, BatchNormalization, Relu, AveragePool, Pad on channels, Add, GlobalAveragePool, Flatten, Gemm, LogSoftmax', async () => {
    const net = residualNet();
    randomise(net, new Rng(1));
    const ops = toOnnxModel(net, [3, 8, 8]).graph.node.map((n) => n.opType);
    expect(ops).toEqual([
      'Conv',
      'BatchNormalization',
      'Relu',
      'Conv',
      'BatchNormalization',
      'AveragePool',
      'Pad',
      'Add',
      'Relu',
      'GlobalAveragePool',
      'Flatten',
      'Gemm',
      'LogSoftmax',
    ]);
    expect(await compare(net, [3, 8, 8], 3, 2)).toBeLessThan(TOLERANCE);
  });

  it('with foldBatchNorms, each convolution and its batch norm are one Conv with folded weights and bias', async () => {
    const net = residualNet();
    randomise(net, new Rng(1));
    const model = toOnnxModel(net, [3, 8, 8], { foldBatchNorms: true });
    expect(model.graph.node.map((n) => n.opType)).toEqual([
      'Conv',
      'Relu',
      'Conv',
      'AveragePool',
      'Pad',
      'Add',
      'Relu',
      'GlobalAveragePool',
      'Flatten',
      'Gemm',
      'LogSoftmax',
    ]);
    const names = model.graph.initializer.map((t) => t.name);
    expect(names).toContain('0/folded_weight');
    expect(names).toContain('3.0.0/folded_bias');
    expect(names.some((n) => n?.includes('running_mean'))).toBe(false);
    expect(await compare(net, [3, 8, 8], 3, 2, exportOnnx(net, [3, 8, 8], { foldBatchNorms: true }))).toBeLessThan(
      TOLERANCE,
    );
  });

  it('the other image layers: reflection/replication padding, Tanh, ceil-mode MaxPool, nearest up-sampling, ConvTranspose, Sigmoid, Threshold, MulConstant', async () => {
    const net = new Sequential(
      new SpatialReflectionPadding(1, 2, 1, 0),
      new SpatialConvolution(2, 3, 3, 3, 1, 1, 0, 1),
      new Tanh(),
      new SpatialMaxPooling(3, 3, 2, 2, 1, 1).ceil(),
      new SpatialReplicationPadding(1, 0, 2, 1),
      new SpatialUpSamplingNearest(2),
      new SpatialFullConvolution(3, 2, 3, 3, 2, 2, 1, 1, 1, 1),
      new Sigmoid(),
      new Threshold(0.55, -1),
      new MulConstant(2.5),
      new Dropout(0.3),
      new Identity(),
      new Padding(2, -2, 3, 0.25),
      new SpatialBatchNormalization(2, 1e-3, 0.1, false),
    );
    randomise(net, new Rng(3));
    expect(await compare(net, [2, 7, 6], 2, 4)).toBeLessThan(TOLERANCE);
  });

  it('vector layers: Reshape, Parallel (Gather + Concat), Linear without bias, 1-D BatchNormalization, SoftMax', async () => {
    const net = new Sequential(
      new Reshape(2, 6),
      new Parallel(1, 1).add(new Linear(6, 3)).add(new Sequential(new Linear(6, 4, false), new ReLU())),
      new BatchNormalization(7),
      new SoftMax(),
    );
    randomise(net, new Rng(5));
    expect(await compare(net, [3, 4], 4, 6)).toBeLessThan(TOLERANCE);
  });

  it('leaves the batch axis free by default (one file serves any batch size) and fixes it with batchSize', async () => {
    const net = residualNet();
    randomise(net, new Rng(7));
    const bytes = exportOnnx(net, [3, 8, 8]);
    const decoded = decodeModel(bytes);
    expect(decoded.graph.input[0]).toMatchObject({ name: 'input', shape: ['N', 3, 8, 8] });
    expect(decoded.graph.output[0]).toMatchObject({ name: 'output', shape: ['N', 5] });
    for (const batch of [1, 5]) expect(await compare(net, [3, 8, 8], batch, 8 + batch, bytes)).toBeLessThan(TOLERANCE);
    const fixed = decodeModel(exportOnnx(net, [3, 8, 8], { batchSize: 4 }));
    expect(fixed.graph.input[0].shape).toEqual([4, 3, 8, 8]);
    expect(fixed.graph.output[0].shape).toEqual([4, 5]);
  });

  it('names weights after the stateDict, records metadata, and leaves the model as it was', () => {
    const net = residualNet();
    net.training();
    const before = Object.fromEntries(Object.entries(net.stateDict()).map(([k, t]) => [k, Array.from(t.data)]));
    const model = toOnnxModel(net, [3, 8, 8], { metadata: { config: '{"n":1}' }, graphName: 'tiny' });
    const names = model.graph.initializer.map((t) => t.name);
    for (const key of Object.keys(before)) expect(names).toContain(key);
    expect(model.metadataProps).toEqual([{ key: 'config', value: '{"n":1}' }]);
    expect(model.graph.name).toBe('tiny');
    expect(model.producerName).toBe('funt');
    expect(net.namedModules().every(([, m]) => m.isTraining)).toBe(true);
    for (const [k, t] of Object.entries(net.stateDict())) expect(Array.from(t.data)).toEqual(before[k]);
  });

  it('passes an input straight through with an Identity node', async () => {
    const net = new Sequential(new Identity(), new Dropout(0.5));
    const out = await runOnnx(exportOnnx(net, [3]), { input: { data: Float32Array.from([1, 2, 3]), dims: [1, 3] } });
    expect(Array.from(out.output.data)).toEqual([1, 2, 3]);
  });
});

class Unmapped extends Module {
  override updateOutput(input: Activity): Activity {
    return input;
  }
  override updateGradInput(_input: Activity, gradOutput: Activity): Activity {
    return gradOutput;
  }
}

describe('exportOnnx errors name the module', () => {
  it('a module with no mapping, by type and path', () => {
    const net = new Sequential(new ReLU(), new Sequential(new Tanh(), new Unmapped()));
    expect(() => exportOnnx(net, [4])).toThrow("ONNX export: Unmapped at '1.1': no ONNX mapping for Unmapped");
  });

  it('a subclass of a mapped layer is not silently exported as its parent', () => {
    class MyReLU extends ReLU {}
    expect(() => exportOnnx(new Sequential(new MyReLU()), [4])).toThrow("MyReLU at '0': no ONNX mapping");
  });

  it('a ceil-mode pooling whose output size ONNX computes differently', () => {
    // Torch drops the last window when it would start in the right padding: 3 outputs where ONNX's formula gives 4.
    const net = new Sequential(new SpatialMaxPooling(2, 2, 2, 2, 1, 1).ceil());
    expect(() => exportOnnx(net, [1, 5, 5])).toThrow(
      /SpatialMaxPooling at '0': ceil mode gives 3 outputs along an axis of 5 where ONNX pooling gives 4/,
    );
  });

  it('a View that folds the batch axis away, unless the batch size is fixed', async () => {
    const net = new Sequential(new View(-1));
    expect(() => exportOnnx(net, [2, 3])).toThrow(
      /View at '0': output \[12\] does not keep the batch axis first.*fixed batchSize/,
    );
    const out = await runOnnx(exportOnnx(net, [2, 3], { batchSize: 2 }), {
      input: { data: new Float32Array(12).fill(1), dims: [2, 2, 3] },
    });
    expect(out.output.dims).toEqual([12]);
  });

  it('bad inputShape and batchSize, and a forward pass that fails on the traced shape', () => {
    const net = residualNet();
    expect(() => exportOnnx(net, [])).toThrow(/inputShape must be the shape of one example.*got \[\]/);
    expect(() => exportOnnx(net, [3, -8, 8])).toThrow(/got \[3,-8,8\]/);
    expect(() => exportOnnx(net, [3, 8, 8], { batchSize: 0 })).toThrow(/batchSize must be a positive integer, got 0/);
    expect(() => exportOnnx(net, [5, 8, 8])).toThrow(
      /tracing forward pass on zeros of shape \[2, 5, 8, 8\] failed: .*SpatialConvolution at '0'/,
    );
  });
});
