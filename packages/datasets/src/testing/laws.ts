/**
 * The laws of augmentations, as fast-check properties. Every augmentation must keep the core
 * laws (shape, labels, determinism, seeds, finiteness, range, untouched input, `out`, in
 * place, batch independence); the opt-in laws hold for those that declare them (identity at
 * zero strength, involution, inverse, commuting with another augmentation, distributions).
 *
 * A law is checked on a *subject* (an augmentation with its declaration and the batches to
 * draw); a fixed augmentation is one subject, a built-in over its option space is an
 * arbitrary of subjects, so that fast-check explores options, batches and seeds together.
 */
import { formatShape, Rng, type RngState, Tensor } from '@funt/tensor';
import fc from 'fast-check';
import type { Augmentation } from '../augment/augmentation.js';
import {
  type BatchShape,
  batchesWithin,
  batchTensor,
  type ImageBatch,
  narrowLimits,
  probeBatch,
  type ResolvedLimits,
  resolveLimits,
  seeds,
  withData,
} from './batches.js';
import type { Declaration, Distribution, ImageShape } from './declaration.js';

/** A named property: one law for one augmentation (or a family of them). */
export interface Law {
  /** Short and stable, e.g. 'shape' or 'commutes: randomTint'. */
  readonly name: string;
  /** The law in one line. */
  readonly description: string;
  /** The fast-check property; `fc.assert(law.property, { numRuns: law.numRuns })` checks it. */
  readonly property: fc.IProperty<[Trial]>;
  /** Runs that make it meaningful without making it slow. */
  readonly numRuns: number;
}

/** An augmentation, what it declares, and the batches it is checked on. */
export interface Subject {
  /** How a counterexample names it, e.g. `randomCrops({"cropH":3,"cropW":2})`. */
  readonly label: string;
  readonly aug: Augmentation;
  readonly declared: Declaration;
  readonly limits: ResolvedLimits;
}

/** One run of a law: a subject, a batch, seeds and a choice of image (what each law needs). */
export interface Trial {
  readonly subject: Subject;
  readonly batch: ImageBatch;
  readonly seed: number;
  readonly seeds: readonly number[];
  readonly pick: number;
  readonly other: ImageBatch;
  /** False where the law needs batches the subject's limits exclude (two images of a one-image limit). */
  readonly applies: boolean;
}

/** Seeds enough that a random augmentation cannot give one output for all of them by chance. */
const SEED_COUNT = 16;
/** Standard errors a distribution's mean may stray (a false alarm about once in 1.7 million). */
const Z = 5;

/** The subject for an augmentation and its declaration, or null when no batch satisfies both. */
export function subjectOf(
  label: string,
  aug: Augmentation,
  declared: Declaration,
  base: ResolvedLimits,
): Subject | null {
  const limits = declared.batches ? narrowLimits(declared.batches, base) : base;
  return limits && { label, aug, declared, limits };
}

// ---------------------------------------------------------------------------------------------
// Running an augmentation and comparing values

/** Tensors made during one trial, disposed at its end whatever happens. */
class Scope {
  private readonly tensors: Tensor[] = [];
  track(t: Tensor): Tensor {
    this.tensors.push(t);
    return t;
  }
  tensor(batch: ImageBatch): Tensor {
    return this.track(batchTensor(batch));
  }
  run(aug: Augmentation, x: Tensor, rng: Rng, out?: Tensor): Tensor {
    return this.track(aug(x, rng, out));
  }
  dispose(): void {
    // Whatever a broken augmentation returned, the law reports it, not a failed clean-up.
    for (const t of this.tensors) if (typeof t?.dispose === 'function') t.dispose();
  }
}

function inScope(body: (scope: Scope) => void): void {
  const scope = new Scope();
  try {
    body(scope);
  } finally {
    scope.dispose();
  }
}

class LawViolation extends Error {}

function fail(message: string): never {
  throw new LawViolation(message);
}

function valuesOf(t: Tensor): Float64Array {
  return Float64Array.from(t.data);
}

function outputShape(s: Subject, input: BatchShape): BatchShape {
  return s.declared.shape ? s.declared.shape(input) : input;
}

