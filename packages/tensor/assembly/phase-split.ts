/**
 * The padded, column-phase-split copy of an image that the direct convolutions (conv.ts, phase
 * = stride) and the Winograd ones (winograd.ts, phase = tile size m) read their inputs from:
 *     xs[c][phase][row][i] = x[c][row − pH][i·m + phase − pW]     (0 outside the image)
 * so that m·i + phase, for consecutive i, is one contiguous run: horizontally adjacent outputs
 * (or tiles) read adjacent values whatever the stride.
 */

import { at, transpose4x4Store } from './util';

/** Floats of the zero-padded line splitImage works in: the columns of every phase, plus one group. */
@inline export function splitLineFloats(m: i32, width: i32): i32 {
  return m * width + 4 * m;
}

/**
 * xs[c][phase][row][i] = x[c][row − pH][i·m + phase − pW] for C planes of H×W at xn, 0 outside
 * the plane, `rows` rows of `width` values per phase (width a multiple of 4; m·width ≥ pW + W).
 * Each input row is first copied into a zero-padded line (`line`, splitLineFloats floats), which
 * is then split into the m phases four values at a time, without a bounds check per value:
 * shuffles for m = 2 (even and odd lanes) and m = 4 (a 4×4 transpose), a plain copy for m = 1,
 * a scalar gather for other strides. Pass m as a literal where it is known, so that the
 * branches fold.
 */
@inline export function splitImage(
  m: i32, C: i32, H: i32, W: i32, pH: i32, pW: i32, rows: i32, width: i32, xn: usize, xs: usize, line: usize,
): void {
  const zero = f32x4.splat(0);
  // The line's zeros outside [pW, pW + W) are written once: rows only overwrite the inside.
  for (let i = 0; i < splitLineFloats(m, width); i += 4) v128.store(at(line, i), zero);
  const phaseBytes = <usize>(rows * width) << 2;
  for (let c = 0; c < C; c++) {
    const plane = xs + <usize>(c * m) * phaseBytes;
    for (let r = 0; r < rows; r++) {
      const dst = plane + (<usize>(r * width) << 2);
      const ih = r - pH;
      if (<u32>ih >= <u32>H) {
        for (let phase = 0; phase < m; phase++) {
          const d = dst + <usize>phase * phaseBytes;
          for (let i = 0; i < width; i += 4) v128.store(at(d, i), zero);
        }
        continue;
      }
      const src = at(xn, (c * H + ih) * W);
      const inner = at(line, pW);
      let j = 0;
      for (; j + 4 <= W; j += 4) v128.store(at(inner, j), v128.load(at(src, j)));
      for (; j < W; j++) store<f32>(at(inner, j), load<f32>(at(src, j)));
      for (let i = 0; i < width; i += 4) {
        const s = at(line, i * m);
        const d = at(dst, i);
        if (m == 1) {
          v128.store(d, v128.load(s));
        } else if (m == 2) {
          const v0 = v128.load(s);
          const v1 = v128.load(s, 16);
          v128.store(d, i32x4.shuffle(v0, v1, 0, 2, 4, 6));
          v128.store(d + phaseBytes, i32x4.shuffle(v0, v1, 1, 3, 5, 7));
        } else if (m == 4) {
          transpose4x4Store(v128.load(s), v128.load(s, 16), v128.load(s, 32), v128.load(s, 48), d, phaseBytes);
        } else {
          for (let phase = 0; phase < m; phase++) {
            for (let l = 0; l < 4; l++) {
              store<f32>(at(d + <usize>phase * phaseBytes, l), load<f32>(at(s, l * m + phase)));
            }
          }
        }
      }
    }
  }
}
