/** Element-wise activations and the (log-)softmax over the last axis. */
import type { LogSoftMax, Module, SoftMax, Threshold } from '@funt/layers';
import type { ExportContext, GraphActivity } from '../context.js';
import { attr } from '../graph.js';
import { DataType } from '../proto.js';

/** One ONNX op of the same meaning: ReLU → Relu, Tanh → Tanh, Sigmoid → Sigmoid. */
export function elementwise(opType: string) {
  return (m: Module, input: GraphActivity, ctx: ExportContext): GraphActivity =>
    ctx.node(m, opType, [ctx.single(m, input).name]);
}

/** y = x > th ? x : value, as Where(Greater(x, th), x, value). */
export function threshold(m: Threshold, input: GraphActivity, ctx: ExportContext): GraphActivity {
  const x = ctx.single(m, input);
  const th = ctx.constant(m, 'threshold', [m.threshold], []);
  const above = ctx.node(m, 'Greater', [x.name, th], [], x.shape, DataType.BOOL);
  return ctx.node(m, 'Where', [above.name, x.name, ctx.constant(m, 'value', [m.value], [])]);
}

/** Softmax and LogSoftmax over the last axis (opset 13 semantics: that axis alone). */
export function softmax(opType: 'Softmax' | 'LogSoftmax') {
  return (m: SoftMax | LogSoftMax, input: GraphActivity, ctx: ExportContext): GraphActivity =>
    ctx.node(m, opType, [ctx.single(m, input).name], [attr.int('axis', -1)]);
}