/** Output images per input image (1 unless the declared shape multiplies N). */
function copiesOf(input: BatchShape, output: BatchShape): number {
  const k = output[0] / input[0];
  if (!Number.isInteger(k) || k < 1) {
    fail(`the declared output shape ${formatShape(output)} does not hold k·N images for input ${formatShape(input)}`);
  }
  return k;
}

function isRandom(s: Subject, input: BatchShape): boolean {
  const r = s.declared.random ?? true;
  return typeof r === 'function' ? r(input) : r;
}

/** Where value k of a batch of this shape sits. */
function at(k: number, shape: readonly number[]): string {
  const [, c, h, w] = shape;
  const x = k % w;
  const y = Math.floor(k / w) % h;
  const ch = Math.floor(k / (w * h)) % c;
  const i = Math.floor(k / (w * h * c));
  return `image ${i}, channel ${ch}, row ${y}, column ${x}`;
}

/** Index of the first pair differing by more than `tolerance` (NaN equals NaN), or -1. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>, tolerance = 0): number {
  for (let k = 0; k < a.length; k++) {
    const x = a[k];
    const y = b[k];
    if (x === y || (Number.isNaN(x) && Number.isNaN(y))) continue;
    if (!(Math.abs(x - y) <= tolerance)) return k;
  }
  return a.length === b.length ? -1 : Math.min(a.length, b.length);
}

/** Fails with `what` and the first difference between `actual` and `expected`, if any. */
function expectSame(
  what: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  shape: readonly number[],
  tolerance = 0,
): void {
  if (actual.length !== expected.length) fail(`${what}: ${actual.length} values, expected ${expected.length}`);
  const k = firstDifference(actual, expected, tolerance);
  if (k >= 0) fail(`${what}: at ${at(k, shape)}, ${actual[k]} instead of ${expected[k]}`);
}

function expectShape(what: string, t: Tensor, shape: readonly number[]): void {
  if (t.shape.length !== 4 || t.shape.some((d, i) => d !== shape[i])) {
    fail(`${what}: shape ${formatShape(t.shape)}, expected ${formatShape(shape)}`);
  }
}

/** Fails unless `y` is the input batch again (within `tolerance`). */
function expectInput(what: string, y: Tensor, batch: ImageBatch, tolerance = 0): void {
  expectShape(what, y, batch.shape);
  expectSame(what, valuesOf(y), batch.data, batch.shape, tolerance);
}

function sameState(a: RngState, b: RngState): boolean {
  return a.spare === b.spare && a.s.every((w, i) => w === b.s[i]);
}

/** The values of image `i` of a batch whose images hold `size` values. */
function image(data: Float64Array, i: number, size: number): Float64Array {
  return data.subarray(i * size, (i + 1) * size);
}

// ---------------------------------------------------------------------------------------------
// The laws

type Check = (t: Trial, scope: Scope) => void;

/** What of a trial a law reads, and so what its counterexample shows. */
type Part = 'batch' | 'seed' | 'seeds' | 'pick' | 'other';

interface LawSpec {
  name: string;
  description: string;
  numRuns: number;
  /** The parts of the trial it reads (default: the batch and the seed). */
  uses?: readonly Part[];
  /** The batches this law needs, narrowed from the subject's (null: the law says nothing there). */
  limits?: (l: ResolvedLimits) => ResolvedLimits | null;
  check: Check;
}

const shapeLaw: LawSpec = {
  name: 'shape',
  description: "the output has the declared shape and the input's dtype and backend",
  numRuns: 100,
  check: ({ subject: s, batch, seed }, scope) => {
    const x = scope.tensor(batch);
    const y = scope.run(s.aug, x, new Rng(seed));
    if (!(y instanceof Tensor)) fail(`it returned ${y === null ? 'null' : typeof y}, not a Tensor`);
    expectShape('output', y, outputShape(s, batch.shape));
    if (y.dtype !== x.dtype) fail(`output is ${y.dtype}, input ${x.dtype}`);
    if (y.backend !== x.backend) fail(`output is on backend '${y.backend.name}', input on '${x.backend.name}'`);
  },
};

