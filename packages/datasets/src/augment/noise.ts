import type { Rng, Tensor } from '@funt/tensor';
import { type Augmentation, batchDims, checkOption, checkRange, outputFor } from './augmentation.js';

/**
 * Pixel noise. Every noise augmentation clips its output to `range` (default [0, 1], as
 * scikit-image's random_noise for float images), so the result is always inside it; give the
 * range of your data (e.g. [0, 255]). All work in place and draw independently per value.
 */
interface NoiseRange {
  range?: readonly [number, number];
}

/** Options of `saltAndPepper`: how many values are replaced by the bottom or top of `range`. */
export interface SaltAndPepperOptions extends NoiseRange {
  /** Fraction of values replaced (default 0.05). */
  amount?: number;
  /** Fraction of the replaced values set to the top of the range rather than the bottom (default 0.5). */
  saltRatio?: number;
}

/** Options of `gaussianNoise`: additive N(mean, std²) noise (mean default 0), clipped to `range`. */
export interface GaussianNoiseOptions extends NoiseRange {
  /** Std of the added noise (default 0.1). */
  std?: number;
  mean?: number;
}

/** Options of `speckleNoise`: multiplicative noise, clipped to `range`. */
export interface SpeckleNoiseOptions extends NoiseRange {
  /** Std of the multiplicative noise: y = x + x·n, n ~ N(0, std²) (default 0.1). */
  std?: number;
}

/** The one loop every noise shares: dst[k] = clip(noisy(src[k])). */
function noise(op: string, range: readonly [number, number], noisy: (v: number, rng: Rng) => number): Augmentation {
  checkRange(op, 'range', range);
  const [lo, hi] = range;
  return (x: Tensor, rng: Rng, out?: Tensor): Tensor => {
    batchDims(op, x);
    const y = outputFor(op, x, x.shape, out, true);
    const src = x.data;
    const dst = y.data;
    for (let k = 0; k < src.length; k++) {
      const v = noisy(src[k], rng);
      dst[k] = v < lo ? lo : v > hi ? hi : v;
    }
    return y;
  };
}

/** Replaces a fraction `amount` of values by the range's ends (salt = top, pepper = bottom). */
export function saltAndPepper(options: SaltAndPepperOptions = {}): Augmentation {
  const { amount = 0.05, saltRatio = 0.5, range = [0, 1] } = options;
  checkOption('saltAndPepper', 'amount', amount, amount >= 0 && amount <= 1, 'in [0, 1]');
  checkOption('saltAndPepper', 'saltRatio', saltRatio, saltRatio >= 0 && saltRatio <= 1, 'in [0, 1]');
  const [lo, hi] = range;
  return noise('saltAndPepper', range, (v, rng) => (rng.next() < amount ? (rng.next() < saltRatio ? hi : lo) : v));
}

/** Adds Gaussian noise N(mean, std²). */
export function gaussianNoise(options: GaussianNoiseOptions = {}): Augmentation {
  const { std = 0.1, mean = 0, range = [0, 1] } = options;
  checkOption('gaussianNoise', 'std', std, Number.isFinite(std) && std >= 0, 'finite and >= 0');
  checkOption('gaussianNoise', 'mean', mean, Number.isFinite(mean), 'finite');
  return noise('gaussianNoise', range, (v, rng) => v + rng.normal(mean, std));
}

/** Multiplicative (speckle) noise: y = x + x·n with n ~ N(0, std²). */
export function speckleNoise(options: SpeckleNoiseOptions = {}): Augmentation {
  const { std = 0.1, range = [0, 1] } = options;
  checkOption('speckleNoise', 'std', std, Number.isFinite(std) && std >= 0, 'finite and >= 0');
  return noise('speckleNoise', range, (v, rng) => v + v * rng.normal(0, std));
}
