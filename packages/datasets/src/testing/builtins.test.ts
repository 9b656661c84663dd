import { describe, expect, it } from 'vitest';
import { builtinLaws, builtins, checkLaws } from './index.js';

describe('builtinLaws', () => {
  it("checks a built-in with one set of options on a user's batches (the README's example)", () => {
    const laws = builtinLaws('randomCrops', {
      options: { cropH: 24, cropW: 24, pad: 4 },
      batches: { c: 3, h: 32, w: 32, values: 'uint8' },
    });
    expect(laws.map((l) => l.name)).toContain('identity');
    expect(checkLaws(laws, { numRuns: 10 })).toEqual([]);
  });

  it('explores an arbitrary of options', () => {
    const laws = builtinLaws('randomFlips', { options: builtins.randomFlips.options, batches: { h: 1, w: [1, 3] } });
    expect(checkLaws(laws, { numRuns: 20 })).toEqual([]);
  });

  it('refuses options or batches that cannot meet', () => {
    expect(() => builtinLaws('pcaLighting', { batches: { c: 1 } })).toThrow(
      /builtinLaws: no options of pcaLighting work on batches \{"c":1\}/,
    );
    expect(() => builtinLaws('fixedCrops', { options: { cropH: 12, cropW: 12 }, batches: { h: 4 } })).toThrow(
      /builtinLaws: fixedCrops with these options needs other batches/,
    );
    expect(() => builtinLaws('cutout' as never)).toThrow(/builtinLaws: no built-in augmentation 'cutout'/);
  });
});
