import { describe, expect, it } from 'vitest';
import { checkOptions, isBoolean, numberIn, oneOf, show } from './checks.js';
import { SolverConfigError } from './errors.js';

describe('checkOptions', () => {
  const defaults = { rate: 0.1, steps: 3, fast: false, mode: 'a' };
  const checks = {
    rate: numberIn(0, 1, { exclusiveMin: true }),
    steps: numberIn(1, Infinity, { integer: true }),
    fast: isBoolean,
    mode: oneOf(['a', 'b']),
  };

  it('merges given values over the defaults', () => {
    expect(checkOptions('thing', defaults, checks, { rate: 0.5, mode: 'b' })).toEqual({
      rate: 0.5,
      steps: 3,
      fast: false,
      mode: 'b',
    });
    expect(checkOptions('thing', defaults, checks, undefined)).toEqual(defaults);
    expect(checkOptions('thing', defaults, checks, { steps: undefined })).toEqual(defaults);
  });

  it('names unknown keys, bad values and the owner', () => {
    expect(() => checkOptions('thing', defaults, checks, { rat: 1 })).toThrow(SolverConfigError);
    expect(() => checkOptions('thing', defaults, checks, { rat: 1 })).toThrow(
      "thing: unknown option 'rat' (known: rate, steps, fast, mode)",
    );
    expect(() => checkOptions('thing', defaults, checks, { rate: 0 })).toThrow(
      "thing: option 'rate' must be a number in (0, 1], got 0",
    );
    expect(() => checkOptions('thing', defaults, checks, { steps: 1.5 })).toThrow(
      "option 'steps' must be an integer in [1, ∞), got 1.5",
    );
    expect(() => checkOptions('thing', defaults, checks, { rate: NaN })).toThrow('got NaN');
    expect(() => checkOptions('thing', defaults, checks, { mode: 'c' })).toThrow(
      `option 'mode' must be one of "a", "b", got "c"`,
    );
    expect(() => checkOptions('thing', defaults, checks, [1])).toThrow(
      'thing: options must be an object, got an array of length 1',
    );
  });

  it('shows values briefly', () => {
    expect(show(new Map())).toBe('a Map');
    expect(show(() => 1)).toBe('a function');
    expect(show(undefined)).toBe('undefined');
  });
});
