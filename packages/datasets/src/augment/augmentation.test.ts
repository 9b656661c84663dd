/**
 * Every built-in augmentation keeps the laws of @funt/datasets/testing over its whole option
 * space, checked through the public kit exactly as a user would check their own.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type BuiltinName, builtinLaws, builtins } from '../testing/index.js';
import { describeLaws } from '../testing/vitest.js';

for (const name of Object.keys(builtins) as BuiltinName[]) describeLaws(name, builtinLaws(name));

describe('the kit covers every augmentation', () => {
  it('has a builtins entry for each factory the package exports from src/augment', () => {
    const index = readFileSync(new URL('../universal.ts', import.meta.url), 'utf8');
    // augmentation.js holds the contract and the helpers for writing one, not a factory.
    const exported = [...index.matchAll(/export \{([^}]*)\} from '\.\/augment\/(?!augmentation\.js)[^']*'/g)]
      .flatMap((m) => m[1].split(','))
      .map((s) => s.trim())
      .filter((s) => s !== '' && !s.startsWith('type '));
    expect(exported.sort()).toEqual(Object.keys(builtins).sort());
  });
});
