import { describe, expect, it } from 'vitest';
import { attr, GraphBuilder } from './graph.js';
import { runOnnx } from './onnxruntime.js';
import { decodeModel, encodeModel, type ModelProto } from './proto.js';

function model(graph: GraphBuilder): ModelProto {
  return { irVersion: 7, opsetImport: [{ domain: '', version: 13 }], producerName: 'funt-test', graph: graph.build() };
}

describe('GraphBuilder + encodeModel', () => {
  it('writes a graph that onnxruntime runs: Pad on channels, Add with a weight, Relu', async () => {
    const g = new GraphBuilder('tiny');
    const x = g.addInput('x', ['N', 1, 2, 2]);
    const pads = g.addInt64('pads', [0, 1, 0, 0, 0, 1, 0, 0]);
    const padded = g.addNode('Pad', [x.name, pads], 'pad', ['N', 3, 2, 2], [attr.string('mode', 'constant')]);
    const w = g.addWeight('bias', Float32Array.from([1, -1, 0.5]), [1, 3, 1, 1]);
    const sum = g.addNode('Add', [padded.name, w], 'add', ['N', 3, 2, 2]);
    const y = g.addNode('Relu', [sum.name], 'relu', ['N', 3, 2, 2]);
    g.addOutput(y);
    const bytes = encodeModel(model(g));

    const input = Float32Array.from([-2, -0.25, 0.5, 3]);
    const out = await runOnnx(bytes, { x: { data: input, dims: [1, 1, 2, 2] } });
    const result = out[y.name];
    expect(result.dims).toEqual([1, 3, 2, 2]);
    // channel 0 is the zero padding + 1, channel 1 is relu(x - 1), channel 2 the padding + 0.5
    expect(Array.from(result.data)).toEqual([1, 1, 1, 1, 0, 0, 0, 2, 0.5, 0.5, 0.5, 0.5]);
  });

  it('round-trips through decodeModel with names, attributes, int64 constants and symbolic dims', () => {
    const g = new GraphBuilder('rt');
    const x = g.addInput('x', ['N', 4]);
    const shape = g.addInt64('shape', [0, -1, 2]);
    const r = g.addNode('Reshape', [x.name, shape], 'reshape', ['N', 2, 2], [attr.int('allowzero', 0)]);
    g.addOutput(r);
    const decoded = decodeModel(encodeModel(model(g)));
    expect(decoded.irVersion).toBe(7);
    expect(decoded.opsetImport).toEqual([{ domain: '', version: 13 }]);
    expect(decoded.graph.input).toEqual([{ name: 'x', elemType: 1, shape: ['N', 4] }]);
    expect(decoded.graph.output[0].shape).toEqual(['N', 2, 2]);
    const node = decoded.graph.node[0];
    expect(node.opType).toBe('Reshape');
    expect(node.input).toEqual(['x', 'shape']);
    expect(node.attribute).toMatchObject([{ name: 'allowzero', type: 'INT', i: 0 }]);
    const raw = decoded.graph.initializer[0].rawData!;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    expect([0, 1, 2].map((k) => Number(view.getBigInt64(k * 8, true)))).toEqual([0, -1, 2]);
  });

  it('keeps names unique and rejects a weight whose size does not match its shape', () => {
    const g = new GraphBuilder('names');
    expect(g.uniqueName('conv')).toBe('conv');
    expect(g.uniqueName('conv')).toBe('conv_1');
    expect(g.uniqueName('a b')).toBe('a_b');
    expect(() => g.addWeight('w', new Float32Array(5), [2, 3])).toThrow(
      /weight 'w' has 5 values but shape \[2, 3\] needs 6/,
    );
  });

  it('refuses a graph with no output and bytes that are not ONNX', () => {
    expect(() => new GraphBuilder('empty').build()).toThrow(/graph 'empty' has no output/);
    expect(() => decodeModel(Uint8Array.from([0xff, 0xff, 0xff]))).toThrow(/not a valid ONNX model/);
  });
});
