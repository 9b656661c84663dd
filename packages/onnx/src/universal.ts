/**
 * Everything in @funt/onnx that runs on every host, exported by both entry points (index.ts for
 * Node, browser.ts for browsers): export a model to ONNX bytes, write converters, encode and
 * decode the messages.
 */

// Export a model, and run the result in onnxruntime.

export { type NamedModule, OnnxExportError } from './errors.js';
export { exportOnnx, type OnnxExportOptions, toOnnxModel } from './export.js';

// Write a converter for a custom module.

export { type Converter, ExportContext, type GraphActivity } from './context.js';
export { attr, GraphBuilder, type Value } from './graph.js';
export { type ModuleClass, registerConverter } from './registry.js';

// The ONNX messages and their binary form.

export {
  type AttributeProto,
  type AttributeTypeName,
  DataType,
  type Dim,
  decodeModel,
  encodeModel,
  type GraphProto,
  type ModelProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from './proto.js';
