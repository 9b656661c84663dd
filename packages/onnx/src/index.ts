/**
 * @funt/onnx: write funt models as ONNX, so they run in onnxruntime, TensorRT, OpenVINO or
 * any other ONNX consumer (a production inference server, a GPU cluster).
 */
export { exportOnnx, saveOnnx, toOnnxModel, OPSET_VERSION, IR_VERSION, type OnnxExportOptions } from './export.js';
export { registerConverter, supportedModules } from './registry.js';
export { ExportContext, type Converter, type Flow } from './context.js';
export { GraphBuilder, attr, type Value } from './graph.js';
export { OnnxExportError } from './errors.js';
export { runOnnx, type OnnxTensor } from './onnxruntime.js';
export {
  encodeModel, decodeModel, DataType, type ModelProto, type GraphProto, type NodeProto, type TensorProto,
  type AttributeProto, type ValueInfoProto, type Dim,
} from './proto.js';
