/** Anything an OnnxExportError can name: an @funt/layers module, or any object with its `typeName`. */
export interface NamedModule {
  readonly typeName: string;
}

/**
 * Thrown when a model cannot be written as ONNX: a module with no mapping, or a module
 * configuration ONNX cannot express. The message names the module by type and path in the
 * exported tree, e.g. `SpatialUpSamplingNearest at '3.1': ...`.
 */
export class OnnxExportError extends Error {
  /** The module's path in the exported tree ('' for the root), or null when no module is concerned. */
  readonly path: string | null;
  readonly module: string | null;

  constructor(detail: string, module?: NamedModule, path?: string) {
    const where =
      module === undefined
        ? ''
        : path === '' || path === undefined
          ? `${module.typeName} (root): `
          : `${module.typeName} at '${path}': `;
    super(`ONNX export: ${where}${detail}`);
    this.name = 'OnnxExportError';
    this.path = module === undefined ? null : (path ?? '');
    this.module = module?.typeName ?? null;
  }
}
