import { DatasetError } from '../errors.js';

/**
 * A binary PPM image (Netpbm "P6"): the magic `P6`, then width, height and maxval as ASCII
 * decimals separated by whitespace (with `#` comments to the end of a line), one whitespace
 * byte, then width·height RGB triples of 1 byte (maxval < 256) or 2 big-endian bytes. GTSRB
 * ships its images in this format, which sharp does not read.
 */
export interface PpmImage {
  width: number;
  height: number;
  maxval: number;
  /** RGB, interleaved (H×W×3), scaled to 0..255 when maxval is not 255. */
  data: Uint8Array;
}

const MAX_DIGITS = 9;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0b || b === 0x0c || b === 0x0d;
}

/** Parses a P6 file strictly; bytes after the first image (a multi-image file) are ignored. */
export function parsePpm(bytes: Uint8Array, file: string): PpmImage {
  if (bytes.length < 2 || bytes[0] !== 0x50 || bytes[1] !== 0x36) {
    const found = bytes.length < 2 ? `${bytes.length} bytes` : JSON.stringify(String.fromCharCode(bytes[0], bytes[1]));
    throw new DatasetError(file, 'wrong magic number (not a binary PPM)', { offset: 0, expected: '"P6"', found });
  }
  let at = 2;
  const field = (name: string): number => {
    const start = at;
    // At least one whitespace byte separates fields; comments count as whitespace.
    while (at < bytes.length && (isSpace(bytes[at]) || bytes[at] === 0x23)) {
      if (bytes[at] === 0x23) while (at < bytes.length && bytes[at] !== 0x0a && bytes[at] !== 0x0d) at++;
      else at++;
    }
    if (at === start)
      throw new DatasetError(file, `missing whitespace before ${name}`, {
        offset: at,
        expected: 'whitespace',
        found: describe(bytes, at),
      });
    let value = 0;
    let digits = 0;
    while (at < bytes.length && bytes[at] >= 0x30 && bytes[at] <= 0x39) {
      if (++digits > MAX_DIGITS)
        throw new DatasetError(file, `${name} has too many digits`, {
          offset: at,
          expected: `at most ${MAX_DIGITS} digits`,
          found: 'more',
        });
      value = value * 10 + (bytes[at] - 0x30);
      at++;
    }
    if (digits === 0)
      throw new DatasetError(file, `${name} is not a decimal number`, {
        offset: at,
        expected: 'a digit',
        found: describe(bytes, at),
      });
    return value;
  };
  const width = field('width');
  const height = field('height');
  const maxval = field('maxval');
  if (width < 1 || height < 1)
    throw new DatasetError(file, 'image has no pixels', {
      offset: 2,
      expected: 'width and height >= 1',
      found: `${width}×${height}`,
    });
  if (maxval < 1 || maxval > 65535)
    throw new DatasetError(file, 'maxval out of range', { offset: at, expected: '1..65535', found: maxval });
  if (at >= bytes.length || !isSpace(bytes[at])) {
    throw new DatasetError(file, 'header must end with one whitespace byte', {
      offset: at,
      expected: 'whitespace',
      found: describe(bytes, at),
    });
  }
  at++;
  const bytesPerSample = maxval < 256 ? 1 : 2;
  const needed = width * height * 3 * bytesPerSample;
  // Checked before allocating: a header can claim any size.
  if (bytes.length - at < needed) {
    throw new DatasetError(file, `pixel data is truncated (${width}×${height}, maxval ${maxval})`, {
      offset: at,
      expected: `${needed} bytes`,
      found: `${bytes.length - at}`,
    });
  }
  const data = new Uint8Array(width * height * 3);
  if (bytesPerSample === 1 && maxval === 255) {
    data.set(bytes.subarray(at, at + data.length));
  } else {
    for (let i = 0; i < data.length; i++) {
      const v = bytesPerSample === 1 ? bytes[at + i] : (bytes[at + 2 * i] << 8) | bytes[at + 2 * i + 1];
      if (v > maxval)
        throw new DatasetError(file, `sample ${i} exceeds maxval`, {
          offset: at + i * bytesPerSample,
          expected: `<= ${maxval}`,
          found: v,
        });
      data[i] = Math.round((v * 255) / maxval);
    }
  }
  return { width, height, maxval, data };
}

function describe(bytes: Uint8Array, at: number): string {
  return at >= bytes.length ? 'end of file' : `byte 0x${bytes[at].toString(16).padStart(2, '0')}`;
}
