/**
 * The laws catch what they claim to: for each law, an augmentation broken in exactly that way
 * is reported as failing by that law, by name, while a correct one passes them all.
 */
import { Rng, type Tensor } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import type { Augmentation } from '../augment/augmentation.js';
import { fixedCrops } from '../augment/fixed-crops.js';
import { randomFlips } from '../augment/flip.js';
import { gaussianNoise } from '../augment/noise.js';
import { randomRotate } from '../augment/rotate.js';
import { randomTint } from '../augment/tint.js';
import { augmentationLaws, checkAugmentation, checkLaws, type Declaration } from './index.js';

const flip = randomFlips();
const tint = randomTint({ lo: -0.1, hi: 0.1 });
const same = ({ min, max }: { min: number; max: number }): [number, number] => [min, max];
const flipDeclared: Declaration = { inPlace: true, range: same };
const tintDeclared: Declaration = { inPlace: true, range: ({ min, max }) => [min - 0.1, max + 0.1] };

/** A copy of the batch (the output tensor `out` when given), for hand-written broken variants. */
function copyOf(x: Tensor, out?: Tensor): Tensor {
  const y = out ?? flip(x, { bernoulli: () => false } as unknown as Rng);
  if (y !== x) y.data.set(x.data);
  return y;
}

interface Broken {
  law: string;
  what: string;
  aug: Augmentation;
  declared: Declaration;
}

const broken: Broken[] = [
  {
    law: 'input-untouched',
    what: 'mutates its input',
    aug: (x, rng, out) => tint(x, rng, out ?? x),
    declared: tintDeclared,
  },
  {
    law: 'seeds',
    what: 'ignores the seed',
    aug: (x, _rng, out) => flip(x, new Rng(0), out),
    declared: flipDeclared,
  },
  {
    law: 'shape',
    what: 'changes the shape it declares',
    aug: (x, rng, out) => fixedCrops(x.shape[2], Math.max(1, x.shape[3] - 1))(x, rng, out),
    declared: { random: false, range: same },
  },
  {
    law: 'labels',
    what: 'reverses the order of the batch',
    aug: (x, rng, out) => {
      const y = flip(x, rng);
      const z = copyOf(y, out);
      const size = y.size / y.shape[0];
      const n = y.shape[0];
      for (let i = 0; i < n; i++) z.data.set(y.data.subarray((n - 1 - i) * size, (n - i) * size), i * size);
      y.dispose();
      return z;
    },
    declared: { range: same },
  },
  {
    law: 'deterministic',
    what: 'keeps state between calls',
    aug: (() => {
      let calls = 0;
      return (x: Tensor, rng: Rng, out?: Tensor) => randomTint({ lo: calls, hi: ++calls })(x, rng, out);
    })(),
    declared: { inPlace: true },
  },
  {
    law: 'finite',
    what: "divides by each image's spread (NaN for a constant image)",
    aug: (x, _rng, out) => {
      const y = copyOf(x, out);
      const size = x.size / x.shape[0];
      for (let i = 0; i < x.shape[0]; i++) {
        const img = y.data.subarray(i * size, (i + 1) * size);
        const min = Math.min(...img);
        const max = Math.max(...img);
        for (let k = 0; k < size; k++) img[k] = (img[k] - min) / (max - min);
      }
      return y;
    },
    declared: { random: false, inPlace: true },
  },
  {
    law: 'range',
    what: 'declares a range its values leave',
    aug: tint,
    declared: { ...tintDeclared, range: same },
  },
  {
    law: 'out',
    what: 'writes only part of out',
    aug: (x, rng, out) => {
      const y = flip(x, rng);
      if (!out) return y;
      out.data.set(y.data.subarray(0, y.size - 1));
      y.dispose();
      return out;
    },
    declared: { range: same },
  },
  {
    law: 'in-place',
    what: 'declares in-place but reads values it has already overwritten',
    aug: (x, _rng, out) => {
      // Shifts each row right by one, reading x after writing out.
      const y = out ?? copyOf(x);
      const w = x.shape[3];
      for (let k = 0; k < x.size; k++) y.data[k] = k % w === 0 ? 0 : x.data[k - 1];
      return y;
    },
    declared: { random: false, inPlace: true },
  },
  {
    law: 'batch-independent',
    what: 'draws once for the whole batch',
    aug: (x, rng, out) => {
      const p = rng.bernoulli() ? 1 : 0;
      return randomFlips({ p })(x, new Rng(0), out);
    },
    declared: flipDeclared,
  },
  {
    law: 'identity',
    what: 'is not the identity at the strength it calls zero',
    aug: tint,
    declared: { ...tintDeclared, identity: () => randomTint({ lo: 0.01, hi: 0.01 }) },
  },
  {
    law: 'involution',
    what: 'claims a rotation undoes itself',
    aug: randomRotate(90),
    declared: { involution: true },
  },
  {
    law: 'inverse',
    what: 'declares a crop that is not its inverse',
    aug: flip,
    declared: { ...flipDeclared, inverse: ([, , h, w]) => fixedCrops(h, w, 'top-left') },
  },
  {
    law: 'commutes: gaussianNoise',
    what: 'claims flips commute with per-value noise',
    aug: flip,
    declared: { ...flipDeclared, commutesWith: { gaussianNoise: gaussianNoise({ range: [-1, 2] }) } },
  },
  {
    law: 'distribution: flip rate',
    what: 'declares a flip rate it does not have',
    aug: randomFlips({ p: 0.5 }),
    declared: {
      ...flipDeclared,
      distributions: {
        'flip rate': {
          statistic: (x, y) => (y[0] === x[x.length - 1] && y[0] !== x[0] ? 1 : 0),
          mean: 0.3,
          sd: Math.sqrt(0.3 * 0.7),
          shape: [1, 1, 8],
        },
      },
    },
  },
];

