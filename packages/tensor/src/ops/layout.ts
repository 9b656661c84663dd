import type { PadMode } from '../backend.js';
import { getBackend } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import { normalizeAxis, type Shape, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkLive, checkShapeArg, commonDType, output, withShapes } from './validate.js';

/** Layout ops: they copy elements into a new arrangement (views are Tensor.reshape/slice). */

/** out.shape[i] = x.shape[perm[i]]. */
export function permute(x: Tensor, perm: readonly number[], out?: Tensor): Tensor {
  checkLive('permute', x);
  const seen = new Set(perm);
  const valid =
    perm.length === x.rank && seen.size === x.rank && perm.every((p) => Number.isInteger(p) && p >= 0 && p < x.rank);
  if (!valid) {
    throw new ShapeError(
      'permute',
      `${JSON.stringify(perm)} is not a permutation of the axes of ${formatShape(x.shape)}`,
      [x.shape],
    );
  }
  const y = output(
    'permute',
    perm.map((p) => x.shape[p]),
    commonDType('permute', [x, out]),
    out,
    [x],
  );
  getBackend().permute(x, perm, y);
  return y;
}

/** Swaps two axes (by default the first two). */
export function transpose(x: Tensor, a0 = 0, a1 = 1, out?: Tensor): Tensor {
  checkLive('transpose', x);
  const i = normalizeAxis('transpose', a0, x.shape);
  const j = normalizeAxis('transpose', a1, x.shape);
  const perm = x.shape.map((_, k) => (k === i ? j : k === j ? i : k));
  return permute(x, perm, out);
}

/** Joins tensors along `axis`; all other dimensions must agree. */
export function concat(xs: readonly Tensor[], axis = 0, out?: Tensor): Tensor {
  if (xs.length === 0) throw new ShapeError('concat', 'needs at least one tensor', []);
  checkLive('concat', ...xs);
  const first = xs[0];
  const a = normalizeAxis('concat', axis, first.shape);
  const shapes = xs.map((x) => x.shape);
  let total = 0;
  for (const x of xs) {
    const compatible = x.rank === first.rank && x.shape.every((d, i) => i === a || d === first.shape[i]);
    if (!compatible) {
      throw new ShapeError(
        'concat',
        `shapes ${formatShape(first.shape)} and ${formatShape(x.shape)} differ outside axis ${a}`,
        shapes,
      );
    }
    total += x.shape[a];
  }
  const shape = first.shape.map((d, i) => (i === a ? total : d));
  const y = output('concat', shape, commonDType('concat', [...xs, out]), out, xs);
  getBackend().concat(xs, a, y);
  return y;
}

/** One [before, after] pair of non-negative element counts per axis, as `pad` and `padBackward` take them. */
export type Pads = readonly (readonly [number, number])[];

/**
 * The padded shape, after checking pads against the input: one [before, after] pair of
 * non-negative integers per axis; reflect needs pads < size (the edge is not repeated),
 * replicate needs a non-empty axis to repeat.
 */
function paddedShape(op: string, shape: Shape, pads: Pads, mode: PadMode, context: readonly Shape[] = []): number[] {
  if (!['zero', 'constant', 'reflect', 'replicate'].includes(mode)) {
    throw new Error(`${op}: unknown pad mode '${mode}' (expected zero, constant, reflect or replicate)`);
  }
  if (!Array.isArray(pads) || pads.length !== shape.length) {
    throw new ShapeError(
      op,
      `needs one [before, after] pair per axis of ${formatShape(shape)}, got ${JSON.stringify(pads)}${withShapes(context)}`,
      [shape, ...context],
    );
  }
  return shape.map((d, i) => {
    const p = pads[i];
    const ok = Array.isArray(p) && p.length === 2 && p.every((v) => Number.isInteger(v) && v >= 0);
    if (!ok) {
      throw new ShapeError(
        op,
        `pads for axis ${i} must be two non-negative integers, got ${JSON.stringify(p)} for ${formatShape(shape)}${withShapes(context)}`,
        [shape, ...context],
      );
    }
    const [before, after] = p;
    if (mode === 'reflect' && (before >= d || after >= d) && before + after > 0) {
      throw new ShapeError(
        op,
        `reflect pads [${before}, ${after}] must be smaller than axis ${i} of ${formatShape(shape)}${withShapes(context)}`,
        [shape, ...context],
      );
    }
    if (mode === 'replicate' && d === 0 && before + after > 0) {
      throw new ShapeError(op, `replicate cannot pad empty axis ${i} of ${formatShape(shape)}${withShapes(context)}`, [
        shape,
        ...context,
      ]);
    }
    return before + d + after;
  });
}

/** Pads every axis by pads[i] = [before, after]: with `value` (constant), 0 (zero), mirrored or repeated edges. */
export function pad(x: Tensor, pads: Pads, mode: PadMode = 'zero', value = 0, out?: Tensor): Tensor {
  checkLive('pad', x);
  const shape = paddedShape('pad', x.shape, pads, mode);
  const y = output('pad', shape, commonDType('pad', [x, out]), out, [x]);
  getBackend().pad(x, pads, mode, mode === 'zero' ? 0 : value, y);
  return y;
}

/** Gradient of pad: sums dy over every padded position that read each input element. */
export function padBackward(dy: Tensor, pads: Pads, mode: PadMode, inputShape: Shape, out?: Tensor): Tensor {
  checkLive('padBackward', dy);
  checkShapeArg('padBackward', 'inputShape', inputShape, null, [dy.shape]);
  const expected = paddedShape('padBackward', inputShape, pads, mode, [dy.shape]);
  if (!sameShape(expected, dy.shape)) {
    throw new ShapeError(
      'padBackward',
      `dy ${formatShape(dy.shape)} is not input ${formatShape(inputShape)} padded by ${JSON.stringify(pads)} (expected ${formatShape(expected)})`,
      [dy.shape, inputShape],
    );
  }
  const dx = output('padBackward', inputShape, commonDType('padBackward', [dy, out]), out, [dy]);
  getBackend().padBackward(dy, pads, mode, dx);
  return dx;
}
