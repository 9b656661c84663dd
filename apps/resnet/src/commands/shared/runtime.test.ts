import { describe, expect, it } from 'vitest';
import { nativeLevelNote } from './runtime.js';

describe('nativeLevelNote', () => {
  it('says why the run falls back when FUNT_NATIVE_LEVEL asked for native kernels', () => {
    const why = 'FUNT_NATIVE_LEVEL=avx9 is not a level this CPU runs (avx2, avx512)';
    expect(nativeLevelNote('avx9', why, 'wasm')).toBe(
      `note: FUNT_NATIVE_LEVEL is set, but the native backend is not available (${why}); running on wasm`,
    );
  });

  it('says nothing without the variable, when native loaded, or when native runs', () => {
    expect(nativeLevelNote(undefined, 'the addon was not built', 'wasm')).toBeNull();
    expect(nativeLevelNote('', 'the addon was not built', 'wasm')).toBeNull();
    expect(nativeLevelNote('avx2', null, 'wasm')).toBeNull();
    expect(nativeLevelNote('avx2', null, 'native')).toBeNull();
  });
});
