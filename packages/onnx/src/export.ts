/**
 * exportOnnx / saveOnnx: a funt model (built from @funt/layers) as an ONNX model.
 *
 * Like torch.onnx.export, the model is traced: one forward pass in evaluation mode on zeros
 * gives every module's output shape; then each module's converter emits ONNX nodes for its
 * evaluation-mode computation, with the weights stored as float32 initializers named after
 * the model's stateDict keys. The graph has one input `input` [N, ...inputShape] and one
 * output `output` (or output0, output1... when the model returns a table).
 */
import type { Module } from '@funt/layers';
import { type Tensor, zeros } from '@funt/tensor';
import { ExportContext, type GraphActivity } from './context.js';
import { OnnxExportError } from './errors.js';
import { GraphBuilder, type Value } from './graph.js';
import { encodeModel, type ModelProto } from './proto.js';
import { converterFor } from './registry.js';
import { VERSION } from './version.js';

/** The operator set the converters are written against (ONNX 1.8; every current runtime reads it). */
const OPSET_VERSION = 13;
/** IR version 7 goes with opset 13. */
const IR_VERSION = 7;

/** Batch size of the tracing pass when the graph's batch axis is symbolic. */
const TRACE_BATCH = 2;

/** Options of `exportOnnx`, `toOnnxModel` and `saveOnnx`. */
export interface OnnxExportOptions {
  /** A fixed batch size for the graph; by default the batch axis is the symbol 'N' (any size). */
  batchSize?: number;
  /** Graph name (default 'funt'). */
  graphName?: string;
  /** Free text stored as the model's doc_string (default: the module tree as printed by toString()). */
  docString?: string;
  /** String key/values stored as metadata_props, e.g. the model config as JSON. */
  metadata?: Record<string, string>;
  /**
   * Fold every SpatialBatchNormalization that directly follows a SpatialConvolution (in a
   * Sequential) into it: one Conv with folded weights and bias instead of Conv +
   * BatchNormalization, as funt's own inference does (`foldBatchNorms`). Default false (every
   * module as its own node, weights named after the stateDict).
   */
  foldBatchNorms?: boolean;
}

function checkShape(inputShape: readonly number[]): void {
  if (!Array.isArray(inputShape) || inputShape.length === 0 || !inputShape.every((d) => Number.isInteger(d) && d > 0)) {
    throw new OnnxExportError(
      `inputShape must be the shape of one example without the batch axis, e.g. [3, 32, 32]; got ${JSON.stringify(inputShape)}`,
    );
  }
}

/** One evaluation-mode forward pass on zeros, so every module holds an output of the right shape. */
function trace(model: Module, shape: number[]): Tensor {
  const modules = model.namedModules();
  const modes = modules.map(([, m]) => m.isTraining);
  const x = zeros(shape, model.parameters()[0]?.value.dtype);
  try {
    model.evaluate();
    model.forward(x);
  } catch (e) {
    x.dispose();
    throw new OnnxExportError(
      `the tracing forward pass on zeros of shape [${shape.join(', ')}] failed: ${e instanceof Error ? e.message : String(e)}`,
    );
  } finally {
    modules.forEach(([, m], i) => (m.isTraining = modes[i]));
  }
  return x;
}

/** The ModelProto (before encoding): what exportOnnx writes. */
export function toOnnxModel(model: Module, inputShape: readonly number[], options: OnnxExportOptions = {}): ModelProto {
  checkShape(inputShape);
  const { batchSize } = options;
  if (batchSize !== undefined && !(Number.isInteger(batchSize) && batchSize > 0)) {
    throw new OnnxExportError(`batchSize must be a positive integer, got ${batchSize}`);
  }
  const batch = { size: batchSize ?? TRACE_BATCH, symbolic: batchSize === undefined };
  const x = trace(model, [batch.size, ...inputShape]);
  try {
    const graph = new GraphBuilder(options.graphName ?? 'funt');
    const paths = new Map(model.namedModules().map(([path, m]) => [m, path]));
    const ctx = new ExportContext(graph, paths, batch, converterFor, options.foldBatchNorms ?? false);
    const input = graph.addInput('input', ctx.dims(x.shape));
    const result: GraphActivity = ctx.convert(model, input);
    const outputs: Value[] = Array.isArray(result) ? result : [result];
    outputs.forEach((value, i) => {
      const name = outputs.length === 1 ? 'output' : `output${i}`;
      // A graph output must be produced by a node; a model that passes its input through
      // (Identity, eval-mode Dropout) still gets one.
      const produced =
        value.name === input.name ? graph.addNode('Identity', [value.name], 'Identity', value.shape) : value;
      graph.addOutput(graph.renameValue(produced, name));
    });
    const metadata = Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value: String(value) }));
    return {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET_VERSION }],
      producerName: 'funt',
      producerVersion: VERSION,
      docString: options.docString ?? model.toString(),
      graph: graph.build(),
      metadataProps: metadata,
    };
  } finally {
    x.dispose();
  }
}

/**
 * The model as ONNX bytes. Like torch.onnx.export, the model is traced: one forward pass in
 * evaluation mode on zeros gives every module's output shape; then each module's converter emits
 * ONNX nodes for its evaluation-mode computation, with the weights stored as float32 initializers
 * named after the model's stateDict keys. The graph has one input `input` [N, ...inputShape] and
 * one output `output` (or output0, output1, … when the model returns a table). Throws an
 * OnnxExportError naming the module when a module has no converter or a setting ONNX cannot express.
 *
 * @example
 * ```ts
 * const bytes = exportOnnx(model, [3, 32, 32]); // batch axis 'N': any batch size
 * const { output } = await runOnnx(bytes, { input: { data, dims: [8, 3, 32, 32] } });
 * ```
 */
export function exportOnnx(model: Module, inputShape: readonly number[], options: OnnxExportOptions = {}): Uint8Array {
  return encodeModel(toOnnxModel(model, inputShape, options));
}