describe('augmentationLaws', () => {
  it('a correct augmentation passes every law it declares', () => {
    const declared: Declaration = {
      ...flipDeclared,
      identity: () => randomFlips({ p: 0 }),
      involution: true,
      commutesWith: { randomTint: tint },
    };
    const laws = augmentationLaws(flip, declared);
    expect(laws.map((l) => l.name)).toEqual([
      'shape',
      'labels',
      'deterministic',
      'seeds',
      'finite',
      'range',
      'input-untouched',
      'out',
      'in-place',
      'batch-independent',
      'identity',
      'involution',
      'commutes: randomTint',
    ]);
    expect(checkLaws(laws)).toEqual([]);
  });

  // Breaking one thing can break its consequences: ignoring the seed also ties every image to
  // the same draw; reversing the batch also changes which draws each image gets; an out of the
  // declared shape is refused (which the laws that pass one see as a failure); state kept
  // between calls shows in every law that calls twice.
  const alsoBroken: Record<string, string[]> = {
    seeds: ['batch-independent'],
    shape: ['out', 'input-untouched'],
    labels: ['batch-independent'],
    deterministic: ['labels', 'out', 'in-place', 'batch-independent'],
  };

  it.each(broken)('an augmentation that $what fails the law $law (and only its consequences)', (b) => {
    const failures = checkAugmentation(b.aug, b.declared, { seed: 1 });
    expect(failures.map((f) => f.law).sort()).toEqual([b.law, ...(alsoBroken[b.law] ?? [])].sort());
    const failure = failures.find((f) => f.law === b.law)!;
    // The report says what broke and replays it: fast-check's seed and smallest counterexample.
    expect(failure.report).toContain(`${b.law}: ${failure.message}`);
    expect(failure.report).toMatch(/seed: .*\n[\s\S]*Counterexample: \[/);
  });

  it('rejects what is not an augmentation, and batch limits nothing satisfies', () => {
    expect(() => augmentationLaws(42 as never)).toThrow(/augmentationLaws: expected an augmentation/);
    expect(() => augmentationLaws(flip, { batches: { h: [3, 2] } })).toThrow(/batch limits: h must be/);
    expect(() => augmentationLaws(flip, { batches: { values: [1, 0] } })).toThrow(/batch limits: values must be/);
  });
});
