import { Rng } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { convNet } from '../testing/models.js';
import { loadModuleRngs, moduleRngs, saveModuleRngs } from './module-rngs.js';

describe('module generators', () => {
  it('finds the dropout generator of a layers model by path and restores its state', () => {
    const model = convNet(3);
    expect([...moduleRngs(model).keys()]).toEqual(['4']);
    const saved = saveModuleRngs(model);
    const dropoutRng = moduleRngs(model).get('4')!;
    expect(saved['4']).toEqual(dropoutRng.getState());
    const draws = Array.from({ length: 3 }, () => (dropoutRng as unknown as Rng).next());
    loadModuleRngs(model, saved);
    expect(Array.from({ length: 3 }, () => (dropoutRng as unknown as Rng).next())).toEqual(draws);
  });

  it('is empty for a model that does not list its modules', () => {
    expect(moduleRngs({}).size).toBe(0);
    expect(() => loadModuleRngs({}, { '4': new Rng(1).getState() })).not.toThrow();
  });
});
