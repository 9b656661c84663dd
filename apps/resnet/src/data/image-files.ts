import { existsSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { decodeImageInto, type ImageSet, imageSet } from '@funt/datasets';
import { UsageError } from '../errors.js';
import type { ModelDescription } from '../model/saved-model.js';
import { frameSet } from './frame.js';

/** The picture files a folder contributes to `predict` (others in it are skipped). */
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.ppm']);

/**
 * How an image file becomes a model's input pixels, as its training images were made: decoded
 * to `channels` (grey or RGB, dropping alpha), resized to the data set's image size less its zero
 * border `pad`, then framed by that border (MNIST's 28×28 digits in 32×32). Larger images
 * (SFDDD's 64×48) are centre-cropped to the network's input by the evaluation hook.
 */
export interface ImageFormat {
  channels: 1 | 3;
  height: number;
  width: number;
  pad: number;
}

/** The image format of a saved model: the one recorded at training, else its input shape without a border. */
export function imageFormatOf(description: ModelDescription): ImageFormat {
  const [c, h, w] = description.architecture.inputShape;
  if (c !== 1 && c !== 3) throw new UsageError(`the model takes ${c}-channel inputs; images have 1 or 3 channels`);
  return { channels: c, ...(description.image ?? { height: h, width: w, pad: 0 }) };
}

/** The image files named by `paths`: files as given, folders as their image files (sorted by name). */
export function listImageFiles(paths: string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new UsageError(`${p} does not exist`);
    if (!statSync(p).isDirectory()) {
      files.push(p);
      continue;
    }
    const inside = readdirSync(p)
      .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
      .sort()
      .map((f) => join(p, f));
    if (inside.length === 0) throw new UsageError(`${p} holds no PNG, JPEG or PPM file`);
    files.push(...inside);
  }
  return files;
}

/**
 * Reads image files (PNG, JPEG, binary PPM; any size, grey or colour, with or without alpha) as
 * a set in `format`; labels are -1. A file that does not decode is an error naming it.
 */
export async function readImageFiles(files: string[], format: ImageFormat): Promise<ImageSet> {
  const h = format.height - 2 * format.pad;
  const w = format.width - 2 * format.pad;
  const size = format.channels * h * w;
  const pixels = new Uint8Array(files.length * size);
  for (const [i, file] of files.entries()) {
    await decodeImageInto(file, { width: w, height: h, channels: format.channels }, pixels, i * size);
  }
  const set = imageSet(pixels, [files.length, format.channels, h, w], new Int32Array(files.length).fill(-1), []);
  return frameSet(set, format.height, format.width);
}
