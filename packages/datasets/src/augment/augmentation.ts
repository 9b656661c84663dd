import { formatShape, type Rng, ShapeError, Tensor } from '@funt/tensor';

/**
 * One augmentation: a float N×C×H×W batch in, a batch out. Randomness comes only from `rng`
 * (the same generator state gives the same output). The result is written into `out` when
 * given (no allocation in the training loop), otherwise into a new tensor the caller owns;
 * the input is never modified unless `out` is the input itself, which the element-wise
 * augmentations allow.
 */
export type Augmentation = (x: Tensor, rng: Rng, out?: Tensor) => Tensor;

/** Checks that `x` is an N×C×H×W batch and returns its dimensions. */
export function batchDims(op: string, x: Tensor): [number, number, number, number] {
  if (!(x instanceof Tensor)) {
    throw new TypeError(
      `${op}: expected a Tensor batch (N×C×H×W), got ${x === null ? 'null' : typeof x === 'object' ? ((x as object).constructor?.name ?? 'object') : typeof x}`,
    );
  }
  if (x.rank !== 4) {
    throw new ShapeError(op, `expected an N×C×H×W batch, got ${formatShape(x.shape)}`, [x.shape]);
  }
  return [x.shape[0], x.shape[1], x.shape[2], x.shape[3]];
}

/**
 * The output tensor of an augmentation: `out` after checking its shape and dtype, or a new
 * tensor. `inPlace` says whether `out` may share storage with `x` (true only for augmentations
 * that read each value before writing it).
 */
export function outputFor(
  op: string,
  x: Tensor,
  shape: readonly number[],
  out: Tensor | undefined,
  inPlace: boolean,
): Tensor {
  // On the input's backend: a float64 batch lives on 'reference' even when 'wasm' is active.
  if (!out) return Tensor.empty(shape, x.dtype, x.backend);
  if (out.rank !== shape.length || out.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(op, `out has shape ${formatShape(out.shape)}, expected ${formatShape(shape)}`, [
      shape,
      out.shape,
    ]);
  }
  if (out.dtype !== x.dtype) throw new TypeError(`${op}: out is ${out.dtype} but the input is ${x.dtype}`);
  if (!inPlace && out.sharesStorageWith(x)) {
    throw new ShapeError(op, 'out must not share storage with the input (this augmentation moves pixels)', [
      x.shape,
      out.shape,
    ]);
  }
  return out;
}

/** A clear error for a bad numeric option: names the augmentation, the option and the value. */
export function checkOption(op: string, name: string, value: number, ok: boolean, expected: string): void {
  if (!ok || Number.isNaN(value)) throw new RangeError(`${op}: ${name} must be ${expected}, got ${value}`);
}

/** A [lo, hi] pair with lo <= hi, as the range options take. */
export function checkRange(op: string, name: string, range: readonly [number, number]): void {
  if (
    !Array.isArray(range) ||
    range.length !== 2 ||
    !Number.isFinite(range[0]) ||
    !Number.isFinite(range[1]) ||
    range[0] > range[1]
  ) {
    throw new RangeError(`${op}: ${name} must be [lo, hi] with finite lo <= hi, got ${JSON.stringify(range)}`);
  }
}
