/** Layers on feature vectors [N, K], and reshaping between images and vectors. */
import type { Linear, MulConstant, Reshape, View } from '@funt/layers';
import type { ExportContext, GraphActivity } from '../context.js';
import { attr } from '../graph.js';

/** Gemm computes x · Wᵀ + b with W stored [out, in], as funt and Torch store it (transB). */
export function linear(m: Linear, input: GraphActivity, ctx: ExportContext): GraphActivity {
  const x = ctx.single(m, input);
  if (x.shape.length !== 2)
    throw ctx.error(m, `exports for a batch [N, ${m.inputSize}], got an input of rank ${x.shape.length}`);
  const inputs = [x.name, ctx.weight(m, 'weight', m.weight)];
  if (m.bias) inputs.push(ctx.weight(m, 'bias', m.bias));
  return ctx.node(m, 'Gemm', inputs, [
    attr.float('alpha', 1),
    attr.float('beta', 1),
    attr.int('transA', 0),
    attr.int('transB', 1),
  ]);
}

/**
 * View and Reshape keep the element order, so they are one ONNX Reshape to the traced output
 * shape, or Flatten when they turn [N, ...] into [N, rest] (ResNet's pooled features). With a
 * symbolic batch the shape's first entry is -1 (inferred), which is only right when the
 * module keeps the batch axis first; anything else needs a fixed batch size.
 */
export function reshape(m: View | Reshape, input: GraphActivity, ctx: ExportContext): GraphActivity {
  const x = ctx.single(m, input);
  const out = ctx.outputShape(m);
  const rest = x.shape.slice(1);
  const sameBatch = ctx.isBatched(out) && (x.shape[0] === 'N' || x.shape[0] === out[0]);
  if (
    out.length === 2 &&
    sameBatch &&
    rest.every((d) => typeof d === 'number') &&
    out[1] === rest.reduce<number>((a, d) => a * (d as number), 1)
  ) {
    return ctx.node(m, 'Flatten', [x.name], [attr.int('axis', 1)]);
  }
  if (ctx.symbolicBatch && !sameBatch) {
    throw ctx.error(
      m,
      `output [${out.join(', ')}] does not keep the batch axis first, so it cannot be written for any batch size; export with a fixed batchSize`,
    );
  }
  const shape = ctx.symbolicBatch ? [-1, ...out.slice(1)] : out;
  return ctx.node(m, 'Reshape', [x.name, ctx.int64(m, 'shape', shape)]);
}

export function mulConstant(m: MulConstant, input: GraphActivity, ctx: ExportContext): GraphActivity {
  const x = ctx.single(m, input);
  return ctx.node(m, 'Mul', [x.name, ctx.constant(m, 'constant', [m.constant], [])]);
}