const labelsLaw: LawSpec = {
  name: 'labels',
  uses: ['batch', 'seed', 'pick'],
  description:
    'output image j comes from input image j mod N alone, so the batch labels still apply: changing one input image changes no other output image',
  numRuns: 100,
  limits: (l) => narrowLimits({ n: [2, Infinity] }, l),
  check: ({ subject: s, batch, seed, pick }, scope) => {
    const [n, c, h, w] = batch.shape;
    const size = c * h * w;
    const i = pick % n;
    // Image i reflected within the value range: as different as the range allows.
    const data = Float64Array.from(batch.data);
    const [lo, hi] = batch.values;
    const round = batch.dtype === 'float32' ? Math.fround : (v: number) => v;
    for (let k = i * size; k < (i + 1) * size; k++) data[k] = round(lo + hi - data[k]);
    const y = valuesOf(scope.run(s.aug, scope.tensor(batch), new Rng(seed)));
    const changed = scope.run(s.aug, scope.tensor(withData(batch, data)), new Rng(seed));
    const z = valuesOf(changed);
    const outSize = z.length / changed.shape[0];
    for (let j = 0; j < changed.shape[0]; j++) {
      if (j % n === i) continue;
      if (firstDifference(image(y, j, outSize), image(z, j, outSize)) >= 0) {
        fail(`changing input image ${i} changed output image ${j}, which comes from input image ${j % n}`);
      }
    }
  },
};

const deterministicLaw: LawSpec = {
  name: 'deterministic',
  uses: ['batch', 'seed', 'other', 'seeds'],
  description: 'the same seed gives the same output bit for bit and the same generator state, whatever ran before',
  numRuns: 100,
  check: ({ subject: s, batch, seed, other, seeds: [otherSeed] }, scope) => {
    const first = new Rng(seed);
    const a = scope.run(s.aug, scope.tensor(batch), first);
    const expected = valuesOf(a);
    // A call on another batch in between must leave no trace (state kept between calls).
    scope.run(s.aug, scope.tensor(other), new Rng(otherSeed));
    const again = new Rng(seed);
    const b = scope.run(s.aug, scope.tensor(batch), again);
    expectSame('the same seed gave another output', valuesOf(b), expected, b.shape);
    if (!sameState(first.getState(), again.getState())) {
      fail('the same seed left the generator in another state (a different number of draws)');
    }
  },
};

const seedsLaw: LawSpec = {
  name: 'seeds',
  uses: ['batch', 'seeds'],
  description:
    'a random augmentation gives different outputs for different seeds (on a batch of random values); a deterministic one, the same output for every seed',
  numRuns: 10,
  check: ({ subject: s, batch, seeds: list }, scope) => {
    const probe = probeBatch(s.limits, 1);
    if (isRandom(s, probe.shape)) {
      const first = valuesOf(scope.run(s.aug, scope.tensor(probe), new Rng(list[0])));
      for (const seed of list.slice(1)) {
        if (firstDifference(valuesOf(scope.run(s.aug, scope.tensor(probe), new Rng(seed))), first) >= 0) return;
      }
      fail(
        `${list.length} seeds gave one output on a ${formatShape(probe.shape)} batch of random values: it ignores its generator (declare random: false if it is deterministic)`,
      );
    }
    const a = scope.run(s.aug, scope.tensor(batch), new Rng(list[0]));
    const b = scope.run(s.aug, scope.tensor(batch), new Rng(list[1]));
    expectSame(`declared deterministic, but seeds ${list[0]} and ${list[1]} differ`, valuesOf(b), valuesOf(a), a.shape);
  },
};

const finiteLaw: LawSpec = {
  name: 'finite',
  description: 'finite values in, finite values out',
  numRuns: 100,
  check: ({ subject: s, batch, seed }, scope) => {
    const y = scope.run(s.aug, scope.tensor(batch), new Rng(seed));
    const k = y.data.findIndex((v) => !Number.isFinite(v));
    if (k >= 0) fail(`output ${y.data[k]} at ${at(k, y.shape)} from a finite input`);
  },
};

