/**
 * The built-in augmentations as the laws see them: for each factory, its option space (a
 * fast-check arbitrary of valid options), how to make it, and what it declares for given
 * options (output shape, randomness, range, in-place, and its opt-in laws). funt's own tests
 * check every built-in through this table, so the declarations cannot drift from the code;
 * `builtinLaws` lets a user check them on their own batch sizes and values.
 */
import fc from 'fast-check';
import type { Augmentation } from '../augment/augmentation.js';
import { compose } from '../augment/compose.js';
import { type ContrastOptions, randomContrast } from '../augment/contrast.js';
import { type ElasticOptions, elasticDistortion } from '../augment/elastic.js';
import { type CropPosition, fixedCrops } from '../augment/fixed-crops.js';
import { type FlipOptions, randomFlips } from '../augment/flip.js';
import {
  type GaussianNoiseOptions,
  gaussianNoise,
  type SaltAndPepperOptions,
  type SpeckleNoiseOptions,
  saltAndPepper,
  speckleNoise,
} from '../augment/noise.js';
import { pad } from '../augment/pad.js';
import { pcaLighting } from '../augment/pca-lighting.js';
import { randomCrops } from '../augment/random-crops.js';
import { randomRotate } from '../augment/rotate.js';
import { randomTint, type TintOptions } from '../augment/tint.js';
import type { RgbPca } from '../preprocess/rgb-pca.js';
import { type BatchLimits, type BatchShape, resolveLimits } from './batches.js';
import type { Declaration } from './declaration.js';
import { type Law, lawsOver, type Subject, subjectOf } from './laws.js';

/** One built-in factory, seen by the laws. */
export interface Builtin<O> {
  /** Every valid combination of options, for the laws to explore. */
  readonly options: fc.Arbitrary<O>;
  /** Typical options (the factory's defaults where it has them). */
  readonly example: O;
  /** The augmentation for these options. */
  make(options: O): Augmentation;
  /** What it declares for these options. */
  declare(options: O): Declaration;
}

type Range = readonly [number, number];
type MinMax = { min: number; max: number };

/** The smallest interval holding every value given. */
function hull(...values: number[]): [number, number] {
  return [Math.min(...values), Math.max(...values)];
}

/** Values stay among the input's (and `fill`, where a geometric augmentation reads outside). */
const within =
  (...fill: number[]) =>
  ({ min, max }: MinMax): Range =>
    hull(min, max, ...fill);

/** A number from `lo` to `hi`, or exactly `special` (zero strength, the edges of a range). */
function numberOr(lo: number, hi: number, ...special: number[]): fc.Arbitrary<number> {
  return fc.oneof(fc.constantFrom(...special), fc.double({ min: lo, max: hi, noNaN: true }));
}

/** [lo, hi] with lo <= hi: equal (no randomness) or visibly apart. */
function interval(lo: number, hi: number, widest: number): fc.Arbitrary<{ lo: number; hi: number }> {
  return fc
    .tuple(fc.double({ min: lo, max: hi, noNaN: true }), numberOr(widest / 40, widest, 0))
    .map(([a, width]) => ({ lo: a, hi: a + width }));
}

/** The output ranges of a noise augmentation and the batches inside it (noise clips to its range). */
const noiseRange = fc.constantFrom<Range | undefined>(undefined, [0, 1], [-1, 2], [0, 255], [0.25, 0.75]);

const flips: Builtin<FlipOptions> = {
  options: fc.record({ p: numberOr(0.1, 0.9, 0, 0.5, 1) }, { requiredKeys: [] }),
  example: {},
  make: (o) => randomFlips(o),
  declare: ({ p = 0.5 }) => ({
    inPlace: true,
    // A one-column image is its own mirror.
    random: p > 0 && p < 1 ? ([, , , w]) => w > 1 : false,
    range: within(),
    identity: () => randomFlips({ p: 0 }),
    involution: true,
    commutesWith: { randomTint: randomTint(), randomContrast: randomContrast() },
    distributions: {
      'flip rate': {
        statistic: (x, y) => {
          const w = x.length;
          for (let k = 0; k < w; k++) if (y[k] !== x[w - 1 - k]) return 0;
          return 1;
        },
        mean: p,
        sd: Math.sqrt(p * (1 - p)),
        // Eight random values: mirrored and unchanged cannot be confused.
        shape: [1, 1, 8],
      },
    },
  }),
};

interface PadOptions {
  amount: number;
  fill?: number;
}

