/**
 * What an augmentation declares about itself, for the laws to check: its output shape, whether
 * it is random, whether it may run in place, the range of its values, and the opt-in laws it
 * claims (identity at zero strength, involution, an inverse, commuting with another
 * augmentation, distributions of its draws).
 */
import type { Augmentation } from '../augment/augmentation.js';
import type { BatchLimits, BatchShape } from './batches.js';

/** The size of one image: channels, height, width. */
export type ImageShape = readonly [c: number, h: number, w: number];

/**
 * A statistic of the augmentation's draws, checked over many images: the mean of
 * `statistic(input image, output image)` must be within 5 standard errors of `mean` (a false
 * alarm about once in 1.7 million checks).
 */
export interface Distribution {
  /** One number per image, from the input image and its output (each C×H×W, row-major). */
  statistic: (input: ArrayLike<number>, output: ArrayLike<number>, shape: ImageShape) => number;
  /** The statistic's expected mean (for a rate: the probability). */
  mean: number;
  /** Its standard deviation over images (for a rate p: √(p(1−p))), or that of an image shape. */
  sd: number | ((shape: ImageShape) => number);
  /** How many images to draw (default 1000). */
  images?: number;
  /** The image size to draw them at (default: the largest the batches allow). */
  shape?: ImageShape;
  /** Slack added to the bound, for round-off in the statistic (default 1e-9). */
  tolerance?: number;
}

/** What an augmentation declares; every field is optional. */
export interface Declaration {
  /**
   * The output shape for an input shape (default: the same). An output of k·N images holds k
   * per input image, position-major: output image j comes from input image j mod N.
   */
  shape?: (input: BatchShape) => BatchShape;
  /** The batches to check on (see `BatchLimits`; default: small batches of values in [0, 1]). */
  batches?: BatchLimits;
  /**
   * Whether the output depends on the seed (default true), possibly by input shape (a crop as
   * large as the image has nowhere to move). False: every seed gives the same output.
   */
  random?: boolean | ((input: BatchShape) => boolean);
  /** Whether `out` may be the input itself (element-wise augmentations; default false). */
  inPlace?: boolean;
  /** The interval every output value lies in, given the input's smallest and largest value. */
  range?: (input: { min: number; max: number }) => readonly [lo: number, hi: number];
  /**
   * Whether augmenting a batch equals augmenting its images one at a time with the same
   * generator (default true). See the 'batch-independent' law.
   */
  batchIndependent?: boolean;
  /** The augmentation at zero strength, for an input shape: it must return its input exactly. */
  identity?: (input: BatchShape) => Augmentation;
  /** Applying the augmentation twice with the same seed gives the input back exactly. */
  involution?: boolean;
  /** An augmentation that undoes this one, for an input shape, run with the same seed. */
  inverse?: (input: BatchShape) => Augmentation;
  /** Augmentations this one commutes with, by name: f(g(x)) = g(f(x)), each with its own seed. */
  commutesWith?: Readonly<Record<string, Augmentation>>;
  /** Distributions of its draws, by name. */
  distributions?: Readonly<Record<string, Distribution>>;
  /** Absolute tolerance of the inverse and commutes laws (default 0: exact). */
  tolerance?: number;
}
