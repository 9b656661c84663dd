/**
 * Writers of the real file formats, for tests: every loader is tested on files made here in the
 * format the data set ships in (IDX, CIFAR records, PPM, tar/tar.gz, JPEG through sharp).
 */
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import tarStream from 'tar-stream';

/** An IDX file of unsigned bytes: 00 00 08 rank, big-endian dims, values. */
export function idxBytes(dims: number[], values: ArrayLike<number>): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(Uint8Array.from(values))]);
}

export function gzip(bytes: Uint8Array): Buffer {
  return gzipSync(bytes);
}

/** A CIFAR-10 batch: per image, the label byte then 3072 pixel bytes. */
export function cifarBytes(labels: number[], pixel: (image: number, k: number) => number): Buffer {
  const out = Buffer.alloc(labels.length * 3073);
  labels.forEach((l, i) => {
    out[i * 3073] = l;
    for (let k = 0; k < 3072; k++) out[i * 3073 + 1 + k] = pixel(i, k);
  });
  return out;
}

/** A binary PPM (P6) with maxval 255 or, for 16-bit samples, larger. */
export function ppmBytes(width: number, height: number, rgb: ArrayLike<number>, maxval = 255, comment = ''): Buffer {
  const header = Buffer.from(`P6\n${comment ? `# ${comment}\n` : ''}${width} ${height}\n${maxval}\n`, 'latin1');
  if (maxval < 256) return Buffer.concat([header, Buffer.from(Uint8Array.from(rgb))]);
  const data = Buffer.alloc(rgb.length * 2);
  for (let i = 0; i < rgb.length; i++) data.writeUInt16BE(rgb[i], 2 * i);
  return Buffer.concat([header, data]);
}

/** A tar archive (gzip-compressed if asked) built with tar-stream. */
export async function tarBytes(
  entries: { name: string; data: Uint8Array | string }[],
  compress: boolean,
): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const e of entries) pack.entry({ name: e.name }, typeof e.data === 'string' ? e.data : Buffer.from(e.data));
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  const tar = Buffer.concat(chunks);
  return compress ? gzipSync(tar) : tar;
}

/** An RGB JPEG whose pixels are given by `color(x, y)`, encoded by sharp at high quality. */
export async function jpegBytes(
  width: number,
  height: number,
  color: (x: number, y: number) => [number, number, number],
): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set(color(x, y), (y * width + x) * 3);
  }
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
}

/** A solid-colour RGB JPEG. */
export function solidJpeg(width: number, height: number, rgb: [number, number, number]): Promise<Buffer> {
  return jpegBytes(width, height, () => rgb);
}

/** A single-channel (grey) JPEG, as some Tiny-ImageNet images are. */
export function greyJpeg(width: number, height: number, value: number): Promise<Buffer> {
  return sharp(Buffer.alloc(width * height, value), { raw: { width, height, channels: 1 } })
    .toColourspace('b-w')
    .jpeg({ quality: 95 })
    .toBuffer();
}
