import { fixedCrops, type ImageSet, standardize, toTensor } from '@funt/datasets';
import type { AugmentHook, BatchHook, ExampleSource } from '@funt/solver';
import { Rng, type Tensor, withBackend } from '@funt/tensor';
import type { TrainTransform } from './augment.js';
import type { PreparedData } from './load.js';

/**
 * Data sets stay as raw pixel values (0–255 as floats) in the JS heap; these hooks turn a
 * gathered batch into what the network takes: augmented (training only), cropped to the input
 * size when the images are larger, and standardised with the training statistics.
 */
export interface InputHooks {
  train: AugmentHook;
  eval: BatchHook;
}

function larger(data: Pick<PreparedData, 'inputShape'>, x: Tensor): boolean {
  return x.shape[2] !== data.inputShape[1] || x.shape[3] !== data.inputShape[2];
}

/**
 * The solver hooks for a prepared data set: `train` applies `transform` then standardises; `eval`
 * centre-crops images larger than the network input, then standardises.
 */
export function inputHooks(
  data: Pick<PreparedData, 'inputShape' | 'standardization'>,
  transform: TrainTransform,
): InputHooks {
  const [, h, w] = data.inputShape;
  const centre = fixedCrops(h, w, 'center');
  const unused = new Rng(0);
  // A hook's result must be a new tensor or the batch itself; standardising a tensor the hook
  // made itself is done in place.
  const finish = (batch: Tensor, y: Tensor) =>
    y === batch ? standardize(batch, data.standardization) : standardize(y, data.standardization, y);
  return {
    train: (batch, rng) => finish(batch, transform.augment ? transform.augment(batch, rng) : batch),
    eval: (batch) => finish(batch, larger(data, batch) ? centre(batch, unused) : batch),
  };
}

/**
 * A split as the solver reads it for training and evaluation: its pixels stay as loaded (uint8,
 * a quarter of a float copy's memory) and each image becomes raw float pixels as its batch is
 * gathered, with the same values `rawTensor` holds.
 */
export function pixelSource(set: ImageSet): ExampleSource {
  const size = set.shape.slice(1).reduce((a, b) => a * b, 1);
  const images = set.images;
  return {
    shape: set.shape,
    dtype: 'float32',
    readRow(i, dst, offset) {
      for (let j = 0; j < size; j++) dst[offset + j] = images[i * size + j];
    },
  };
}

/** A split as one float tensor of raw pixels, kept on the reference backend (plain JS memory, no size limit of wasm memory). */
export function rawTensor(set: ImageSet, rows?: ArrayLike<number>): Tensor {
  return withBackend('reference', () => toTensor(set, { rows, dtype: 'float32' }));
}

/** Some images of a split as the network's input (centre crop, standardised), on the active backend. */
export function evalInput(hooks: InputHooks, set: ImageSet, rows: ArrayLike<number>): Tensor {
  const raw = toTensor(set, { rows, dtype: 'float32' });
  const x = hooks.eval(raw);
  if (x !== raw) raw.dispose();
  return x;
}

/**
 * The standardised values of pixel 0 and pixel 255 at every input position (C·H·W each): the
 * valid range a fooling image is kept in, and the map back to pixels for display, since
 * standardisation is affine per position: pixel = 255·(x − lo) / (hi − lo).
 */
export function pixelBounds(data: Pick<PreparedData, 'inputShape' | 'standardization'>): {
  lo: Float32Array;
  hi: Float32Array;
} {
  const shape = [1, ...data.inputShape];
  const size = data.inputShape.reduce((a, b) => a * b, 1);
  const at = (value: number) => {
    const raw = toTensor(
      {
        images: new Float32Array(size).fill(value),
        shape: shape as [number, number, number, number],
        labels: new Int32Array(1),
        classNames: [],
      },
      { dtype: 'float32' },
    );
    const x = standardize(raw, data.standardization);
    const out = Float32Array.from(x.data);
    raw.dispose();
    x.dispose();
    return out;
  };
  return { lo: at(0), hi: at(255) };
}

/** Standardised input values back to pixel values (0–255), for pictures. */
export function toPixels(x: ArrayLike<number>, bounds: { lo: Float32Array; hi: Float32Array }): Float32Array {
  const size = bounds.lo.length;
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const k = i % size;
    out[i] = (255 * (x[i] - bounds.lo[k])) / (bounds.hi[k] - bounds.lo[k]);
  }
  return out;
}
