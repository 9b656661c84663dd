/*
 * ExportContext: what a converter needs to turn one funt module into ONNX nodes: the graph
 * under construction, the module's path (to name its nodes and weights after its stateDict
 * entries), the shape its output had in the tracing pass, and dispatch to the converters of
 * its children.
 */
import type { Module } from '@funt/layers';
import { Tensor } from '@funt/tensor';
import { OnnxExportError } from './errors.js';
import type { GraphBuilder, Value } from './graph.js';
import type { AttributeProto, Dim } from './proto.js';

/**
 * What a converter receives and returns: the graph's counterpart of an @funt/layers `Activity`
 * (a tensor or a table of tensors), i.e. one Value or a table of Values (ConcatTable's output).
 */
export type GraphActivity = Value | Value[];

/** Emits the nodes computing `module` (in evaluation mode) on `input`; returns its output. */
export type Converter<M extends Module = Module> = (
  module: M,
  input: GraphActivity,
  ctx: ExportContext,
) => GraphActivity;

type ConverterLookup = (module: Module) => Converter | undefined;

interface BatchDim {
  /** Batch size used by the tracing pass. */
  size: number;
  /** Write the batch dimension as the symbol 'N' (any batch size) rather than `size`. */
  symbolic: boolean;
}

/**
 * What a converter needs to turn one funt module into ONNX nodes: the graph under construction,
 * the module's path (to name its nodes and weights after its stateDict entries), the shape its
 * output had in the tracing pass, and dispatch to the converters of its children.
 */
export class ExportContext {
  /** @internal exportOnnx creates the context; converters receive it. */
  constructor(
    readonly graph: GraphBuilder,
    private readonly paths: ReadonlyMap<Module, string>,
    private readonly batch: BatchDim,
    private readonly lookup: ConverterLookup,
    /** Fold each batch norm into the convolution before it (the Sequential converter does). */
    readonly foldBatchNorms = false,
  ) {}

  /** The module's path in the exported tree ('' for the root): its stateDict prefix. */
  pathOf(module: Module): string {
    return this.paths.get(module) ?? module.path;
  }

  /** An OnnxExportError naming `module` and its path in the exported tree, for a converter to throw. */
  error(module: Module, detail: string): OnnxExportError {
    return new OnnxExportError(detail, module, this.pathOf(module));
  }

  /** Converts one module; any failure inside is reported against the innermost module. */
  convert(module: Module, input: GraphActivity): GraphActivity {
    const converter = this.lookup(module);
    if (converter === undefined)
      throw this.error(module, `no ONNX mapping for ${module.typeName} (register one with registerConverter)`);
    try {
      return converter(module, input, this);
    } catch (e) {
      if (e instanceof OnnxExportError) throw e;
      throw new OnnxExportError(e instanceof Error ? e.message : String(e), module, this.pathOf(module));
    }
  }

  /** The input as one tensor; a table is an error naming the module. */
  single(module: Module, input: GraphActivity): Value {
    if (Array.isArray(input)) throw this.error(module, `expects one tensor, got a table of ${input.length}`);
    return input;
  }

  /** The input as a table of tensors. */
  table(module: Module, input: GraphActivity): Value[] {
    if (!Array.isArray(input))
      throw this.error(module, 'expects a table of tensors (e.g. from ConcatTable), got one tensor');
    return input;
  }

  /** Shape dims as written to the graph: the batch axis becomes 'N' when it is symbolic. */
  dims(shape: readonly number[]): Dim[] {
    return shape.map((d, i) => (i === 0 && this.batch.symbolic && d === this.batch.size ? 'N' : d));
  }

  /** True when `shape` (from the trace) starts with the batch axis. */
  isBatched(shape: readonly number[]): boolean {
    return shape.length > 0 && shape[0] === this.batch.size;
  }

  get symbolicBatch(): boolean {
    return this.batch.symbolic;
  }

  /** The traced output shape of a module whose output is one tensor. */
  outputShape(module: Module): number[] {
    const out = module.output;
    if (!(out instanceof Tensor)) {
      throw this.error(
        module,
        out === null
          ? 'has no output: the tracing pass did not reach it'
          : 'outputs a table where a tensor was expected',
      );
    }
    return [...out.shape];
  }

  /** Stores a parameter or buffer as an initializer named after its stateDict key. */
  weight(module: Module, name: string, tensor: Tensor): string {
    const path = this.pathOf(module);
    return this.graph.addWeight(path === '' ? name : `${path}.${name}`, tensor.data, tensor.shape);
  }

  /** A float constant that is not a stored parameter (ones for a missing scale, a pad value). */
  constant(module: Module, name: string, values: ArrayLike<number>, dims: readonly number[]): string {
    return this.graph.addWeight(`${this.prefix(module)}${name}`, values, dims);
  }

  /** An int64 constant (pads, shapes, indices): a vector unless `dims` says otherwise. */
  int64(module: Module, name: string, values: readonly number[], dims?: readonly number[]): string {
    return this.graph.addInt64(`${this.prefix(module)}${name}`, values, dims);
  }

  /**
   * Appends a node for `module`. Its output shape is the module's traced output unless given
   * (modules that emit several nodes give the shapes, and element types, of the intermediate ones).
   */
  node(
    module: Module,
    opType: string,
    inputs: readonly string[],
    attributes: AttributeProto[] = [],
    shape?: readonly Dim[],
    elemType?: number,
  ): Value {
    const dims = shape ?? this.dims(this.outputShape(module));
    return this.graph.addNode(opType, inputs, `${this.prefix(module)}${opType}`, dims, attributes, elemType);
  }

  private prefix(module: Module): string {
    const path = this.pathOf(module);
    return path === '' ? '' : `${path}/`;
  }
}
