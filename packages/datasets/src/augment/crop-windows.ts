/** Float batches and uint8 image sets go through the same kernel. */
type NumericArray = Uint8Array | Float32Array | Float64Array;

/**
 * The one kernel behind padding and cropping: image i of the output is the window of size
 * outH×outW whose top-left corner is (top[i], left[i]) in the input zero-padded by `pad`
 * pixels on every side. The padding is virtual (never materialised): reads outside the input
 * give `fill`. Padding is the window at (0, 0) of size (H+2·pad)×(W+2·pad); a crop of a padded
 * batch at offset `pad` is the input itself.
 *
 * `srcImage[i]` picks which input image feeds output image i (fixed crops read every image
 * five times).
 */
export function cropWindows(
  src: NumericArray,
  dims: readonly [c: number, h: number, w: number],
  pad: number,
  windows: { srcImage: ArrayLike<number>; top: ArrayLike<number>; left: ArrayLike<number> },
  outH: number,
  outW: number,
  dst: NumericArray,
  fill = 0,
): void {
  const [c, h, w] = dims;
  const count = windows.top.length;
  const inSize = c * h * w;
  const outSize = c * outH * outW;
  for (let i = 0; i < count; i++) {
    const y0 = windows.top[i] - pad;
    const x0 = windows.left[i] - pad;
    // Output columns [a, b) read input columns [x0 + a, x0 + b), all inside [0, w).
    const a = Math.min(outW, Math.max(0, -x0));
    const b = Math.max(a, Math.min(outW, w - x0));
    for (let ch = 0; ch < c; ch++) {
      const srcPlane = windows.srcImage[i] * inSize + ch * h * w;
      const dstPlane = i * outSize + ch * outH * outW;
      for (let y = 0; y < outH; y++) {
        const sy = y0 + y;
        const d = dstPlane + y * outW;
        if (sy < 0 || sy >= h) {
          dst.fill(fill, d, d + outW);
          continue;
        }
        const s = srcPlane + sy * w + x0;
        for (let x = 0; x < a; x++) dst[d + x] = fill;
        for (let x = a; x < b; x++) dst[d + x] = src[s + x];
        for (let x = b; x < outW; x++) dst[d + x] = fill;
      }
    }
  }
}
