/**
 * Image layers on [N, C, H, W]: convolutions, batch normalisation, pooling, padding and
 * up-sampling. Torch lists width before height in constructors; ONNX lists H before W, and
 * its `pads` are [all begins..., all ends...].
 */
import {
  type BatchNormalization,
  type Convolution,
  type Module,
  type Padding,
  type SpatialAveragePooling,
  SpatialBatchNormalization,
  SpatialConvolution,
  type SpatialFullConvolution,
  type SpatialMaxPooling,
  type SpatialPooling,
  SpatialReflectionPadding,
  type SpatialReplicationPadding,
  type SpatialUpSamplingNearest,
} from '@funt/layers';
import type { ExportContext, GraphActivity } from '../context.js';
import { attr, type Value } from '../graph.js';
import type { AttributeProto } from '../proto.js';

/**
 * Conv and ConvTranspose: the weight is in ONNX's layout already (Conv's [nOut, nIn, kH, kW];
 * for ConvTranspose funt, like Torch, stores [nIn, nOut, kH, kW], ONNX's layout for group 1),
 * the bias is optional in both, and the geometry attributes are the same.
 */
function convolution(
  m: Convolution,
  input: GraphActivity,
  ctx: ExportContext,
  op: string,
  attributes: AttributeProto[],
  weights: string[] = [ctx.weight(m, 'weight', m.weight), ...(m.bias ? [ctx.weight(m, 'bias', m.bias)] : [])],
): GraphActivity {
  const x = ctx.single(m, input);
  return ctx.node(
    m,
    op,
    [x.name, ...weights],
    [
      attr.ints('kernel_shape', [m.kH, m.kW]),
      attr.ints('strides', [m.dH, m.dW]),
      attr.ints('pads', [m.padH, m.padW, m.padH, m.padW]),
      ...attributes,
    ],
  );
}

const CONV_ATTRIBUTES = [attr.ints('dilations', [1, 1]), attr.int('group', 1)];

export function spatialConvolution(m: SpatialConvolution, input: GraphActivity, ctx: ExportContext): GraphActivity {
  return convolution(m, input, ctx, 'Conv', CONV_ATTRIBUTES);
}

/** Whether `export({ foldBatchNorms })` folds `norm` into `conv`: a SpatialBatchNormalization of the convolution's channels right after a SpatialConvolution. */
export function foldable(conv: Module, norm: Module | undefined): norm is SpatialBatchNormalization {
  return (
    conv.constructor === SpatialConvolution &&
    norm?.constructor === SpatialBatchNormalization &&
    (norm as SpatialBatchNormalization).nOutput === (conv as SpatialConvolution).nOutputPlane
  );
}

/**
 * A convolution and the batch norm after it as one Conv (the inference folding of
 * @funt/layers' foldBatchNorms): weight w·s and bias β + (b − μ)·s per output channel, with
 * s = γ/√(σ² + ε), computed in float64 from the parameters and running statistics and stored
 * as `<conv path>/folded_weight` and `/folded_bias` (they are not stateDict entries).
 */
export function foldedConvolution(
  conv: SpatialConvolution,
  norm: SpatialBatchNormalization,
  input: GraphActivity,
  ctx: ExportContext,
): GraphActivity {
  const o = conv.nOutputPlane;
  const w = conv.weight.data;
  const perChannel = w.length / o;
  const weight = new Float64Array(w.length);
  const bias = new Float64Array(o);
  for (let c = 0; c < o; c++) {
    const s = (norm.weight ? norm.weight.data[c] : 1) / Math.sqrt(norm.runningVar.data[c] + norm.eps);
    for (let k = c * perChannel; k < (c + 1) * perChannel; k++) weight[k] = w[k] * s;
    bias[c] =
      (norm.bias ? norm.bias.data[c] : 0) + ((conv.bias ? conv.bias.data[c] : 0) - norm.runningMean.data[c]) * s;
  }
  const names = [
    ctx.constant(conv, 'folded_weight', weight, conv.weight.shape),
    ctx.constant(conv, 'folded_bias', bias, [o]),
  ];
  return convolution(conv, input, ctx, 'Conv', CONV_ATTRIBUTES, names);
}

/** Torch's adjW/adjH extra output rows are ONNX's output_padding. */
export function spatialFullConvolution(
  m: SpatialFullConvolution,
  input: GraphActivity,
  ctx: ExportContext,
): GraphActivity {
  return convolution(m, input, ctx, 'ConvTranspose', [
    attr.ints('output_padding', [m.adjH, m.adjW]),
    attr.int('group', 1),
  ]);
}

/**
 * BatchNormalization in inference form (running statistics), for [N, C] and [N, C, H, W]
 * alike. Without affine parameters the scale is ones and the shift zeros.
 */
export function batchNormalization(m: BatchNormalization, input: GraphActivity, ctx: ExportContext): GraphActivity {
  const x = ctx.single(m, input);
  const c = m.nOutput;
  const scale = m.weight
    ? ctx.weight(m, 'weight', m.weight)
    : ctx.constant(m, 'scale', new Float32Array(c).fill(1), [c]);
  const shift = m.bias ? ctx.weight(m, 'bias', m.bias) : ctx.constant(m, 'shift', new Float32Array(c), [c]);
  const mean = ctx.weight(m, 'running_mean', m.runningMean);
  const variance = ctx.weight(m, 'running_var', m.runningVar);
  return ctx.node(
    m,
    'BatchNormalization',
    [x.name, scale, shift, mean, variance],
    [
      attr.float('epsilon', m.eps),
      attr.float('momentum', 1 - m.momentum), // ONNX's momentum weighs the old value; unused in inference
    ],
  );
}