const padding: Builtin<PadOptions> = {
  options: fc.record(
    { amount: fc.integer({ min: 0, max: 3 }), fill: fc.constantFrom(0, -1, 0.5) },
    { requiredKeys: ['amount'] },
  ),
  example: { amount: 2 },
  make: ({ amount, fill }) => pad(amount, fill),
  declare: ({ amount, fill = 0 }) => ({
    shape: ([n, c, h, w]) => [n, c, h + 2 * amount, w + 2 * amount],
    random: false,
    range: amount > 0 ? within(fill) : within(),
    identity: () => pad(0, fill),
    inverse: ([, , h, w]) => fixedCrops(h, w, 'center'),
  }),
};

interface RandomCropOptions {
  cropH: number;
  cropW: number;
  pad?: number;
}

const size = fc.integer({ min: 1, max: 9 });

const crops: Builtin<RandomCropOptions> = {
  options: fc.record(
    { cropH: size, cropW: size, pad: fc.integer({ min: 0, max: 3 }) },
    { requiredKeys: ['cropH', 'cropW'] },
  ),
  example: { cropH: 4, cropW: 4, pad: 2 },
  make: ({ cropH, cropW, pad }) => randomCrops(cropH, cropW, pad),
  declare: ({ cropH, cropW, pad = 0 }) => ({
    // The crop must fit in the padded image.
    batches: { h: [Math.max(1, cropH - 2 * pad), Infinity], w: [Math.max(1, cropW - 2 * pad), Infinity] },
    shape: ([n, c]) => [n, c, cropH, cropW],
    // A crop as large as the padded image has nowhere to move.
    random: ([, , h, w]) => h + 2 * pad > cropH || w + 2 * pad > cropW,
    range: pad > 0 ? within(0) : within(),
    identity: ([, , h, w]) => randomCrops(h, w, 0),
  }),
};

interface FixedCropOptions {
  cropH: number;
  cropW: number;
  position?: CropPosition;
}

const fixed: Builtin<FixedCropOptions> = {
  options: fc.record(
    {
      cropH: size,
      cropW: size,
      position: fc.constantFrom<CropPosition>('center', 'top-left', 'top-right', 'bottom-left', 'bottom-right', 'all'),
    },
    { requiredKeys: ['cropH', 'cropW'] },
  ),
  example: { cropH: 3, cropW: 3, position: 'all' },
  make: ({ cropH, cropW, position }) => fixedCrops(cropH, cropW, position),
  declare: ({ cropH, cropW, position = 'center' }) => ({
    batches: { h: [cropH, Infinity], w: [cropW, Infinity] },
    // 'all': five crops per image, position-major.
    shape: ([n, c]) => [position === 'all' ? 5 * n : n, c, cropH, cropW],
    random: false,
    range: within(),
    identity: ([, , h, w]) => fixedCrops(h, w, position === 'all' ? 'center' : position),
  }),
};

interface RotateOptions {
  maxAngle: number;
  fill?: number;
}

const rotate: Builtin<RotateOptions> = {
  options: fc.record(
    { maxAngle: numberOr(1, 180, 0, 180), fill: fc.constantFrom(0, -1, 0.5) },
    { requiredKeys: ['maxAngle'] },
  ),
  example: { maxAngle: 30 },
  make: ({ maxAngle, fill }) => randomRotate(maxAngle, { fill }),
  declare: ({ maxAngle, fill = 0 }) => ({
    // A single pixel rotates onto itself.
    random: maxAngle > 0 ? ([, , h, w]) => h * w > 1 : false,
    // Bilinear weights are convex: values stay between the input's and the fill.
    range: within(fill),
    identity: () => randomRotate(0, { fill }),
  }),
};

const contrast: Builtin<ContrastOptions> = {
  options: fc
    .tuple(interval(-2, 3, 2), fc.constantFrom<ContrastOptions['center']>(undefined, 'zero', 'mean'))
    .map(([{ lo, hi }, center]) => ({ lo, hi, center })),
  example: {},
  make: (o) => randomContrast(o),
  declare: ({ lo = 0.8, hi = 1.2, center = 'zero' }) => ({
    inPlace: true,
    random: lo < hi,
    range:
      center === 'zero'
        ? ({ min, max }) => hull(lo * min, lo * max, hi * min, hi * max)
        : ({ min, max }) => {
            // (v − m)·f + m with the image mean m between min and max.
            const spread = Math.max(Math.abs(lo), Math.abs(hi)) * (max - min);
            return [min - spread, max + spread];
          },
    identity: () => randomContrast({ lo: 1, hi: 1, center }),
  }),
};

