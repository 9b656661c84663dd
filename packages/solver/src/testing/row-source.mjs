/**
 * A source a batch worker can open (the tests' recipe module; plain JavaScript, which a worker
 * imports as it is): rows of `values` (N × rowSize, float32), with row `unreadable` failing as
 * an unreadable file would.
 */
export function openRows(values, shape, unreadable = -1) {
  const size = shape.slice(1).reduce((a, b) => a * b, 1);
  return {
    shape,
    dtype: 'float32',
    readRow(i, dst, offset) {
      if (i === unreadable) throw new Error(`rows.bin (byte ${i * size * 4}): row ${i} is unreadable`);
      dst.set(values.subarray(i * size, (i + 1) * size), offset);
    },
  };
}
