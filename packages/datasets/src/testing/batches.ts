/**
 * Image batches for property tests: a fast-check arbitrary of N×C×H×W batches within limits
 * (sizes, value range, 8-bit or float values, element types), with the edge cases an
 * augmentation meets in practice: 1×1 images, one channel, constant images and images made of
 * the extreme values of the range only.
 *
 * A batch is plain data (`ImageBatch`), not a tensor: fast-check may keep, replay and shrink
 * values, and a tensor is owned memory. `batchTensor` makes a fresh tensor of it per use.
 */
import { type DType, fromTypedArray, Rng, type Tensor, withBackend } from '@funt/tensor';
import fc from 'fast-check';

/** A batch's dimensions: images, channels, height, width. */
export type BatchShape = readonly [n: number, c: number, h: number, w: number];

/** The sizes a dimension may take: exactly one, or [min, max] inclusive. */
export type SizeRange = number | readonly [min: number, max: number];

/** What batches to draw. Every field is optional; the defaults are small and fast. */
export interface BatchLimits {
  /** Images per batch (default [1, 4]). */
  n?: SizeRange;
  /** Channels (default [1, 3]). */
  c?: SizeRange;
  /** Height (default [1, 9]). */
  h?: SizeRange;
  /** Width (default [1, 9]). */
  w?: SizeRange;
  /**
   * The values: a float interval [lo, hi] (default [0, 1]), or 'uint8' for the integers
   * 0…255 of 8-bit images converted to float, as the loaders' sets give them.
   */
  values?: 'uint8' | readonly [lo: number, hi: number];
  /** Element types to draw (default both: float32 on the active backend, float64 on 'reference'). */
  dtypes?: readonly DType[];
}

/** One drawn batch: its shape, element type and values. */
export interface ImageBatch {
  readonly shape: BatchShape;
  readonly dtype: DType;
  /** The N·C·H·W values, row-major, each exactly representable in `dtype`. */
  readonly data: Float64Array;
  /** The interval the values were drawn from. */
  readonly values: readonly [lo: number, hi: number];
  /** Whether the values are integers (8-bit pixels). */
  readonly integers: boolean;
}

/** Limits with every field resolved: sizes as [min, max], values as an interval. */
export interface ResolvedLimits {
  n: readonly [number, number];
  c: readonly [number, number];
  h: readonly [number, number];
  w: readonly [number, number];
  values: readonly [number, number];
  integers: boolean;
  dtypes: readonly DType[];
}

const DEFAULTS: ResolvedLimits = {
  n: [1, 4],
  c: [1, 3],
  h: [1, 9],
  w: [1, 9],
  values: [0, 1],
  integers: false,
  dtypes: ['float32', 'float64'],
};

const DIMS = ['n', 'c', 'h', 'w'] as const;

function sizeRange(name: string, r: SizeRange): [number, number] {
  const [min, max] = typeof r === 'number' ? [r, r] : r;
  if (!Number.isInteger(min) || min < 1 || !(max >= min) || !(Number.isInteger(max) || max === Infinity)) {
    throw new RangeError(`batch limits: ${name} must be a size >= 1 or [min, max] with 1 <= min <= max, got ${r}`);
  }
  return [min, max];
}

function valueRange(v: 'uint8' | readonly [number, number]): { values: [number, number]; integers: boolean } {
  const [lo, hi] = v === 'uint8' ? [0, 255] : v;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi) {
    throw new RangeError(`batch limits: values must be 'uint8' or [lo, hi] with finite lo <= hi, got ${v}`);
  }
  return { values: [lo, hi], integers: v === 'uint8' };
}

