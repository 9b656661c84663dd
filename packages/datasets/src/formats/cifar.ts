import { DatasetError } from '../errors.js';

/** CIFAR-10 binary record: 1 label byte, then 3×32×32 pixel bytes (R plane, G plane, B plane). */
const CIFAR_IMAGE_BYTES = 3 * 32 * 32;
/** Bytes of one CIFAR-10 binary record: 1 label byte and 3×32×32 pixel bytes (3073). */
export const CIFAR_RECORD_BYTES = 1 + CIFAR_IMAGE_BYTES;

/**
 * The records of a CIFAR-10 batch file: `count` images as uint8 [count, 3, 32, 32] in R, G, B planes, and their labels.
 */
export interface CifarRecords {
  images: Uint8Array;
  labels: Int32Array;
  count: number;
}

/**
 * Splits a CIFAR-10 batch file into images and labels. The file must hold a whole number of
 * records and every label must be below `classes`; the allocation is sized by the file itself.
 */
export function parseCifarBatch(bytes: Uint8Array, file: string, classes = 10): CifarRecords {
  if (bytes.length === 0)
    throw new DatasetError(file, 'is empty', {
      offset: 0,
      expected: `records of ${CIFAR_RECORD_BYTES} bytes`,
      found: '0 bytes',
    });
  const whole = Math.floor(bytes.length / CIFAR_RECORD_BYTES);
  const rest = bytes.length - whole * CIFAR_RECORD_BYTES;
  if (rest !== 0) {
    throw new DatasetError(
      file,
      `truncated record ${whole} (file size ${bytes.length} is not a multiple of the record size)`,
      {
        offset: whole * CIFAR_RECORD_BYTES,
        expected: `${CIFAR_RECORD_BYTES} bytes`,
        found: `${rest} bytes`,
      },
    );
  }
  const images = new Uint8Array(whole * CIFAR_IMAGE_BYTES);
  const labels = new Int32Array(whole);
  for (let i = 0; i < whole; i++) {
    const at = i * CIFAR_RECORD_BYTES;
    const label = bytes[at];
    if (label >= classes) {
      throw new DatasetError(file, `label of record ${i} out of range`, {
        offset: at,
        expected: `0..${classes - 1}`,
        found: label,
      });
    }
    labels[i] = label;
    images.set(bytes.subarray(at + 1, at + CIFAR_RECORD_BYTES), i * CIFAR_IMAGE_BYTES);
  }
  return { images, labels, count: whole };
}
