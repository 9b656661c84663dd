/** Where and what: the optional parts of a `DatasetError` message. */
export interface DatasetErrorDetails {
  /** Byte offset in the (decompressed) file where the problem was found. */
  offset?: number;
  /** 1-based line number in a text file. */
  line?: number;
  expected?: string | number;
  found?: string | number;
  /** The underlying error (from zlib, sharp, the CSV or tar reader), kept for debugging. */
  cause?: unknown;
}

/**
 * Every problem with a data file surfaces as a `DatasetError` that names the file and, where it
 * helps, the byte offset or line and the expected and found values, e.g.
 * `train-images-idx3-ubyte (byte 0): wrong magic number (expected 0x00000803, found 0x12345678)`.
 * Parsers throw nothing else on bad input, so callers can catch one class.
 */
export class DatasetError extends Error {
  readonly file: string;
  readonly problem: string;
  readonly offset?: number;
  readonly line?: number;
  readonly expected?: string;
  readonly found?: string;

  constructor(file: string, problem: string, details: DatasetErrorDetails = {}) {
    const where =
      details.line !== undefined ? `:${details.line}` : details.offset !== undefined ? ` (byte ${details.offset})` : '';
    const expected = details.expected === undefined ? undefined : String(details.expected);
    const found = details.found === undefined ? undefined : String(details.found);
    const versus =
      expected !== undefined || found !== undefined ? ` (expected ${expected ?? '?'}, found ${found ?? '?'})` : '';
    super(`${file}${where}: ${problem}${versus}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DatasetError';
    this.file = file;
    this.problem = problem;
    if (details.offset !== undefined) this.offset = details.offset;
    if (details.line !== undefined) this.line = details.line;
    if (expected !== undefined) this.expected = expected;
    if (found !== undefined) this.found = found;
  }
}

/** The message of any thrown value, for wrapping library errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
