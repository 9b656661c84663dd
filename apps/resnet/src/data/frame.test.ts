import { describe, expect, it } from 'vitest';
import { frameSet } from './frame.js';

const set = (images: number[], shape: [number, number, number, number]) => ({
  images: Uint8Array.from(images),
  shape,
  labels: new Int32Array(shape[0]),
  classNames: ['x'],
});

describe('frameSet', () => {
  it('zero-pads into a larger frame, centred', () => {
    const out = frameSet(set([1, 2, 3, 4], [1, 1, 2, 2]), 4, 4);
    expect(out.shape).toEqual([1, 1, 4, 4]);
    expect(Array.from(out.images)).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  });

  it('crops the centre into a smaller frame, per channel', () => {
    const img = Array.from({ length: 2 * 16 }, (_, i) => i);
    const out = frameSet(set(img, [1, 2, 4, 4]), 2, 2);
    expect(Array.from(out.images)).toEqual([5, 6, 9, 10, 21, 22, 25, 26]);
  });

  it('pads one axis and crops the other', () => {
    const out = frameSet(set([1, 2, 3, 4, 5, 6], [1, 1, 1, 6]), 3, 2);
    expect(Array.from(out.images)).toEqual([0, 0, 3, 4, 0, 0]);
  });
});