const tint: Builtin<TintOptions> = {
  options: interval(-20, 20, 20),
  example: {},
  make: (o) => randomTint(o),
  declare: ({ lo = -10, hi = 10 }) => ({
    inPlace: true,
    random: lo < hi,
    range: ({ min, max }) => [min + lo, max + hi],
    identity: () => randomTint({ lo: 0, hi: 0 }),
    distributions: {
      offset: {
        statistic: (x, y) => y[0] - x[0],
        mean: (lo + hi) / 2,
        sd: (hi - lo) / Math.sqrt(12),
        shape: [1, 1, 1],
        // float32 round-off of x + t, when only float32 batches are allowed.
        tolerance: 1e-4 * (1 + Math.abs(lo) + Math.abs(hi)),
      },
    },
  }),
};

/** What every noise declares: clipped to its range, in place, and checked on batches inside it. */
function noiseDeclaration(range: Range = [0, 1], random: boolean, identity: () => Augmentation): Declaration {
  return { batches: { values: range }, inPlace: true, random, range: () => range, identity };
}

const salt: Builtin<SaltAndPepperOptions> = {
  options: fc.record(
    // Away from the edges where nearly every value is replaced by one end (no visible randomness).
    { amount: numberOr(0.01, 0.9, 0, 0.05, 1), saltRatio: numberOr(0.1, 0.9, 0, 1), range: noiseRange },
    { requiredKeys: [] },
  ),
  example: {},
  make: (o) => saltAndPepper(o),
  declare: ({ amount = 0.05, saltRatio = 0.5, range }) => ({
    // Replacing every value by the same end is deterministic.
    ...noiseDeclaration(range, amount > 0 && (amount < 1 || (saltRatio > 0 && saltRatio < 1)), () =>
      saltAndPepper({ amount: 0, saltRatio, range }),
    ),
    distributions: {
      'replaced fraction': {
        statistic: (x, y) => {
          let replaced = 0;
          for (let k = 0; k < x.length; k++) if (y[k] !== x[k]) replaced++;
          return replaced / x.length;
        },
        mean: amount,
        sd: ([c, h, w]) => Math.sqrt((amount * (1 - amount)) / (c * h * w)),
        shape: [1, 8, 8],
      },
    },
  }),
};

const gaussian: Builtin<GaussianNoiseOptions> = {
  options: fc.record(
    { std: numberOr(0.01, 1, 0), mean: fc.constantFrom(0, 0.1, -0.1), range: noiseRange },
    { requiredKeys: [] },
  ),
  example: {},
  make: (o) => gaussianNoise(o),
  declare: ({ std = 0.1, range }) => noiseDeclaration(range, std > 0, () => gaussianNoise({ std: 0, mean: 0, range })),
};

const speckle: Builtin<SpeckleNoiseOptions> = {
  options: fc.record({ std: numberOr(0.01, 1, 0), range: noiseRange }, { requiredKeys: [] }),
  example: {},
  make: (o) => speckleNoise(o),
  declare: ({ std = 0.1, range }) => noiseDeclaration(range, std > 0, () => speckleNoise({ std: 0, range })),
};

const elastic: Builtin<ElasticOptions> = {
  options: fc.record(
    {
      alpha: numberOr(0.5, 10, 0),
      sigma: fc.double({ min: 0.5, max: 3, noNaN: true }),
      fill: fc.constantFrom(0, 1, -0.5),
    },
    { requiredKeys: [] },
  ),
  example: { alpha: 3, sigma: 1 },
  make: (o) => elasticDistortion(o),
  declare: ({ alpha = 34, sigma, fill = 0 }) => ({
    random: alpha > 0,
    range: within(fill),
    identity: () => elasticDistortion({ alpha: 0, sigma, fill }),
  }),
};

interface PcaLightingOptions {
  pca: RgbPca;
  std?: number;
}

