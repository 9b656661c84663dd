import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
import { DatasetError, messageOf } from '../errors.js';

interface CsvOptions {
  /** Field separator (default ','; GTSRB uses ';'). */
  delimiter?: string;
  /** Columns every row must have (default: as many as the first row). */
  columns?: number;
}

/** One parsed row and its 1-based line number in the file. */
interface CsvRow {
  fields: string[];
  line: number;
}

/**
 * Streams the rows of a CSV file (header row included) through csv-parse, checking that every
 * row has the same number of columns. Blank lines are skipped. Errors name the file and line.
 */
export async function* readCsv(file: string, options: CsvOptions = {}): AsyncGenerator<CsvRow> {
  const parser = parse({
    delimiter: options.delimiter ?? ',',
    info: true,
    relax_column_count: true,
    skip_empty_lines: true,
    bom: true,
  });
  // pipe() does not forward errors: a missing file must end the parser, not leave it waiting.
  const source = createReadStream(file).on('error', (error) => parser.destroy(error));
  source.pipe(parser);
  let columns = options.columns;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      columns ??= record.length;
      if (record.length !== columns) {
        throw new DatasetError(file, 'row has the wrong number of columns', {
          line: info.lines,
          expected: columns,
          found: record.length,
        });
      }
      yield { fields: record, line: info.lines };
    }
  } catch (error) {
    if (error instanceof DatasetError) throw error;
    const code = (error as { code?: string }).code;
    if (code === 'ENOENT') throw new DatasetError(file, 'file not found', { cause: error });
    const line = (error as { lines?: number }).lines;
    throw new DatasetError(file, `is not valid CSV: ${messageOf(error)}`, { line, cause: error });
  } finally {
    source.destroy();
    parser.destroy();
  }
}

/** Index of each named column in a header row; a missing column is an error naming the file. */
export function columnIndex(
  header: CsvRow,
  file: string,
  names: readonly string[],
  optional: readonly string[] = [],
): Record<string, number> {
  const index: Record<string, number> = {};
  const trimmed = header.fields.map((f) => f.trim());
  for (const name of [...names, ...optional]) {
    const i = trimmed.indexOf(name);
    if (i < 0 && names.includes(name)) {
      throw new DatasetError(file, `header has no column "${name}"`, {
        line: header.line,
        expected: names.join(','),
        found: trimmed.join(','),
      });
    }
    index[name] = i;
  }
  return index;
}
