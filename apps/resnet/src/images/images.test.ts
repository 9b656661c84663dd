import { describe, expect, it } from 'vitest';
import { imageGrid } from './grid.js';
import { decodePng, encodePng, pngDataUri } from './png.js';
import { blankImage, upscale } from './rgba.js';
import { toRgbaImages } from './to-rgba.js';

const px = (img: { width: number; data: Uint8ClampedArray }, x: number, y: number) =>
  Array.from(img.data.slice((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));

describe('toRgbaImages', () => {
  it('stretches each one-channel picture from its own min to max', () => {
    const [a, b] = toRgbaImages({ data: [0, 1, 2, 3, -5, 5, 5, 5], shape: [2, 1, 2, 2] });
    expect(px(a, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(px(a, 1, 1)).toEqual([255, 255, 255, 255]);
    expect(px(b, 0, 0)).toEqual([0, 0, 0, 255]);
    expect(px(b, 1, 0)).toEqual([255, 255, 255, 255]);
  });

  it('reads three channels as the R, G and B planes', () => {
    // 1×1 picture: R=1, G=0, B=0.5 over a fixed range [0, 1].
    const [img] = toRgbaImages({ data: [1, 0, 0.5], shape: [3, 1, 1] }, { scaling: { lo: 0, hi: 1 } });
    expect(px(img, 0, 0)).toEqual([255, 0, 128, 255]);
  });

  it('puts zero in the middle of a symmetric diverging map', () => {
    const [img] = toRgbaImages({ data: [-2, 0, 2], shape: [1, 1, 3] }, { scaling: 'symmetric', colormap: 'diverging' });
    const [neg, zero, pos] = [px(img, 0, 0), px(img, 1, 0), px(img, 2, 0)];
    expect(zero[0]).toBeGreaterThan(230); // near white
    expect(pos[0]).toBeGreaterThan(pos[2]); // red for positive
    expect(neg[2]).toBeGreaterThan(neg[0]); // blue for negative
  });

  it('names the expected shape when given something else', () => {
    expect(() => toRgbaImages({ data: [1, 2], shape: [2] })).toThrow(
      /expected a C×H×W picture or an N×C×H×W batch, got shape \[2\]/,
    );
  });
});

describe('imageGrid', () => {
  it('lays tiles out row by row with gaps and frames', () => {
    const red = blankImage(2, 2, [255, 0, 0]);
    const blue = blankImage(2, 2, [0, 0, 255]);
    const g = imageGrid([red, blue, red], { columns: 2, gap: 1, frames: [null, [0, 255, 0], null] });
    expect([g.width, g.height]).toEqual([2 * 3 + 1, 2 * 3 + 1]);
    expect(px(g, 1, 1)).toEqual([255, 0, 0, 255]);
    expect(px(g, 4, 1)).toEqual([0, 0, 255, 255]);
    expect(px(g, 6, 1)).toEqual([0, 255, 0, 255]); // the frame around tile 1
    expect(px(g, 1, 4)).toEqual([255, 0, 0, 255]);
    expect(px(g, 4, 4)).toEqual([255, 255, 255, 255]); // empty cell stays background
  });

  it('refuses tiles of different sizes', () => {
    expect(() => imageGrid([blankImage(2, 2), blankImage(3, 2)])).toThrow(
      /every picture must be 2x2, picture 1 is 3x2/,
    );
  });
});

describe('PNG encoding', () => {
  it('round-trips an enlarged picture', () => {
    const img = toRgbaImages({ data: [0, 1, 2, 3], shape: [1, 2, 2] })[0];
    const big = upscale(img, 3);
    const png = encodePng(big);
    expect(Array.from(png.slice(1, 4))).toEqual([0x50, 0x4e, 0x47]); // "PNG"
    const back = decodePng(png);
    expect([back.width, back.height]).toEqual([6, 6]);
    expect(Array.from(back.data)).toEqual(Array.from(big.data));
    expect(pngDataUri(png)).toMatch(/^data:image\/png;base64,iVBOR/);
  });
});