const rangeLaw: LawSpec = {
  name: 'range',
  description: "every output value lies in the declared range of the input's values (up to float32 round-off)",
  numRuns: 100,
  check: ({ subject: s, batch, seed }, scope) => {
    const range = s.declared.range;
    if (!range) return;
    let min = Infinity;
    let max = -Infinity;
    for (const v of batch.data) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const [lo, hi] = range({ min, max });
    const slack = 2 ** -20 * Math.max(1, Math.abs(lo), Math.abs(hi));
    const y = scope.run(s.aug, scope.tensor(batch), new Rng(seed));
    const k = y.data.findIndex((v) => !(v >= lo - slack && v <= hi + slack));
    if (k >= 0) {
      fail(`output ${y.data[k]} at ${at(k, y.shape)} is outside [${lo}, ${hi}] (input values in [${min}, ${max}])`);
    }
  },
};

const inputLaw: LawSpec = {
  name: 'input-untouched',
  uses: ['batch', 'seed', 'pick'],
  description: 'the input batch keeps its values (with or without out, unless out is the input)',
  numRuns: 100,
  check: ({ subject: s, batch, seed, pick }, scope) => {
    const x = scope.tensor(batch);
    const out = pick % 2 ? scope.track(Tensor.empty(outputShape(s, batch.shape), x.dtype, x.backend)) : undefined;
    scope.run(s.aug, x, new Rng(seed), out);
    expectSame('the input was modified', valuesOf(x), batch.data, batch.shape);
  },
};

const outLaw: LawSpec = {
  name: 'out',
  description: 'given out, it writes the whole result there and returns out',
  numRuns: 100,
  check: ({ subject: s, batch, seed }, scope) => {
    const expected = valuesOf(scope.run(s.aug, scope.tensor(batch), new Rng(seed)));
    const x = scope.tensor(batch);
    // NaN marks every value: one left unwritten shows.
    const out = scope.track(Tensor.empty(outputShape(s, batch.shape), x.dtype, x.backend));
    out.data.fill(Number.NaN);
    const y = scope.run(s.aug, x, new Rng(seed), out);
    if (y !== out) fail('given out, it returned another tensor');
    expectSame('with out', valuesOf(out), expected, out.shape);
  },
};

const inPlaceLaw: LawSpec = {
  name: 'in-place',
  description: 'with out = the input, the result is the same as into a new tensor',
  numRuns: 100,
  check: ({ subject: s, batch, seed }, scope) => {
    if (!s.declared.inPlace) return;
    const expected = valuesOf(scope.run(s.aug, scope.tensor(batch), new Rng(seed)));
    const x = scope.tensor(batch);
    if (scope.run(s.aug, x, new Rng(seed), x) !== x) fail('with out = the input, it returned another tensor');
    expectSame('in place', valuesOf(x), expected, x.shape);
  },
};

const batchIndependentLaw: LawSpec = {
  name: 'batch-independent',
  description:
    'augmenting a batch equals augmenting its images one at a time with the same generator: each image depends on its own pixels and the draws made for it, so the batch size changes nothing',
  numRuns: 100,
  check: ({ subject: s, batch, seed }, scope) => {
    if (s.declared.batchIndependent === false) return;
    const whole = new Rng(seed);
    const y = scope.run(s.aug, scope.tensor(batch), whole);
    const [n, c, h, w] = batch.shape;
    const size = c * h * w;
    const k = copiesOf(batch.shape, outputShape(s, batch.shape));
    const outSize = y.size / y.shape[0];
    const expected = valuesOf(y);
    const one = new Rng(seed);
    for (let i = 0; i < n; i++) {
      const single = withData(batch, batch.data.slice(i * size, (i + 1) * size), [1, c, h, w]);
      const yi = valuesOf(scope.run(s.aug, scope.tensor(single), one));
      for (let q = 0; q < k; q++) {
        const j = q * n + i;
        if (firstDifference(image(yi, q, outSize), image(expected, j, outSize)) >= 0) {
          const before = i === 0 ? 'first' : `after image${i > 1 ? `s 0…${i - 1}` : ' 0'}`;
          fail(
            `output image ${j} of the batch differs from input image ${i} augmented alone (${before}, same generator)`,
          );
        }
      }
    }
    if (!sameState(whole.getState(), one.getState())) {
      fail('the batch draws another number of values than its images one at a time');
    }
  },
};

