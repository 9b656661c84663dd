import { readFile } from 'node:fs/promises';
import sharp, { type Sharp } from 'sharp';
import { DatasetError, messageOf } from '../errors.js';
import { requireRegularFile } from '../loaders/files.js';
import { parsePpm } from './ppm.js';

/** A rectangle in pixels: corner (left, top), size width×height. */
export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Options of `decodeImageInto`: the output size and channels, and an optional crop of the source. */
export interface DecodeOptions {
  width: number;
  height: number;
  /** 3 for RGB, 1 for grey (default 3). */
  channels?: 1 | 3;
  /** Crop to this region of the source before resizing (GTSRB's region of interest). */
  crop?: Rect;
}

/**
 * Decodes one image file (JPEG, PNG, … through sharp; binary PPM through our parser), crops,
 * resizes to exactly width×height (stretching, as the seed did) and writes it as C×H×W uint8
 * planes into `dst` at `offset`. A file that does not decode is a DatasetError naming it.
 */
export async function decodeImageInto(
  file: string,
  options: DecodeOptions,
  dst: Uint8Array,
  offset: number,
): Promise<void> {
  const channels = options.channels ?? 3;
  let bytes: Buffer;
  await requireRegularFile(file, 'image file');
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new DatasetError(
      file,
      (error as { code?: string }).code === 'ENOENT' ? 'image file not found' : `cannot be read: ${messageOf(error)}`,
      { cause: error },
    );
  }
  if (bytes.length === 0) throw new DatasetError(file, 'image file is empty');
  let pipeline: Sharp;
  let sourceSize: { width: number; height: number } | undefined;
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x36) {
    const ppm = parsePpm(bytes, file);
    sourceSize = ppm;
    pipeline = sharp(ppm.data, { raw: { width: ppm.width, height: ppm.height, channels: 3 } });
  } else {
    // sharp's default failOn 'warning' rejects truncated files instead of returning grey padding.
    pipeline = sharp(bytes);
  }
  try {
    if (options.crop) {
      const size = sourceSize ?? (await pipeline.metadata());
      checkCrop(file, options.crop, size.width ?? 0, size.height ?? 0);
      pipeline = pipeline.extract(options.crop);
    }
    pipeline = pipeline.resize(options.width, options.height, { fit: 'fill' });
    pipeline = channels === 1 ? pipeline.grayscale() : pipeline.removeAlpha().toColourspace('srgb');
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    writePlanes(data, info.channels, channels, options.width * options.height, dst, offset);
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    throw new DatasetError(file, `image does not decode: ${messageOf(error)}`, { cause: error });
  }
}

function checkCrop(file: string, crop: Rect, width: number, height: number): void {
  const ok =
    [crop.left, crop.top, crop.width, crop.height].every(Number.isInteger) &&
    crop.left >= 0 &&
    crop.top >= 0 &&
    crop.width >= 1 &&
    crop.height >= 1;
  if (!ok || crop.left + crop.width > width || crop.top + crop.height > height) {
    throw new DatasetError(file, 'region of interest is outside the image', {
      expected: `inside ${width}×${height}`,
      found: `${crop.width}×${crop.height} at (${crop.left}, ${crop.top})`,
    });
  }
}

/** Interleaved H×W×k (k = channels sharp produced) → C×H×W planes, replicating grey to RGB. */
function writePlanes(data: Uint8Array, have: number, want: number, hw: number, dst: Uint8Array, offset: number): void {
  for (let ch = 0; ch < want; ch++) {
    const from = have === 1 ? 0 : ch;
    const plane = offset + ch * hw;
    for (let p = 0; p < hw; p++) dst[plane + p] = data[p * have + from];
  }
}
