/**
 * The ONNX protobuf messages as plain TypeScript objects, and their binary encoding.
 *
 * protobufjs parses the schema's .proto text (onnx-proto.ts: our subset of the official schema,
 * same field numbers) on first use, so there is no generated code to keep in sync: that text is
 * the single source of truth. Field names are protobufjs' camelCase forms of the schema's snake_case.
 */
import protobuf from 'protobufjs';
import { ONNX_PROTO } from './onnx-proto.js';

/** TensorProto.DataType values the exporter uses. */
export const DataType = { FLOAT: 1, INT32: 6, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;
/** The type of an attribute's value, as ONNX's AttributeProto.AttributeType names it. */
export type AttributeTypeName = 'FLOAT' | 'INT' | 'STRING' | 'TENSOR' | 'FLOATS' | 'INTS' | 'STRINGS';

/**
 * A constant tensor (an initializer or an attribute value): its dims, element type (`DataType`),
 * and elements either as `rawData` or in the typed field that matches the type.
 */
export interface TensorProto {
  name?: string;
  dims: number[];
  dataType: number;
  /** Little-endian element bytes. */
  rawData?: Uint8Array;
  floatData?: number[];
  int64Data?: number[];
  int32Data?: number[];
  doubleData?: number[];
  docString?: string;
}

/**
 * A named attribute of a node; the field that holds the value follows `type` (f, i, s, t, floats, ints, strings).
 */
export interface AttributeProto {
  name: string;
  type: AttributeTypeName;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorProto;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
}

/**
 * One operator call: `opType` (in `domain`, default the ONNX one) from named input values to named output values.
 */
export interface NodeProto {
  input: string[];
  output: string[];
  name?: string;
  opType: string;
  domain?: string;
  attribute?: AttributeProto[];
  docString?: string;
}

/** A dimension is a fixed size or a symbolic name (e.g. 'N' for a free batch size). */
export type Dim = number | string;

/** The element type (`DataType`) and shape of a named value: a graph input, output, or intermediate. */
export interface ValueInfoProto {
  name: string;
  elemType: number;
  shape: Dim[];
  docString?: string;
}

/**
 * A computation graph: nodes in topological order, the initializers (weights), and the typed inputs and outputs.
 */
export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo?: ValueInfoProto[];
  docString?: string;
}

/** A whole ONNX model: the graph, the IR version and operator sets it is written against, and metadata. */
export interface ModelProto {
  irVersion: number;
  opsetImport: { domain?: string; version: number }[];
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  graph: GraphProto;
  metadataProps?: { key: string; value: string }[];
}

let modelType: protobuf.Type | undefined;

function getModelType(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_PROTO).root.lookupType('onnx.ModelProto');
  return modelType;
}

// ValueInfoProto nests its type three messages deep (TypeProto.Tensor.TensorShapeProto); our
// flat form keeps call sites short, and these two functions convert at the boundary.
function valueInfoToWire(v: ValueInfoProto): object {
  return {
    name: v.name,
    docString: v.docString,
    type: {
      tensorType: {
        elemType: v.elemType,
        shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

interface WireValueInfo {
  name?: string;
  docString?: string;
  type?: { tensorType?: { elemType?: number; shape?: { dim?: { dimValue?: number; dimParam?: string }[] } } };
}

function valueInfoFromWire(v: WireValueInfo): ValueInfoProto {
  const tensorType = v.type?.tensorType;
  const out: ValueInfoProto = {
    name: v.name ?? '',
    elemType: tensorType?.elemType ?? 0,
    shape: (tensorType?.shape?.dim ?? []).map((d) => d.dimParam ?? d.dimValue ?? 0),
  };
  if (v.docString) out.docString = v.docString;
  return out;
}

function graphToWire(g: GraphProto): object {
  return {
    ...g,
    input: g.input.map(valueInfoToWire),
    output: g.output.map(valueInfoToWire),
    valueInfo: (g.valueInfo ?? []).map(valueInfoToWire),
  };
}

/** Serialises a model to the ONNX binary format; schema violations throw before encoding. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = getModelType();
  const wire = { ...model, graph: graphToWire(model.graph) };
  // fromObject turns enum names and nested plain objects into messages; verify then checks
  // the result (it expects enum numbers, so it runs after the conversion).
  const message = type.fromObject(wire);
  const problem = type.verify(message);
  if (problem) throw new Error(`@funt/onnx: the ModelProto does not match onnx.proto: ${problem}`);
  const bytes = type.encode(message).finish();
  // On Node protobufjs returns a Buffer (possibly a slice of its pool): hand out a plain
  // Uint8Array view of exactly the message.
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Parses ONNX bytes back into the plain form (int64 as numbers, enums as names). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = getModelType();
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (e) {
    throw new Error(`@funt/onnx: not a valid ONNX model (${(e as Error).message})`);
  }
  const obj = type.toObject(message, { longs: Number, enums: String, arrays: true, defaults: false }) as {
    graph?: { input: WireValueInfo[]; output: WireValueInfo[]; valueInfo: WireValueInfo[] } & Omit<
      GraphProto,
      'input' | 'output' | 'valueInfo'
    >;
  } & Omit<ModelProto, 'graph'>;
  if (!obj.graph) throw new Error('@funt/onnx: the ONNX model has no graph');
  return {
    ...obj,
    graph: {
      ...obj.graph,
      input: obj.graph.input.map(valueInfoFromWire),
      output: obj.graph.output.map(valueInfoFromWire),
      valueInfo: obj.graph.valueInfo.map(valueInfoFromWire),
    },
  };
}
