/**
 * @funt/onnx in a browser: everything but `saveOnnx` (a file) and `runOnnx`
 * (onnxruntime-node). `exportOnnx(model, inputShape)` gives the bytes, e.g. for a download.
 */
export * from './universal.js';