const AXES: RgbPca['vectors'][] = [
  [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  [
    [0.6, 0.8, 0],
    [-0.8, 0.6, 0],
    [0, 0, 1],
  ],
];

const lighting: Builtin<PcaLightingOptions> = {
  options: fc.record(
    {
      pca: fc.record({
        values: fc.tuple(numberOr(0.01, 4, 0), numberOr(0.01, 4, 0), numberOr(0.01, 4, 0)),
        vectors: fc.constantFrom(...AXES),
      }),
      std: numberOr(0.01, 1, 0),
    },
    { requiredKeys: ['pca'] },
  ),
  example: { pca: { values: [4, 1, 0.25], vectors: AXES[1] }, std: 0.1 },
  make: ({ pca, std }) => pcaLighting(pca, std),
  declare: ({ pca, std = 0.1 }) => ({
    batches: { c: 3 },
    inPlace: true,
    random: std > 0 && pca.values.some((v) => v > 0),
    identity: () => pcaLighting(pca, 0),
  }),
};

function stage<O>(builtin: Builtin<O>, options: O): { aug: Augmentation; declared: Declaration } {
  return { aug: builtin.make(options), declared: builtin.declare(options) };
}

/** The stages compose is checked with: built-ins that work on any batch, at fixed options. */
const STAGES = {
  randomFlips: () => stage(flips, {}),
  randomTint: () => stage(tint, { lo: -0.1, hi: 0.1 }),
  randomContrast: () => stage(contrast, {}),
  gaussianNoise: () => stage(gaussian, {}),
  pad: () => stage(padding, { amount: 1 }),
};

type StageName = keyof typeof STAGES;

interface ComposeOptions {
  stages: readonly StageName[];
}

function stagesOf({ stages }: ComposeOptions): { name: StageName; aug: Augmentation; declared: Declaration }[] {
  return stages.map((name) => ({ name, ...STAGES[name]() }));
}

const pipeline: Builtin<ComposeOptions> = {
  options: fc.record({
    stages: fc.array(fc.constantFrom(...(Object.keys(STAGES) as StageName[])), { maxLength: 3 }),
  }),
  // One drawing stage: a pipeline that claims every law some pipeline keeps (in place, batch independence).
  example: { stages: ['randomFlips'] },
  make: (o) => compose(stagesOf(o).map((s) => s.aug)),
  declare: (o) => {
    const stages = stagesOf(o);
    const shapeAfter = (input: BatchShape, upTo: number): BatchShape =>
      stages.slice(0, upTo).reduce((s, st) => st.declared.shape?.(s) ?? s, input);
    return {
      shape: (input) => shapeAfter(input, stages.length),
      random: (input) =>
        stages.some((st, i) => {
          const r = st.declared.random ?? true;
          return typeof r === 'function' ? r(shapeAfter(input, i)) : r;
        }),
      inPlace: stages.every((st) => st.declared.inPlace),
      range: ({ min, max }) =>
        stages.reduce<Range>((r, st) => st.declared.range!({ min: r[0], max: r[1] }), [min, max]),
      // Each stage runs over the whole batch before the next: with two stages that draw, the
      // draws for image i's second stage come after every image's first-stage draws.
      batchIndependent: stages.filter((st) => st.name !== 'pad').length <= 1,
      identity: () => compose([]),
    };
  },
};

/** Every augmentation factory @funt/datasets exports, by name. */
export const builtins = {
  randomFlips: flips,
  pad: padding,
  randomCrops: crops,
  fixedCrops: fixed,
  randomRotate: rotate,
  randomContrast: contrast,
  randomTint: tint,
  saltAndPepper: salt,
  gaussianNoise: gaussian,
  speckleNoise: speckle,
  elasticDistortion: elastic,
  pcaLighting: lighting,
  compose: pipeline,
};

export type BuiltinName = keyof typeof builtins;

/** The options of a built-in, as its `Builtin` entry takes them. */
export type BuiltinOptions<K extends BuiltinName> = (typeof builtins)[K] extends Builtin<infer O> ? O : never;

/**
 * The laws of a built-in augmentation: over its whole option space (default), over an
 * arbitrary of options, or for one set of options; on batches within `batches` (narrowed to
 * what the augmentation needs, e.g. three channels for pcaLighting).
 */
export function builtinLaws<K extends BuiltinName>(
  name: K,
  over: { options?: BuiltinOptions<K> | fc.Arbitrary<BuiltinOptions<K>>; batches?: BatchLimits } = {},
): Law[] {
  const builtin = builtins[name] as unknown as Builtin<BuiltinOptions<K>> | undefined;
  if (!builtin) throw new RangeError(`builtinLaws: no built-in augmentation '${String(name)}'`);
  const base = resolveLimits(over.batches);
  const subject = (o: BuiltinOptions<K>) =>
    subjectOf(`${name}(${JSON.stringify(o)})`, builtin.make(o), builtin.declare(o), base);
  const laws = (subjects: fc.Arbitrary<Subject>) => lawsOver(subjects, builtin.declare(builtin.example));
  const given = over.options;
  if (given !== undefined && !(given instanceof fc.Arbitrary)) {
    const s = subject(given);
    if (!s) {
      throw new RangeError(
        `builtinLaws: ${name} with these options needs other batches than ${JSON.stringify(over.batches)}`,
      );
    }
    return laws(fc.constant(s));
  }
  const options = (given as fc.Arbitrary<BuiltinOptions<K>> | undefined) ?? builtin.options;
  // Options whose batches cannot meet `batches` (a crop larger than every image) are left out.
  const some = options.map(subject);
  if (fc.sample(some, { numRuns: 100, seed: 0 }).every((s) => s === null)) {
    throw new RangeError(`builtinLaws: no options of ${name} work on batches ${JSON.stringify(over.batches)}`);
  }
  return laws(some.filter((s): s is Subject => s !== null));
}
