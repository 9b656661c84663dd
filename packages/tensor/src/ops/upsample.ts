import { getBackend } from '../engine.js';
import { formatShape, ShapeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { checkLive, checkRank, commonDType, output, pair } from './validate.js';

/** Nearest-neighbour up-sampling of x [N, C, H, W] by integer factors (Torch SpatialUpSamplingNearest). */
export function upsampleNearest2d(x: Tensor, scale: number | readonly [number, number], out?: Tensor): Tensor {
  const op = 'upsampleNearest2d';
  checkLive(op, x);
  checkRank(op, 'input', x, 4);
  const [sH, sW] = pair(op, 'scale', scale, true, [x.shape]);
  const [N, C, H, W] = x.shape;
  const y = output(op, [N, C, H * sH, W * sW], commonDType(op, [x, out]), out, [x]);
  getBackend().upsampleNearest2d(x, y, sH, sW);
  return y;
}

/** dx [N, C, H / sH, W / sW]: sums each sH × sW block of dy. */
export function upsampleNearest2dBackward(dy: Tensor, scale: number | readonly [number, number], out?: Tensor): Tensor {
  const op = 'upsampleNearest2dBackward';
  checkLive(op, dy);
  checkRank(op, 'dy', dy, 4);
  const [sH, sW] = pair(op, 'scale', scale, true, [dy.shape]);
  const [N, C, Ho, Wo] = dy.shape;
  if (Ho % sH !== 0 || Wo % sW !== 0) {
    throw new ShapeError(op, `dy ${formatShape(dy.shape)} is not divisible by scale ${sH}×${sW}`, [dy.shape]);
  }
  const dx = output(op, [N, C, Ho / sH, Wo / sW], commonDType(op, [dy, out]), out, [dy]);
  getBackend().upsampleNearest2dBackward(dy, dx, sH, sW);
  return dx;
}
