import { arange, tidy, withBackend, zeros } from '@funt/tensor';
import { describe, expect, it } from 'vitest';
import { TensorCache } from './tensor-cache.js';

describe('TensorCache', () => {
  it('returns the same tensor while shape and dtype match, a new one (old disposed) otherwise', () => {
    withBackend(
      'reference',
      () => {
        const w = new TensorCache();
        const a = w.get('out', [2, 3], 'float32');
        expect(w.get('out', [2, 3], 'float32')).toBe(a);
        const b = w.get('out', [3, 2], 'float32');
        expect(b).not.toBe(a);
        expect(a.isDisposed).toBe(true);
        const c = w.get('out', [3, 2], 'float64');
        expect(c.dtype).toBe('float64');
        expect(b.isDisposed).toBe(true);
        expect(w.count).toBe(1);
      },
      'float64',
    );
  });

  it('caches views of the same storage window, and replaces them when the source changes', () => {
    const w = new TensorCache();
    const x = arange(6);
    const v = w.view('v', x, [2, 3]);
    expect(v.sharesStorageWith(x)).toBe(true);
    expect(w.view('v', x, [2, 3])).toBe(v);
    const y = arange(6);
    const v2 = w.view('v', y, [2, 3]);
    expect(v2).not.toBe(v);
    expect(v.isDisposed).toBe(true);
    expect(x.isDisposed).toBe(false); // disposing a view leaves its source alone
  });

  it('caches first-axis slices', () => {
    const w = new TensorCache();
    const x = arange(12).reshape([4, 3]);
    const s = w.slice('s', x, 1, 3);
    expect(Array.from(s.data)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(w.slice('s', x, 1, 3)).toBe(s);
    const t = w.slice('s', x, 2, 3, [3]);
    expect(t.shape).toEqual([3]);
    expect(Array.from(t.data)).toEqual([6, 7, 8]);
  });

  it('survives tidy and frees everything on dispose', () => {
    const w = new TensorCache();
    const t = tidy(() => {
      w.get('a', [2], 'float32');
      return zeros([1]);
    });
    expect(w.get('a', [2], 'float32').isDisposed).toBe(false);
    const a = w.get('a', [2], 'float32');
    w.dispose();
    expect(a.isDisposed).toBe(true);
    expect(w.count).toBe(0);
    t.dispose();
  });
});