/** User limits over the defaults: each field given replaces the default. */
export function resolveLimits(limits: BatchLimits = {}): ResolvedLimits {
  const out = { ...DEFAULTS, ...(limits.values === undefined ? {} : valueRange(limits.values)) };
  for (const d of DIMS) {
    const given = limits[d];
    if (given === undefined) continue;
    out[d] = sizeRange(d, given);
    if (!Number.isFinite(out[d][1])) throw new RangeError(`batch limits: ${d} needs a finite maximum, got ${given}`);
  }
  if (limits.dtypes !== undefined) {
    if (limits.dtypes.length === 0 || limits.dtypes.some((d) => d !== 'float32' && d !== 'float64')) {
      throw new RangeError(`batch limits: dtypes must list 'float32' and/or 'float64', got ${limits.dtypes}`);
    }
    out.dtypes = limits.dtypes;
  }
  return out;
}

/**
 * `base` narrowed by an augmentation's requirements (at least 5 rows, exactly 3 channels,
 * values inside its range): each field given is intersected with base's. Null when nothing
 * is left.
 */
export function narrowLimits(requirements: BatchLimits, base: ResolvedLimits): ResolvedLimits | null {
  const out = { ...base };
  for (const d of DIMS) {
    const given = requirements[d];
    if (given === undefined) continue;
    const [min, max] = sizeRange(d, given);
    out[d] = [Math.max(base[d][0], min), Math.min(base[d][1], max)];
    if (out[d][0] > out[d][1]) return null;
  }
  if (requirements.values !== undefined) {
    const { values, integers } = valueRange(requirements.values);
    out.values = [Math.max(base.values[0], values[0]), Math.min(base.values[1], values[1])];
    out.integers = base.integers || integers;
    const [a, b] = out.values;
    if (a > b || (out.integers && Math.ceil(a) > Math.floor(b))) return null;
  }
  if (requirements.dtypes !== undefined) {
    out.dtypes = base.dtypes.filter((d) => requirements.dtypes!.includes(d));
    if (out.dtypes.length === 0) return null;
  }
  return out;
}

/** How one image of a drawn batch is filled. */
type Content = { kind: 'noise' | 'extremes'; seed: number } | { kind: 'constant'; pick: number; seed: number };

const content: fc.Arbitrary<Content> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('noise' as const), seed: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('constant' as const), pick: fc.nat({ max: 4 }), seed: fc.nat() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('extremes' as const), seed: fc.nat() }) },
);

/** The interval's ends as the values may take them (integers inside it when asked for). */
function ends(limits: ResolvedLimits): [number, number] {
  const [lo, hi] = limits.values;
  return limits.integers ? [Math.ceil(lo), Math.floor(hi)] : [lo, hi];
}

/** The next float32 above (direction 1) or below (-1) a float32 value. */
function nextFloat32(v: number, direction: 1 | -1): number {
  const f = new Float32Array([v]);
  const bits = new Int32Array(f.buffer);
  if (v === 0) return direction * 2 ** -149;
  bits[0] += v > 0 === (direction === 1) ? 1 : -1;
  return f[0];
}

/**
 * Rounding to float32 that stays inside [lo, hi]: the nearest float32 could fall just outside
 * (a value at the end of a noise augmentation's range would then be clipped, not kept).
 */
function float32Within(lo: number, hi: number): (v: number) => number {
  let a = Math.fround(lo);
  if (a < lo) a = nextFloat32(a, 1);
  let b = Math.fround(hi);
  if (b > hi) b = nextFloat32(b, -1);
  return (v) => Math.min(b, Math.max(a, Math.fround(v)));
}

/** A value drawn uniformly from [lo, hi) (from lo…hi when integers). */
function drawValue(rng: Rng, lo: number, hi: number, integers: boolean): number {
  return integers ? lo + rng.int(hi - lo + 1) : rng.uniform(lo, hi);
}

