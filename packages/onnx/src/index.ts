/**
 * @funt/onnx: write funt models as ONNX, so they run in onnxruntime, TensorRT, OpenVINO or
 * any other ONNX consumer (a production inference server, a GPU cluster).
 */

export { type Converter, ExportContext, type Flow } from './context.js';
export { OnnxExportError } from './errors.js';
export { exportOnnx, IR_VERSION, type OnnxExportOptions, OPSET_VERSION, saveOnnx, toOnnxModel } from './export.js';
export { attr, GraphBuilder, type Value } from './graph.js';
export { type OnnxTensor, runOnnx } from './onnxruntime.js';
export {
  type AttributeProto,
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
export { registerConverter, supportedModules } from './registry.js';