const CORE: readonly LawSpec[] = [
  shapeLaw,
  labelsLaw,
  deterministicLaw,
  seedsLaw,
  finiteLaw,
  rangeLaw,
  inputLaw,
  outLaw,
  inPlaceLaw,
  batchIndependentLaw,
];

const identityLaw: LawSpec = {
  name: 'identity',
  description: 'at zero strength it returns its input exactly',
  numRuns: 100,
  check: ({ subject: s, batch, seed }, scope) => {
    const identity = s.declared.identity?.(batch.shape);
    if (!identity) return;
    expectInput('at zero strength', scope.run(identity, scope.tensor(batch), new Rng(seed)), batch);
  },
};

const involutionLaw: LawSpec = {
  name: 'involution',
  description: 'applied twice with the same seed it returns the input exactly',
  numRuns: 100,
  check: ({ subject: s, batch, seed }, scope) => {
    if (!s.declared.involution) return;
    const once = scope.run(s.aug, scope.tensor(batch), new Rng(seed));
    expectInput('applied twice', scope.run(s.aug, once, new Rng(seed)), batch);
  },
};

const inverseLaw: LawSpec = {
  name: 'inverse',
  description: 'the declared inverse, run with the same seed, returns the input',
  numRuns: 100,
  check: ({ subject: s, batch, seed }, scope) => {
    const inverse = s.declared.inverse?.(batch.shape);
    if (!inverse) return;
    const y = scope.run(s.aug, scope.tensor(batch), new Rng(seed));
    expectInput('inverted', scope.run(inverse, y, new Rng(seed)), batch, s.declared.tolerance);
  },
};

function commutesLaw(name: string): LawSpec {
  return {
    name: `commutes: ${name}`,
    uses: ['batch', 'seeds'],
    description: `it commutes with ${name}: f(g(x)) = g(f(x)), each with its own seed`,
    numRuns: 100,
    check: ({ subject: s, batch, seeds: [seedF, seedG] }, scope) => {
      const g = s.declared.commutesWith?.[name];
      if (!g) return;
      const fg = scope.run(s.aug, scope.run(g, scope.tensor(batch), new Rng(seedG)), new Rng(seedF));
      const gf = scope.run(g, scope.run(s.aug, scope.tensor(batch), new Rng(seedF)), new Rng(seedG));
      expectShape(`${name} after it`, gf, fg.shape);
      expectSame(`${name} after it, against before it`, valuesOf(gf), valuesOf(fg), fg.shape, s.declared.tolerance);
    },
  };
}

function distributionLaw(name: string): LawSpec {
  return {
    name: `distribution: ${name}`,
    uses: ['seed'],
    description: `the mean of its '${name}' statistic over many images is within ${Z} standard errors of the declared mean`,
    numRuns: 5,
    check: ({ subject: s, seed }, scope) => {
      const d: Distribution | undefined = s.declared.distributions?.[name];
      if (!d) return;
      const l = s.limits;
      const [c, h, w]: ImageShape = d.shape ?? [l.c[1], l.h[1], l.w[1]];
      const dtype = l.dtypes.includes('float64') ? 'float64' : l.dtypes[0];
      const probe = probeBatch(l, seed, [d.images ?? 1000, c, h, w], dtype);
      const y = scope.run(s.aug, scope.tensor(probe), new Rng(seed));
      const out = valuesOf(y);
      const n = probe.shape[0];
      const size = c * h * w;
      const outSize = out.length / y.shape[0];
      let sum = 0;
      for (let j = 0; j < y.shape[0]; j++) {
        sum += d.statistic(image(probe.data, j % n, size), image(out, j, outSize), [c, h, w]);
      }
      const mean = sum / y.shape[0];
      const sd = typeof d.sd === 'function' ? d.sd([c, h, w]) : d.sd;
      const bound = (Z * sd) / Math.sqrt(y.shape[0]) + (d.tolerance ?? 1e-9);
      if (!(Math.abs(mean - d.mean) <= bound)) {
        fail(`mean ${mean} over ${y.shape[0]} images of ${c}×${h}×${w}; expected ${d.mean} ± ${bound}`);
      }
    },
  };
}

