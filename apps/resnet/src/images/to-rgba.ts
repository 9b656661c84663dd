import { type ColormapName, colormapLookup } from './colormap.js';
import type { RgbaImage } from './rgba.js';

/** Anything with row-major float data and a shape: a Tensor, or a plain array in tests. */
export interface ImageArray {
  data: ArrayLike<number>;
  shape: readonly number[];
}

/**
 * How float pixel values map to [0, 1]:
 * - `minmax`: each picture stretched from its own minimum to its maximum (network inputs are
 *   mean-subtracted, so their raw range says nothing);
 * - `symmetric`: [-m, m] with m the largest magnitude, zero in the middle (signed maps);
 * - `{ lo, hi }`: a fixed range shared by every picture (to compare brightness across pictures).
 */
export type Scaling = 'minmax' | 'symmetric' | { lo: number; hi: number };

/** Options of `toRgbaImages`: how values map to brightness (default 'minmax') and the colour map. */
export interface ToRgbaOptions {
  scaling?: Scaling;
  /** Colour map for one-channel pictures (three-channel ones are shown as RGB). */
  colormap?: ColormapName;
}

function rangeOf(data: ArrayLike<number>, start: number, end: number, scaling: Scaling): [number, number] {
  if (typeof scaling === 'object') return [scaling.lo, scaling.hi];
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < end; i++) {
    const v = data[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (scaling === 'symmetric') {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return [-m, m];
  }
  return hi > lo ? [lo, hi] : [lo - 0.5, lo + 0.5];
}

/**
 * Pictures of a batch N×C×H×W (or one C×H×W picture). One channel → colour map; three channels
 * → RGB; any other count shows the first channel (the caller can slice a channel out first).
 */
export function toRgbaImages(batch: ImageArray, options: ToRgbaOptions = {}): RgbaImage[] {
  const shape = batch.shape.length === 3 ? [1, ...batch.shape] : [...batch.shape];
  if (shape.length !== 4) {
    throw new RangeError(
      `toRgbaImages: expected a C×H×W picture or an N×C×H×W batch, got shape [${batch.shape.join(', ')}]`,
    );
  }
  const [n, c, h, w] = shape;
  const scaling = options.scaling ?? 'minmax';
  const map = colormapLookup(options.colormap ?? 'gray');
  const plane = h * w;
  const out: RgbaImage[] = [];
  for (let k = 0; k < n; k++) {
    const base = k * c * plane;
    const [lo, hi] = rangeOf(batch.data, base, base + c * plane, scaling);
    const scale = 1 / (hi - lo);
    const data = new Uint8ClampedArray(plane * 4);
    for (let p = 0; p < plane; p++) {
      if (c === 3) {
        for (let ch = 0; ch < 3; ch++)
          data[p * 4 + ch] = Math.round((batch.data[base + ch * plane + p] - lo) * scale * 255);
      } else {
        const [r, g, b] = map((batch.data[base + p] - lo) * scale);
        data[p * 4] = r;
        data[p * 4 + 1] = g;
        data[p * 4 + 2] = b;
      }
      data[p * 4 + 3] = 255;
    }
    out.push({ width: w, height: h, data });
  }
  return out;
}
