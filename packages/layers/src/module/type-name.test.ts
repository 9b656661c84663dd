import { describe, expect, it } from 'vitest';
import { Criterion } from '../criteria/criterion.js';
import * as layers from '../index.js';
import { Module } from './module.js';
import { typeNameOf } from './type-name.js';

/** Abstract bases: never instantiated, so they need no name of their own. */
const ABSTRACT = new Set([
  'Module',
  'Container',
  'Criterion',
  'Convolution',
  'WeightedModule',
  'SpatialPooling',
  'SpatialPadding',
]);

describe('typeName', () => {
  it('every module and criterion class the package exports declares its own name, its class name', () => {
    const classes = Object.entries(layers).filter(
      ([exported, v]) =>
        typeof v === 'function' &&
        (v.prototype instanceof Module || v.prototype instanceof Criterion) &&
        exported === v.name &&
        !ABSTRACT.has(v.name),
    ) as [string, { name: string; typeName?: string }][];
    expect(classes.length).toBeGreaterThanOrEqual(29);
    const wrong = classes.filter(([, c]) => !Object.hasOwn(c, 'typeName') || c.typeName !== c.name).map(([n]) => n);
    expect(wrong).toEqual([]);
  });

  it('survives a minifier renaming the class; a class without one falls back to its constructor name', () => {
    // What a minifier makes of `class ReLU extends Threshold { static readonly typeName = 'ReLU' }`.
    const Rn = class extends layers.Threshold {
      static override readonly typeName: string = 'ReLU';
    };
    expect(new Rn().typeName).toBe('ReLU');
    const qa = class qa extends layers.Sequential {};
    expect(typeNameOf(new qa())).toBe('qa');
    expect(String(new layers.Sequential(new layers.ReLU()))).toMatch(/^Sequential \{[\s\S]*\(0\): ReLU/);
  });
});
