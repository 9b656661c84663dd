/**
 * An 8-bit RGBA picture: the one image type of the app's plotting code. Tensors become RGBA
 * pictures (toRgba), pictures are tiled (grid) and encoded to PNG (png).
 */
export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes, row-major, R G B A. */
  data: Uint8ClampedArray;
}

/**
 * A width × height picture filled with one colour (default white); throws a RangeError unless both are
 * positive integers.
 */
export function blankImage(width: number, height: number, rgb: [number, number, number] = [255, 255, 255]): RgbaImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`blankImage: width and height must be positive integers, got ${width}x${height}`);
  }
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    data[i] = rgb[0];
    data[i + 1] = rgb[1];
    data[i + 2] = rgb[2];
    data[i + 3] = 255;
  }
  return { width, height, data };
}

/** Nearest-neighbour enlargement by an integer factor, so 28-pixel digits stay crisp on screen. */
export function upscale(img: RgbaImage, factor: number): RgbaImage {
  if (!Number.isInteger(factor) || factor < 1)
    throw new RangeError(`upscale: factor must be a positive integer, got ${factor}`);
  if (factor === 1) return img;
  const out = blankImage(img.width * factor, img.height * factor);
  for (let y = 0; y < out.height; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < out.width; x++) {
      const s = (sy * img.width + Math.floor(x / factor)) * 4;
      const d = (y * out.width + x) * 4;
      out.data[d] = img.data[s];
      out.data[d + 1] = img.data[s + 1];
      out.data[d + 2] = img.data[s + 2];
      out.data[d + 3] = img.data[s + 3];
    }
  }
  return out;
}

/** Copies `src` into `dst` with its top-left corner at (x, y). */
export function blit(dst: RgbaImage, src: RgbaImage, x: number, y: number): void {
  for (let row = 0; row < src.height; row++) {
    const dy = y + row;
    if (dy < 0 || dy >= dst.height) continue;
    for (let col = 0; col < src.width; col++) {
      const dx = x + col;
      if (dx < 0 || dx >= dst.width) continue;
      const s = (row * src.width + col) * 4;
      const d = (dy * dst.width + dx) * 4;
      dst.data[d] = src.data[s];
      dst.data[d + 1] = src.data[s + 1];
      dst.data[d + 2] = src.data[s + 2];
      dst.data[d + 3] = src.data[s + 3];
    }
  }
}
