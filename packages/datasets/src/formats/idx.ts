import { DatasetError } from '../errors.js';

/**
 * The IDX format of MNIST (and Fashion-MNIST, EMNIST, …): a big-endian header — two zero bytes,
 * a type byte, the number of dimensions — then one uint32 per dimension, then the values in
 * row-major order. Only type 0x08 (unsigned byte) is read: it is the type of every image and
 * label file of these data sets.
 */
export interface IdxArray {
  dims: number[];
  /** The values: a view into the given bytes, not a copy. */
  data: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = {
  8: 'uint8',
  9: 'int8',
  11: 'int16',
  12: 'int32',
  13: 'float32',
  14: 'float64',
};

function hex(bytes: Uint8Array, from: number, to: number): string {
  let s = '0x';
  for (let i = from; i < Math.min(to, bytes.length); i++) s += bytes[i].toString(16).padStart(2, '0');
  return s;
}

/**
 * Parses an IDX file. `expectedDims` (e.g. 3 for images, 1 for labels) is checked in the magic
 * number. The value count claimed by the header is checked against the file size before
 * anything is allocated.
 */
export function parseIdx(bytes: Uint8Array, file: string, expectedDims?: number): IdxArray {
  if (bytes.length < 4) {
    throw new DatasetError(file, 'too short for an IDX header', {
      offset: 0,
      expected: 'at least 4 bytes',
      found: `${bytes.length} bytes`,
    });
  }
  const expectedMagic =
    expectedDims === undefined ? '0x000008nn' : `0x000008${expectedDims.toString(16).padStart(2, '0')}`;
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(file, 'wrong magic number (not an IDX file)', {
      offset: 0,
      expected: expectedMagic,
      found: hex(bytes, 0, 4),
    });
  }
  if (bytes[2] !== 0x08) {
    const name = TYPE_NAMES[bytes[2]];
    throw new DatasetError(
      file,
      name ? `unsupported IDX value type ${name}` : 'wrong magic number (unknown IDX value type)',
      {
        offset: 2,
        expected: '0x08 (uint8)',
        found: `0x${bytes[2].toString(16).padStart(2, '0')}`,
      },
    );
  }
  const rank = bytes[3];
  if (rank === 0 || (expectedDims !== undefined && rank !== expectedDims)) {
    throw new DatasetError(file, 'wrong magic number (number of dimensions)', {
      offset: 0,
      expected: expectedMagic,
      found: hex(bytes, 0, 4),
    });
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DatasetError(file, `header of ${rank} dimensions is truncated`, {
      offset: bytes.length,
      expected: `${headerBytes} header bytes`,
      found: `${bytes.length}`,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  const available = bytes.length - headerBytes;
  let count = 1;
  for (let d = 0; d < rank; d++) {
    const size = view.getUint32(4 + 4 * d, false);
    dims.push(size);
    count *= size;
  }
  // `count` is a float64 product: once it passes 2^53 it is inexact (or Infinity), but then it is
  // also far above any file size, so the comparison below still rejects it. Nothing has been
  // allocated from the header's numbers.
  if (count !== available) {
    const claim = `${dims.join('×')} = ${count} values`;
    throw new DatasetError(
      file,
      count > available
        ? `header claims more values than the file holds (${claim})`
        : `file holds more bytes than the header claims (${claim})`,
      {
        offset: headerBytes,
        expected: `${count} bytes of data`,
        found: `${available}`,
      },
    );
  }
  return { dims, data: bytes.subarray(headerBytes) };
}
