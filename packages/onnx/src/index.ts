/**
 * @funt/onnx: write funt models as ONNX, so they run in onnxruntime, TensorRT, OpenVINO or
 * any other ONNX consumer (a production inference server, a GPU cluster). This is the Node
 * entry point; browser.ts (the `browser` condition) leaves out the two Node-only functions.
 */

// Node only: write the file, and run it in onnxruntime-node.
export { type OnnxTensor, runOnnx } from './onnxruntime.js';
export { saveOnnx } from './save.js';
export * from './universal.js';
