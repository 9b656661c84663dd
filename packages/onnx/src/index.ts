/**
 * @funt/onnx: write funt models as ONNX, so they run in onnxruntime, TensorRT, OpenVINO or
 * any other ONNX consumer (a production inference server, a GPU cluster).
 */

// Export a model, and run the result in onnxruntime.

export { type NamedModule, OnnxExportError } from './errors.js';
export { exportOnnx, type OnnxExportOptions, saveOnnx, toOnnxModel } from './export.js';
export { type OnnxTensor, runOnnx } from './onnxruntime.js';

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