/** The opt-in laws a declaration claims. */
function optIns(declared: Declaration): LawSpec[] {
  const laws: LawSpec[] = [];
  if (declared.identity) laws.push(identityLaw);
  if (declared.involution) laws.push(involutionLaw);
  if (declared.inverse) laws.push(inverseLaw);
  for (const name of Object.keys(declared.commutesWith ?? {})) laws.push(commutesLaw(name));
  for (const name of Object.keys(declared.distributions ?? {})) laws.push(distributionLaw(name));
  return laws;
}

/** The core laws a declaration keeps (range, in-place and batch independence only when it claims them). */
function coreFor(declared: Declaration): LawSpec[] {
  return CORE.filter(
    (l) =>
      (l !== rangeLaw || declared.range) &&
      (l !== inPlaceLaw || declared.inPlace) &&
      (l !== batchIndependentLaw || declared.batchIndependent !== false),
  );
}

function describeTrial(t: Trial, uses: readonly Part[]): string {
  const parts = uses.map((part) => {
    switch (part) {
      case 'batch':
        return `on ${fc.stringify(t.batch)}`;
      case 'seed':
        return `seed ${t.seed}`;
      case 'seeds':
        return `seeds ${t.seeds.join(', ')}`;
      case 'pick':
        return `pick ${t.pick}`;
      case 'other':
        return `after a call on ${fc.stringify(t.other)}`;
    }
  });
  return `${t.subject.label} ${parts.join(', ')}`;
}

/** The law as a property over subjects (and the batches, seeds and picks each needs). */
function toLaw(spec: LawSpec, subjects: fc.Arbitrary<Subject>): Law {
  const trials = subjects.chain((subject) => {
    const limits = spec.limits ? spec.limits(subject.limits) : subject.limits;
    return fc.record({
      subject: fc.constant(subject),
      batch: batchesWithin(limits ?? subject.limits),
      seed: seeds(),
      seeds: fc.uniqueArray(seeds(), { minLength: SEED_COUNT, maxLength: SEED_COUNT }),
      pick: fc.nat(),
      other: batchesWithin(subject.limits),
      applies: fc.constant(limits !== null),
    });
  });
  const uses = spec.uses ?? ['batch', 'seed'];
  // A counterexample shows the subject and what the law read, not every field drawn.
  const shown = trials.map((t) => Object.assign(t, { [fc.toStringMethod]: () => describeTrial(t, uses) }));
  return {
    name: spec.name,
    description: spec.description,
    numRuns: spec.numRuns,
    property: fc.property(shown, (t) => {
      if (t.applies) inScope((scope) => spec.check(t, scope));
    }),
  };
}

/**
 * The laws of a family of augmentations (each subject with its own declaration): the core
 * laws and the opt-in laws that `example` (a declaration of the family) claims. A subject
 * that does not claim an opt-in law passes it.
 */
export function lawsOver(subjects: fc.Arbitrary<Subject>, example: Declaration): Law[] {
  return [...coreFor(example), ...optIns(example)].map((spec) => toLaw(spec, subjects));
}

/**
 * The laws `aug` must keep given what it declares: the core laws, and the opt-in laws the
 * declaration claims. Check them with `checkLaws` (any runner), `describeLaws` (vitest), or
 * `fc.assert(law.property, { numRuns: law.numRuns })`. `name` labels its counterexamples.
 */
export function augmentationLaws(aug: Augmentation, declared: Declaration = {}, name?: string): Law[] {
  if (typeof aug !== 'function') {
    throw new TypeError('augmentationLaws: expected an augmentation (x, rng, out?) => Tensor');
  }
  const label = name ?? (aug.name || 'augmentation');
  const subject = { label, aug, declared, limits: resolveLimits(declared.batches) };
  return lawsOver(fc.constant(subject), declared);
}
