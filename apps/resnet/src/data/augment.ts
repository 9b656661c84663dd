import {
  type Augmentation,
  compose,
  elasticDistortion,
  fixedCrops,
  gaussianNoise,
  randomContrast,
  randomCrops,
  randomFlips,
  randomRotate,
  randomTint,
  saltAndPepper,
  speckleNoise,
} from '@funt/datasets';
import type { PreparedData } from './load.js';

export const NOISE_KINDS = ['gaussian', 'salt-pepper', 'speckle'] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

/**
 * The augmentation flags, in raw pixel units (before standardisation): `rotate` is the largest angle
 * in degrees (0 = none), `contrast` the factor range, `tint` the largest per-channel offset, and
 * `elastic` [alpha, sigma] of `elasticDistortion`.
 */
export interface AugmentOptions {
  /** Horizontal flips of half the batch; undefined = the data set's default (on for natural images). */
  flip?: boolean;
  /** Random crops of the image padded by this many pixels (0 = none). */
  cropPad: number;
  rotate: number;
  contrast?: [number, number];
  tint?: number;
  noise?: { kind: NoiseKind; amount: number };
  elastic?: [number, number];
  /** false turns every augmentation off. */
  augment: boolean;
}

/** The training-time transformation of raw-pixel batches (0–255), and a line per stage for logs. */
export interface TrainTransform {
  augment: Augmentation | null;
  stages: string[];
}

const PIXEL_RANGE: [number, number] = [0, 255];

/**
 * Builds the augmentation pipeline from the flags. It runs on raw pixel values before
 * standardisation, so that padding and rotated-in corners are black and noise amounts are in
 * pixel units. Training images larger than the network input (SFDDD) are always cropped to it:
 * at random, or in the centre when augmentation is off.
 */
export function trainTransform(o: AugmentOptions, data: PreparedData): TrainTransform {
  const [, h, w] = data.inputShape;
  const [, , th, tw] = data.train.shape;
  const larger = th !== h || tw !== w;
  const stages: [string, Augmentation][] = [];
  if (!o.augment) {
    if (larger) stages.push([`centre ${h}×${w} crop`, fixedCrops(h, w, 'center')]);
  } else {
    if (larger || o.cropPad > 0)
      stages.push([`random ${h}×${w} crops${o.cropPad ? ` with pad ${o.cropPad}` : ''}`, randomCrops(h, w, o.cropPad)]);
    if (o.flip ?? data.flipByDefault) stages.push(['horizontal flips of half the batch', randomFlips()]);
    if (o.rotate > 0) stages.push([`rotations up to ±${o.rotate}°`, randomRotate(o.rotate)]);
    if (o.elastic)
      stages.push([
        `elastic distortion α=${o.elastic[0]} σ=${o.elastic[1]}`,
        elasticDistortion({ alpha: o.elastic[0], sigma: o.elastic[1] }),
      ]);
    if (o.contrast)
      stages.push([
        `contrast ×[${o.contrast.join(', ')}]`,
        randomContrast({ lo: o.contrast[0], hi: o.contrast[1], center: 'mean' }),
      ]);
    if (o.tint) stages.push([`tint ±${o.tint} per channel`, randomTint({ lo: -o.tint, hi: o.tint })]);
    if (o.noise) {
      const { kind, amount } = o.noise;
      // Amounts are fractions: of the pixels (salt & pepper), of the pixel range (gaussian), of the value (speckle).
      const noise =
        kind === 'salt-pepper'
          ? saltAndPepper({ amount, range: PIXEL_RANGE })
          : kind === 'gaussian'
            ? gaussianNoise({ std: amount * 255, range: PIXEL_RANGE })
            : speckleNoise({ std: amount, range: PIXEL_RANGE });
      stages.push([`${kind} noise ${amount}`, noise]);
    }
  }
  return { augment: stages.length ? compose(stages.map((s) => s[1])) : null, stages: stages.map((s) => s[0]) };
}
