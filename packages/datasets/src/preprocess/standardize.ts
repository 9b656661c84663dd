import { type DataArray, formatShape, ShapeError, Tensor } from '@funt/tensor';
import type { ImageSet, Pixels } from '../image-set.js';

/**
 * Training statistics to turn raw pixels into network inputs: y = (x·scale − mean) / std.
 * `mean` and `std` each hold 1, C or C·H·W values (one for everything, one per channel, one per
 * pixel position) and broadcast accordingly. Keep the object from the training set and apply it
 * unchanged to validation, test and later images.
 */
export interface Standardization {
  scale: number;
  mean: Float32Array;
  std: Float32Array;
}

/**
 * 'image': PyDatSet's scheme — subtract the mean training image (C·H·W values), then divide by
 * one std, that of the mean-subtracted training pixels.
 * 'channel': per-channel normalisation — one mean and one std per channel.
 */
export type StandardizationMode = 'image' | 'channel';

/** Stds below this are treated as 1 so that a constant channel does not become ±Infinity. */
const MIN_STD = 1e-12;

/** Fits a Standardization on a training set (float64 accumulation). */
export function fitStandardization(set: ImageSet, mode: StandardizationMode = 'image', scale = 1): Standardization {
  const size = set.shape[1] * set.shape[2] * set.shape[3];
  const px = set.images;
  return fitStandardizationOfImages(set.shape, (i) => px.subarray(i * size, (i + 1) * size), mode, scale);
}

/**
 * `fitStandardization` over images that need not be in memory together: `image(i)` gives image
 * i's C·H·W pixels (it may reuse one buffer; each is read once a pass, in order, in two passes).
 * The sums run in the same order as over an in-memory set, so the statistics are bit for bit
 * the same — a data set streamed to disk gets those of the set loaded whole.
 */
export function fitStandardizationOfImages(
  shape: readonly number[],
  image: (i: number) => ArrayLike<number>,
  mode: StandardizationMode = 'image',
  scale = 1,
): Standardization {
  const [n, c, h, w] = shape;
  if (n === 0) throw new RangeError('fitStandardization: the set is empty');
  if (!Number.isFinite(scale) || scale === 0)
    throw new RangeError(`fitStandardization: scale must be finite and non-zero, got ${scale}`);
  if (mode !== 'image' && mode !== 'channel')
    throw new RangeError(`fitStandardization: mode must be 'image' or 'channel', got '${String(mode)}'`);
  const hw = h * w;
  const size = c * hw;
  // 'image' keeps one mean per pixel position, 'channel' one per channel: `at(k)` maps a pixel to it.
  const perImage = mode === 'image';
  const mean = new Float64Array(perImage ? size : c);
  const at = (k: number) => (perImage ? k : Math.floor(k / hw));
  for (let i = 0; i < n; i++) {
    const px = image(i);
    for (let k = 0; k < size; k++) mean[at(k)] += px[k];
  }
  const count = perImage ? n : n * hw;
  for (let k = 0; k < mean.length; k++) mean[k] = (mean[k] * scale) / count;
  const sq = new Float64Array(perImage ? 1 : c);
  for (let i = 0; i < n; i++) {
    const px = image(i);
    for (let k = 0; k < size; k++) {
      const d = px[k] * scale - mean[at(k)];
      sq[perImage ? 0 : at(k)] += d * d;
    }
  }
  const std = Float32Array.from(sq, (s) => safeStd(Math.sqrt(s / (perImage ? n * size : n * hw))));
  return { scale, mean: Float32Array.from(mean), std };
}

function safeStd(s: number): number {
  return s < MIN_STD ? 1 : s;
}

/** The mean training image (C·H·W values, in pixel units). */
export function meanImage(set: ImageSet): Float32Array {
  return fitStandardization(set, 'image').mean;
}

/** A Standardization that only scales (e.g. 1/255 to map bytes to [0, 1]). */
export function scaling(scale: number): Standardization {
  return { scale, mean: Float32Array.of(0), std: Float32Array.of(1) };
}

/**
 * Writes `count` standardised images from `src` (starting at image `srcImage`) into `dst`
 * (starting at image `dstImage`). Shared by `toTensor` (bytes → floats) and `standardize`
 * (floats → floats, possibly in place), so both apply exactly the same arithmetic.
 */
export function writeStandardized(
  src: Pixels | DataArray,
  srcImage: number,
  dst: DataArray,
  dstImage: number,
  count: number,
  c: number,
  hw: number,
  s: Standardization,
): void {
  const size = c * hw;
  // Broadcasting by strides: a value at (channel, position) reads mean[ch·cStride + p·pStride].
  const [mc, mp] = broadcastStrides('mean', s.mean.length, c, hw);
  const [sc, sp] = broadcastStrides('std', s.std.length, c, hw);
  for (let i = 0; i < count; i++) {
    const from = (srcImage + i) * size;
    const to = (dstImage + i) * size;
    for (let ch = 0; ch < c; ch++) {
      for (let p = 0; p < hw; p++) {
        const k = ch * hw + p;
        dst[to + k] = (src[from + k] * s.scale - s.mean[ch * mc + p * mp]) / s.std[ch * sc + p * sp];
      }
    }
  }
}

function broadcastStrides(name: string, length: number, c: number, hw: number): [number, number] {
  if (length === 1) return [0, 0];
  if (length === c) return [1, 0];
  if (length === c * hw) return [hw, 1];
  throw new ShapeError(
    'standardize',
    `${name} has ${length} values; expected 1, ${c} (channels) or ${c * hw} (C·H·W)`,
    [[length]],
  );
}

/** Applies a Standardization to a float N×C×H×W tensor (into `out`, which may be `x`). */
export function standardize(x: Tensor, s: Standardization, out?: Tensor): Tensor {
  if (x.rank !== 4)
    throw new ShapeError('standardize', `expected an N×C×H×W batch, got ${formatShape(x.shape)}`, [x.shape]);
  const [n, c, h, w] = x.shape;
  const y = out ?? Tensor.empty(x.shape, x.dtype, x.backend);
  if (out && (out.size !== x.size || out.rank !== 4 || out.shape.some((d, i) => d !== x.shape[i]))) {
    throw new ShapeError('standardize', `out has shape ${formatShape(out.shape)}, expected ${formatShape(x.shape)}`, [
      x.shape,
      out.shape,
    ]);
  }
  writeStandardized(x.data, 0, y.data, 0, n, c, h * w, s);
  return y;
}
