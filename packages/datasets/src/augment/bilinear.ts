import type { DataArray } from '@funt/tensor';

/**
 * Resamples one h×w plane: dst[y, x] = src at the real-valued point (sy(y, x), sx(y, x)) by
 * bilinear interpolation, with `fill` outside the plane. The geometric augmentations (rotation,
 * elastic distortion) differ only in where they sample, which `coords` writes into `sy`/`sx`.
 * At integer points the weights are exactly 1 and 0, so an identity map reproduces the input
 * bit for bit.
 */
export function resamplePlane(
  src: DataArray,
  srcBase: number,
  dst: DataArray,
  dstBase: number,
  h: number,
  w: number,
  sy: Float64Array,
  sx: Float64Array,
  fill: number,
): void {
  for (let y = 0, k = 0; y < h; y++) {
    for (let x = 0; x < w; x++, k++) {
      const fy = sy[k];
      const fx = sx[k];
      const y0 = Math.floor(fy);
      const x0 = Math.floor(fx);
      const ty = fy - y0;
      const tx = fx - x0;
      const inY0 = y0 >= 0 && y0 < h;
      const inY1 = y0 + 1 >= 0 && y0 + 1 < h;
      const inX0 = x0 >= 0 && x0 < w;
      const inX1 = x0 + 1 >= 0 && x0 + 1 < w;
      const r0 = srcBase + y0 * w;
      const r1 = r0 + w;
      const v00 = inY0 && inX0 ? src[r0 + x0] : fill;
      const v01 = inY0 && inX1 ? src[r0 + x0 + 1] : fill;
      const v10 = inY1 && inX0 ? src[r1 + x0] : fill;
      const v11 = inY1 && inX1 ? src[r1 + x0 + 1] : fill;
      // Zero weights are skipped so that an identity map is exact even next to a fill of NaN.
      let v = v00 * (1 - tx) * (1 - ty);
      if (tx !== 0) v += v01 * tx * (1 - ty);
      if (ty !== 0) v += v10 * (1 - tx) * ty + (tx !== 0 ? v11 * tx * ty : 0);
      dst[dstBase + k] = v;
    }
  }
}
