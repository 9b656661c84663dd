import { DatasetError } from '../errors.js';

/**
 * A CSV of small non-negative integers with a header row — Kaggle's digit-recognizer files,
 * 42,000 rows × 785 columns. csv-parse (used for every other CSV here) turns such a file into
 * 33 million strings and takes about half a minute; this scanner reads the digits straight
 * into a Uint8Array in well under a second. It accepts only that shape: unquoted integers
 * 0…255 separated by ',' (spaces and tabs around them allowed), rows ended by '\n' or '\r\n',
 * blank lines skipped. Anything else is a DatasetError with the line.
 */
interface IntegerCsv {
  header: string[];
  /** Values, row-major: rows × header.length. */
  values: Uint8Array;
  rows: number;
  /** 1-based file line of each data row, for error messages. */
  lines: Int32Array;
}

const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

export function parseIntegerCsv(bytes: Uint8Array, file: string): IntegerCsv {
  let at = 0;
  let line = 1;
  // Header: the first non-blank line, split on commas.
  while (at < bytes.length && (bytes[at] === LF || bytes[at] === CR)) {
    if (bytes[at] === LF) line++;
    at++;
  }
  if (at >= bytes.length) throw new DatasetError(file, 'is empty', { expected: 'a header row', found: 'nothing' });
  let end = bytes.indexOf(LF, at);
  if (end < 0) end = bytes.length;
  const headerText = Buffer.from(bytes.buffer, bytes.byteOffset + at, end - at)
    .toString('utf8')
    .replace(/\r$/, '');
  const header = headerText.split(',').map((h) => h.trim());
  const columns = header.length;
  at = end + 1;
  line++;
  // Every value takes at least two bytes (a digit and a separator), which bounds the rows
  // before anything is allocated.
  const maxRows = Math.ceil(Math.max(0, bytes.length - at) / (2 * columns)) + 1;
  const values = new Uint8Array(maxRows * columns);
  const lines = new Int32Array(maxRows);
  let rows = 0;
  while (at < bytes.length) {
    if (bytes[at] === LF || (bytes[at] === CR && bytes[at + 1] === LF)) {
      at += bytes[at] === CR ? 2 : 1;
      line++;
      continue;
    }
    if (rows === maxRows) throw new DatasetError(file, 'has more rows than its size allows', { line });
    const base = rows * columns;
    let col = 0;
    for (;;) {
      while (bytes[at] === 0x20 || bytes[at] === 0x09) at++;
      let v = 0;
      let digits = 0;
      while (at < bytes.length && bytes[at] >= 0x30 && bytes[at] <= 0x39) {
        v = v * 10 + bytes[at++] - 0x30;
        if (++digits > 3) break;
      }
      while (bytes[at] === 0x20 || bytes[at] === 0x09) at++;
      const next = at < bytes.length ? bytes[at] : LF;
      const endsField =
        next === COMMA || next === LF || (next === CR && (at + 1 >= bytes.length || bytes[at + 1] === LF));
      if (digits === 0 || digits > 3 || v > 255 || !endsField) {
        throw new DatasetError(file, `bad value in column ${header[col] ?? col + 1}`, {
          line,
          expected: 'an integer 0..255',
          found: fieldText(bytes, at, digits),
        });
      }
      if (col < columns) values[base + col] = v;
      col++;
      if (next === COMMA) {
        at++;
        continue;
      }
      at += next === CR ? 2 : 1;
      break;
    }
    if (col !== columns) {
      throw new DatasetError(file, 'row has the wrong number of columns', { line, expected: columns, found: col });
    }
    lines[rows] = line;
    rows++;
    line++;
  }
  return { header, values: values.slice(0, rows * columns), rows, lines: lines.slice(0, rows) };
}

/** The text of the offending field, for the error message (at most 12 characters). */
function fieldText(bytes: Uint8Array, at: number, digits: number): string {
  let start = Math.max(0, at - digits);
  while (start > 0 && bytes[start - 1] !== COMMA && bytes[start - 1] !== LF) start--;
  let end = at;
  while (end < bytes.length && bytes[end] !== COMMA && bytes[end] !== LF && bytes[end] !== CR && end - start < 12)
    end++;
  return JSON.stringify(Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1'));
}
