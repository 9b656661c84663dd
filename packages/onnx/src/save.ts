import type { Module } from '@funt/layers';
import { writeFileAtomic } from '@funt/tensor';
import { exportOnnx, type OnnxExportOptions } from './export.js';

/**
 * Writes the ONNX model to `path` atomically (a crash leaves any previous file intact). Node
 * only; `exportOnnx` gives the bytes on every host.
 */
export function saveOnnx(
  model: Module,
  inputShape: readonly number[],
  path: string,
  options: OnnxExportOptions = {},
): void {
  writeFileAtomic(path, [exportOnnx(model, inputShape, options)]);
}
