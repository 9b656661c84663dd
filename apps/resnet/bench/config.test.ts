import { describe, expect, it } from 'vitest';
import { configArgs, modelName, parseConfigArgs } from './config.js';

describe('step configuration flags', () => {
  it('round-trip through the command line', () => {
    const c = { n: 9, mode: 'infer' as const, threads: 2, batch: 128, warmup: 0, steps: 4 };
    expect(parseConfigArgs(configArgs(c))).toEqual(c);
    expect(modelName(9)).toBe('ResNet-56');
  });

  it('name the flag, the expectation and the value when one is bad', () => {
    expect(() => parseConfigArgs(['--n', '0'])).toThrow("--n must be an integer >= 1, got '0'");
    expect(() => parseConfigArgs(['--steps', 'many'])).toThrow("--steps must be an integer >= 1, got 'many'");
    expect(() => parseConfigArgs(['--mode', 'eval'])).toThrow("--mode must be 'train' or 'infer', got 'eval'");
  });
});