/** Fills `size` values at `at` as `c` says, rounded to the element type. */
function fill(data: Float64Array, at: number, size: number, c: Content, limits: ResolvedLimits, dtype: DType): void {
  const [lo, hi] = ends(limits);
  const rng = new Rng(c.seed);
  const round = dtype === 'float32' ? float32Within(lo, hi) : (v: number) => v;
  if (c.kind === 'constant') {
    // The ends of the range, zero (when inside), the middle, or anywhere.
    const mid = limits.integers ? Math.floor((lo + hi) / 2) : (lo + hi) / 2;
    const picks = [lo, hi, Math.min(hi, Math.max(lo, 0)), mid, drawValue(rng, lo, hi, limits.integers)];
    data.fill(round(picks[c.pick]), at, at + size);
    return;
  }
  for (let k = at; k < at + size; k++) {
    const v = c.kind === 'extremes' ? (rng.bernoulli() ? hi : lo) : drawValue(rng, lo, hi, limits.integers);
    data[k] = round(v);
  }
}

function describe(shape: BatchShape, dtype: DType, contents: readonly Content[]): string {
  const images = contents.map((c) => (c.kind === 'constant' ? `constant#${c.pick}` : `${c.kind}#${c.seed}`));
  return `ImageBatch(${shape.join('×')} ${dtype}: ${images.join(', ')})`;
}

/** A batch whose images are filled as `contents` say (one entry per image). */
function makeBatch(shape: BatchShape, dtype: DType, contents: readonly Content[], limits: ResolvedLimits): ImageBatch {
  const size = shape[1] * shape[2] * shape[3];
  const data = new Float64Array(shape[0] * size);
  contents.forEach((c, i) => fill(data, i * size, size, c, limits, dtype));
  return {
    shape,
    dtype,
    data,
    values: limits.values,
    integers: limits.integers,
    // How fast-check prints a counterexample: the recipe, not thousands of numbers.
    [fc.toStringMethod]: () => describe(shape, dtype, contents),
  } as ImageBatch;
}

/** Batches within resolved limits. */
export function batchesWithin(limits: ResolvedLimits): fc.Arbitrary<ImageBatch> {
  const size = (r: readonly [number, number]) => fc.integer({ min: r[0], max: r[1] });
  return fc
    .tuple(size(limits.n), size(limits.c), size(limits.h), size(limits.w), fc.constantFrom(...limits.dtypes))
    .chain(([n, c, h, w, dtype]) =>
      fc
        .array(content, { minLength: n, maxLength: n })
        .map((contents) => makeBatch([n, c, h, w], dtype, contents, limits)),
    );
}

/**
 * Image batches within `limits` (see `BatchLimits` for the defaults). Each image is random
 * values from the range (most often), one constant value (an end of the range, zero, the
 * middle, or any), or only the two ends of the range; sizes shrink towards 1×1×1×1.
 */
export function imageBatches(limits: BatchLimits = {}): fc.Arbitrary<ImageBatch> {
  return batchesWithin(resolveLimits(limits));
}

/** Generator seeds (any 32-bit unsigned integer). */
export function seeds(): fc.Arbitrary<number> {
  return fc.integer({ min: 0, max: 0xffffffff });
}

/**
 * A batch of random values with the largest sizes the limits allow (or the given ones): the
 * batch on which a random augmentation must visibly depend on its seed.
 */
export function probeBatch(
  limits: ResolvedLimits,
  seed: number,
  shape: BatchShape = [limits.n[1], limits.c[1], limits.h[1], limits.w[1]],
  dtype: DType = limits.dtypes[0],
): ImageBatch {
  const contents = Array.from({ length: shape[0] }, (_, i) => ({ kind: 'noise' as const, seed: seed + i }));
  return makeBatch(shape, dtype, contents, limits);
}

/** A batch with the same shape, type and range as `like`, holding `data`. */
export function withData(like: ImageBatch, data: Float64Array, shape: BatchShape = like.shape): ImageBatch {
  return { shape, dtype: like.dtype, data, values: like.values, integers: like.integers };
}

/** A fresh tensor holding the batch (float64 batches live on the 'reference' backend). */
export function batchTensor(batch: ImageBatch): Tensor {
  const make = () => fromTypedArray(batch.data, [...batch.shape], batch.dtype);
  return batch.dtype === 'float64' ? withBackend('reference', make) : make();
}
