import { Rng, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { makeBatch, valuesOf } from '../testing/internal/helpers.js';
import { compose } from './compose.js';
import { randomFlips } from './flip.js';
import { randomCrops } from './random-crops.js';
import { randomTint } from './tint.js';

describe('compose', () => {
  it('equals applying the stages in order with one generator', () => {
    const x = makeBatch({ n: 5, c: 3, h: 8, w: 8, seed: 1 });
    const stages = [randomFlips(), randomCrops(6, 6, 2), randomTint()];
    const rngA = new Rng(7);
    let y = x;
    for (const s of stages) y = s(y, rngA);
    const z = compose(stages)(x, new Rng(7));
    expect(valuesOf(z)).toEqual(valuesOf(y));
    expect(z.shape).toEqual([5, 3, 6, 6]);
  });

  it('writes the last stage into out, and disposes intermediates but not the input', () => {
    const x = makeBatch({ n: 2, c: 1, h: 4, w: 4, seed: 1 });
    const seen: { isDisposed: boolean }[] = [];
    const spy = (t: Parameters<ReturnType<typeof randomFlips>>[0]) => {
      seen.push(t);
      return t;
    };
    const flip = randomFlips();
    const out = zeros([2, 1, 3, 3]);
    const pipeline = compose([
      flip,
      (t, rng, o) => {
        spy(t);
        return randomCrops(3, 3)(t, rng, o);
      },
    ]);
    expect(pipeline(x, new Rng(0), out)).toBe(out);
    expect(seen[0].isDisposed).toBe(true);
    expect(x.isDisposed).toBe(false);
  });

  it('keeps a batch that a stage hands back unchanged', () => {
    const x = makeBatch({ n: 2, c: 1, h: 4, w: 4, seed: 1 });
    const identity = (t: Parameters<ReturnType<typeof randomFlips>>[0]) => t;
    const y = compose([randomFlips(), identity, randomTint({ lo: 0, hi: 0 })])(x, new Rng(3));
    expect(y.isDisposed).toBe(false);
    expect(valuesOf(y)).toEqual(valuesOf(randomFlips()(x, new Rng(3))));
  });

  it('an empty pipeline copies', () => {
    const x = makeBatch({ n: 1, c: 1, h: 2, w: 2, seed: 1 });
    const y = compose([])(x, new Rng(0));
    expect(y).not.toBe(x);
    expect(valuesOf(y)).toEqual(valuesOf(x));
  });

  it('rejects what is not a list of augmentations', () => {
    expect(() => compose([1 as never])).toThrow(/compose: expected an array of augmentations/);
  });
});
