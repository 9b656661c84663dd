/*
 * GraphBuilder: collects nodes, weights (initializers) and typed values while a model is
 * walked, and hands out unique names, so converters only say "this op, these inputs".
 */
import {
  type AttributeProto,
  DataType,
  type Dim,
  type GraphProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';

/** A tensor flowing through the graph under construction: its ONNX name and known shape. */
export interface Value {
  readonly name: string;
  readonly shape: readonly Dim[];
}

/** Attribute constructors: ONNX needs the type spelled out (1.0 as FLOAT is not 1 as INT). */
export const attr = {
  /** An INT attribute. */
  int: (name: string, i: number): AttributeProto => ({ name, type: 'INT', i }),
  /** An INTS attribute (a list of integers). */
  ints: (name: string, ints: readonly number[]): AttributeProto => ({ name, type: 'INTS', ints: [...ints] }),
  /** A FLOAT attribute. */
  float: (name: string, f: number): AttributeProto => ({ name, type: 'FLOAT', f }),
  /** A FLOATS attribute (a list of floats). */
  floats: (name: string, floats: readonly number[]): AttributeProto => ({ name, type: 'FLOATS', floats: [...floats] }),
  /** A STRING attribute, stored UTF-8 encoded. */
  string: (name: string, s: string): AttributeProto => ({ name, type: 'STRING', s: new TextEncoder().encode(s) }),
};

/** Float weights always go out as little-endian float32 raw bytes, whatever the host order. */
function float32Bytes(data: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  return bytes;
}

function int64Bytes(values: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    if (!Number.isSafeInteger(v)) throw new Error(`@funt/onnx: int64 constant ${v} is not an integer`);
    view.setBigInt64(i * 8, BigInt(v), true);
  });
  return bytes;
}

function sanitize(name: string): string {
  return name.replace(/[^A-Za-z0-9_.:/-]/g, '_') || 'value';
}

/**
 * Collects nodes, weights (initializers) and typed values while a model is walked, and hands out
 * unique names, so converters only say "this op, these inputs". Every value is float32 unless a
 * node says otherwise.
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly valueInfo: ValueInfoProto[] = [];
  private readonly used = new Set<string>();

  constructor(readonly graphName: string) {}

  /** `base`, or `base_1`, `base_2`... : ONNX value and node names must be unique in a graph. */
  uniqueName(base: string): string {
    const clean = sanitize(base);
    let name = clean;
    for (let k = 1; this.used.has(name); k++) name = `${clean}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Declares a float32 graph input (under a unique name derived from `name`) and returns its value. */
  addInput(name: string, shape: readonly Dim[]): Value {
    const value = { name: this.uniqueName(name), shape: [...shape] };
    this.inputs.push({ name: value.name, elemType: DataType.FLOAT, shape: value.shape });
    return value;
  }

  /** Declares `value` a float32 graph output, under its current name. */
  addOutput(value: Value): void {
    this.outputs.push({ name: value.name, elemType: DataType.FLOAT, shape: [...value.shape] });
  }

  /** Stores a float tensor (a weight or buffer) in the model; returns its value name. */
  addWeight(name: string, data: ArrayLike<number>, dims: readonly number[]): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new Error(
        `@funt/onnx: weight '${name}' has ${data.length} values but shape [${dims.join(', ')}] needs ${size}`,
      );
    }
    const unique = this.uniqueName(name);
    this.initializers.push({ name: unique, dims: [...dims], dataType: DataType.FLOAT, rawData: float32Bytes(data) });
    return unique;
  }

  /** An int64 constant (shapes, pads, indices; a vector unless `dims` says otherwise, [] for a scalar). */
  addInt64(name: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    const unique = this.uniqueName(name);
    this.initializers.push({ name: unique, dims: [...dims], dataType: DataType.INT64, rawData: int64Bytes(values) });
    return unique;
  }

  /**
   * Appends one node. `name` names the node (usually the funt module path) and prefixes its
   * single output value; the output's shape is what the caller computed, recorded as
   * value_info so viewers and shape checks see it (with `elemType`, FLOAT unless said).
   */
  addNode(
    opType: string,
    inputs: readonly string[],
    name: string,
    shape: readonly Dim[],
    attributes: AttributeProto[] = [],
    elemType: number = DataType.FLOAT,
  ): Value {
    const nodeName = this.uniqueName(name);
    const output = { name: this.uniqueName(`${nodeName}:out`), shape: [...shape] };
    const node: NodeProto = { opType, input: [...inputs], output: [output.name], name: nodeName };
    if (attributes.length > 0) node.attribute = attributes;
    this.nodes.push(node);
    this.valueInfo.push({ name: output.name, elemType, shape: output.shape });
    return output;
  }

  /**
   * Gives a node's output value a new name (e.g. 'output' for the graph's result), updating
   * every node that reads it. The name must be free; graph inputs and weights cannot be renamed.
   */
  renameValue(value: Value, to: string): Value {
    if (value.name === to) return value;
    if (this.used.has(to)) throw new Error(`@funt/onnx: cannot rename '${value.name}' to '${to}': the name is taken`);
    const producer = this.nodes.find((n) => n.output.includes(value.name));
    if (!producer) throw new Error(`@funt/onnx: '${value.name}' is not produced by a node, so it cannot be renamed`);
    const swap = (names: string[]) => names.map((n) => (n === value.name ? to : n));
    for (const node of this.nodes) {
      node.input = swap(node.input);
      node.output = swap(node.output);
    }
    for (const info of this.valueInfo) if (info.name === value.name) info.name = to;
    this.used.add(to);
    return { name: to, shape: value.shape };
  }

  /**
   * The graph as a GraphProto: nodes in the order added, initializers, inputs, outputs and value
   * info. Throws when no output was declared.
   */
  build(): GraphProto {
    if (this.outputs.length === 0) throw new Error(`@funt/onnx: graph '${this.graphName}' has no output`);
    const outputNames = new Set(this.outputs.map((o) => o.name));
    return {
      name: this.graphName,
      node: this.nodes,
      initializer: this.initializers,
      input: this.inputs,
      output: this.outputs,
      // Graph outputs already carry their type; listing them again in value_info is redundant.
      valueInfo: this.valueInfo.filter((v) => !outputNames.has(v.name)),
    };
  }
}