/** H and W of an [N, C, H, W] value (only the batch axis may be symbolic). */
function spatialSize(m: SpatialPooling, ctx: ExportContext, x: Value): [number, number] {
  const [, , h, w] = x.shape;
  if (x.shape.length !== 4 || typeof h !== 'number' || typeof w !== 'number') {
    throw ctx.error(m, `expects an [N, C, H, W] input, got [${x.shape.join(', ')}]`);
  }
  return [h, w];
}

/**
 * ONNX pooling computes a ceil-mode size without Torch's rule that the last window must start
 * inside the input (or its left padding); where the two disagree we refuse, rather than
 * export a graph with a different output shape.
 */
function poolAttributes(m: SpatialPooling, ctx: ExportContext, x: Value): AttributeProto[] {
  const [h, w] = spatialSize(m, ctx, x);
  const traced = ctx.outputShape(m);
  const axes: [number, number, number, number, number][] = [
    [h, m.kH, m.dH, m.padH, traced[2]],
    [w, m.kW, m.dW, m.padW, traced[3]],
  ];
  for (const [size, k, s, p, out] of axes) {
    const span = size + 2 * p - k;
    const onnx = (m.ceilMode ? Math.ceil(span / s) : Math.floor(span / s)) + 1;
    if (onnx !== out) {
      throw ctx.error(
        m,
        `ceil mode gives ${out} outputs along an axis of ${size} where ONNX pooling gives ${onnx}; use floor mode or change the padding`,
      );
    }
  }
  return [
    attr.ints('kernel_shape', [m.kH, m.kW]),
    attr.ints('strides', [m.dH, m.dW]),
    attr.ints('pads', [m.padH, m.padW, m.padH, m.padW]),
    attr.int('ceil_mode', m.ceilMode ? 1 : 0),
  ];
}

/** A window covering the whole unpadded image is GlobalAveragePool (ResNet's last pooling). */
export function spatialAveragePooling(
  m: SpatialAveragePooling,
  input: GraphActivity,
  ctx: ExportContext,
): GraphActivity {
  const x = ctx.single(m, input);
  const [h, w] = spatialSize(m, ctx, x);
  if (m.kH === h && m.kW === w && m.padH === 0 && m.padW === 0) {
    return ctx.node(m, 'GlobalAveragePool', [x.name]);
  }
  return ctx.node(
    m,
    'AveragePool',
    [x.name],
    [...poolAttributes(m, ctx, x), attr.int('count_include_pad', m.countIncludePad ? 1 : 0)],
  );
}

export function spatialMaxPooling(m: SpatialMaxPooling, input: GraphActivity, ctx: ExportContext): GraphActivity {
  const x = ctx.single(m, input);
  return ctx.node(m, 'MaxPool', [x.name], poolAttributes(m, ctx, x));
}

/** A Pad node: `before`/`after` per axis, as ONNX's int64 pads input [begins..., ends...]. */
function padNode(
  m: Padding | SpatialReflectionPadding | SpatialReplicationPadding,
  ctx: ExportContext,
  x: string,
  before: number[],
  after: number[],
  mode: 'constant' | 'reflect' | 'edge',
  value = 0,
): GraphActivity {
  const inputs = [x, ctx.int64(m, 'pads', [...before, ...after])];
  if (mode === 'constant') inputs.push(ctx.constant(m, 'value', [value], []));
  return ctx.node(m, 'Pad', inputs, [attr.string('mode', mode)]);
}

/** Torch's Padding: one axis, zeros (or `value`) before the data for a negative pad, after it for a positive one. */
export function padding(m: Padding, input: GraphActivity, ctx: ExportContext): GraphActivity {
  const x = ctx.single(m, input);
  const rank = x.shape.length;
  const axis = m.axis(rank);
  const before = new Array<number>(rank).fill(0);
  const after = new Array<number>(rank).fill(0);
  if (m.pad < 0) before[axis] = -m.pad;
  else after[axis] = m.pad;
  return padNode(m, ctx, x.name, before, after, 'constant', m.value);
}

/** Reflection and replication padding of H and W (ONNX calls replication 'edge'). */
export function spatialPadding(
  m: SpatialReflectionPadding | SpatialReplicationPadding,
  input: GraphActivity,
  ctx: ExportContext,
): GraphActivity {
  const x = ctx.single(m, input);
  const mode = m instanceof SpatialReflectionPadding ? 'reflect' : 'edge';
  return padNode(m, ctx, x.name, [0, 0, m.padT, m.padL], [0, 0, m.padB, m.padR], mode);
}

/**
 * Nearest-neighbour up-sampling by an integer factor: Resize with 'asymmetric' coordinates and
 * 'floor' rounding maps output pixel i to input pixel floor(i / scale), i.e. scale×scale blocks.
 */
export function spatialUpSamplingNearest(
  m: SpatialUpSamplingNearest,
  input: GraphActivity,
  ctx: ExportContext,
): GraphActivity {
  const x = ctx.single(m, input);
  const scales = ctx.constant(m, 'scales', [1, 1, m.scale, m.scale], [4]);
  return ctx.node(
    m,
    'Resize',
    [x.name, '', scales],
    [
      attr.string('mode', 'nearest'),
      attr.string('coordinate_transformation_mode', 'asymmetric'),
      attr.string('nearest_mode', 'floor'),
    ],
  );
}
