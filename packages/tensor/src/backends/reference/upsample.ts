import type { Tensor } from '../../tensor.js';
import { accumulatorFor } from './accumulator.js';

/**
 * Nearest-neighbour up-sampling of [N, C, H, W] by integer factors: output pixel (h, w) copies
 * input pixel (floor(h / scaleH), floor(w / scaleW)); the backward sums each scaleH × scaleW block.
 */
export function upsampleNearest2d(x: Tensor, y: Tensor, scaleH: number, scaleW: number): void {
  const [N, C, H, W] = x.shape;
  const Ho = H * scaleH;
  const Wo = W * scaleW;
  const xd = x.data;
  const yd = y.data;
  let yi = 0;
  for (let plane = 0; plane < N * C; plane++) {
    for (let oh = 0; oh < Ho; oh++) {
      const xRow = (plane * H + Math.floor(oh / scaleH)) * W;
      for (let ow = 0; ow < Wo; ow++, yi++) yd[yi] = xd[xRow + Math.floor(ow / scaleW)];
    }
  }
}

export function upsampleNearest2dBackward(dy: Tensor, dx: Tensor, scaleH: number, scaleW: number): void {
  const [N, C, H, W] = dx.shape;
  const Ho = H * scaleH;
  const Wo = W * scaleW;
  const gd = dy.data;
  const { acc, commit } = accumulatorFor(dx);
  let gi = 0;
  for (let plane = 0; plane < N * C; plane++) {
    for (let oh = 0; oh < Ho; oh++) {
      const xRow = (plane * H + Math.floor(oh / scaleH)) * W;
      for (let ow = 0; ow < Wo; ow++, gi++) acc[xRow + Math.floor(ow / scaleW)] += gd[gi];
    }
  }
  commit();
}
