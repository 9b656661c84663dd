/**
 * Containers and pass-through modules: they become graph wiring, not nodes (CAddTable's sum
 * and Parallel's slicing and joining excepted).
 */
import type {
  CAddTable,
  ConcatTable,
  Dropout,
  Identity,
  Module,
  Parallel,
  Sequential,
  SpatialConvolution,
} from '@funt/layers';
import type { ExportContext, GraphActivity } from '../context.js';
import { attr } from '../graph.js';
import { foldable, foldedConvolution } from './spatial.js';

/**
 * Children in order, each fed the previous one's output; with the `foldBatchNorms` option a
 * SpatialConvolution and the SpatialBatchNormalization after it become one Conv.
 */
export function sequential(m: Sequential, input: GraphActivity, ctx: ExportContext): GraphActivity {
  const kids = m.children();
  let flow = input;
  for (let i = 0; i < kids.length; i++) {
    const next = kids[i + 1];
    if (ctx.foldBatchNorms && foldable(kids[i], next)) {
      flow = foldedConvolution(kids[i] as SpatialConvolution, next, flow, ctx);
      i++;
    } else flow = ctx.convert(kids[i], flow);
  }
  return flow;
}

/** Every child gets the same input; the output is the table of their outputs. */
export function concatTable(m: ConcatTable, input: GraphActivity, ctx: ExportContext): GraphActivity {
  return m.children().map((child) => ctx.single(child, ctx.convert(child, input)));
}

/** Sums a table: a chain of Add nodes (ONNX Add takes two inputs). */
export function caddTable(m: CAddTable, input: GraphActivity, ctx: ExportContext): GraphActivity {
  const terms = ctx.table(m, input);
  if (terms.length === 0) throw ctx.error(m, 'cannot sum an empty table');
  return terms.slice(1).reduce((sum, term) => ctx.node(m, 'Add', [sum.name, term.name]), terms[0]);
}

/**
 * Child i gets slice i along `inputDimension` with that axis removed (Gather with a scalar
 * index drops the axis, as Torch's select does); the outputs are joined along `outputDimension`.
 */
export function parallel(m: Parallel, input: GraphActivity, ctx: ExportContext): GraphActivity {
  const x = ctx.single(m, input);
  const kids = m.children();
  const outputs = kids.map((child, i) => {
    const index = ctx.int64(m, `index${i}`, [i], []); // a rank-0 index removes the axis
    const slice = ctx.node(
      m,
      'Gather',
      [x.name, index],
      [attr.int('axis', m.inputDimension)],
      x.shape.filter((_, axis) => axis !== m.inputDimension),
    );
    return ctx.single(child, ctx.convert(child, slice));
  });
  return ctx.node(
    m,
    'Concat',
    outputs.map((o) => o.name),
    [attr.int('axis', m.outputDimension)],
  );
}

/** Identity, and Dropout (the exported graph is the evaluation-mode one, where dropout is the identity). */
export function passThrough(_m: Identity | Dropout | Module, input: GraphActivity): GraphActivity {
  return input;
}
