import { decode, encode } from 'fast-png';
import type { RgbaImage } from './rgba.js';

/** PNG bytes of an RGBA picture (fast-png: pure JS, typed, no native build). */
export function encodePng(img: RgbaImage): Uint8Array {
  return encode({ width: img.width, height: img.height, data: img.data, channels: 4, depth: 8 });
}

/** The picture as a `data:` URI, so an HTML report carries its images inside itself. */
export function pngDataUri(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
}

/** Reads a PNG back (any channel count) as RGBA; used by tests and by the report builder. */
export function decodePng(bytes: Uint8Array): RgbaImage {
  const p = decode(bytes);
  if (p.depth !== 8) throw new Error(`decodePng: only 8-bit PNGs are supported, got depth ${p.depth}`);
  const n = p.width * p.height;
  const out = new Uint8ClampedArray(n * 4);
  const c = p.channels;
  for (let i = 0; i < n; i++) {
    const gray = c < 3;
    out[i * 4] = p.data[i * c];
    out[i * 4 + 1] = p.data[i * c + (gray ? 0 : 1)];
    out[i * 4 + 2] = p.data[i * c + (gray ? 0 : 2)];
    out[i * 4 + 3] = c === 2 || c === 4 ? p.data[i * c + c - 1] : 255;
  }
  return { width: p.width, height: p.height, data: out };
}
