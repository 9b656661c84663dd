import { describe, expect, it } from 'vitest';
import { defaultRng, manualSeed } from './default-rng.js';

describe('the package generator', () => {
  it('manualSeed resets it: the same seed gives the same numbers', () => {
    manualSeed(11);
    const x = defaultRng().next();
    expect(defaultRng().next()).not.toBe(x);
    manualSeed(11);
    expect(defaultRng().next()).toBe(x);
  });
});
