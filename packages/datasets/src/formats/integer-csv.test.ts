import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectResultOrDatasetError } from '../testing/internal/fuzz.js';
import { parseIntegerCsv } from './integer-csv.js';

const parse = (text: string) => parseIntegerCsv(Buffer.from(text), 'd.csv');

describe('parseIntegerCsv', () => {
  it('reads the header and the rows, with LF or CRLF, blank lines and spaces', () => {
    const r = parse('label,p0,p1\r\n1,2,3\r\n\r\n 4 ,5,\t255\n');
    expect(r.header).toEqual(['label', 'p0', 'p1']);
    expect(r.rows).toBe(2);
    expect(Array.from(r.values)).toEqual([1, 2, 3, 4, 5, 255]);
    expect(Array.from(r.lines)).toEqual([2, 4]);
    expect(parse('a\n7').rows).toBe(1);
  });

  it('matches a straightforward split-and-parse on random integer tables (property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 6 })
          .chain((c) =>
            fc.tuple(
              fc.constant(c),
              fc.array(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: c, maxLength: c }), { maxLength: 20 }),
            ),
          ),
        fc.constantFrom('\n', '\r\n'),
        fc.boolean(),
        ([c, table], eol, finalEol) => {
          const header = Array.from({ length: c }, (_, i) => `c${i}`).join(',');
          const text = [header, ...table.map((r) => r.join(','))].join(eol) + (finalEol ? eol : '');
          const r = parse(text);
          expect(r.rows).toBe(table.length);
          expect(Array.from(r.values)).toEqual(table.flat());
        },
      ),
    );
  });

  it('names the file, line, column, expected and found for bad rows', () => {
    expect(() => parse('a,b\n1,2\n3\n')).toThrow('d.csv:3: row has the wrong number of columns (expected 2, found 1)');
    expect(() => parse('a,b\n1,2,3\n')).toThrow(/d.csv:2: row has the wrong number of columns \(expected 2, found 3\)/);
    expect(() => parse('a,b\n1,256\n')).toThrow(
      'd.csv:2: bad value in column b (expected an integer 0..255, found "256")',
    );
    expect(() => parse('a,b\n1,"2"\n')).toThrow(
      /d.csv:2: bad value in column b \(expected an integer 0..255, found "\\"2\\""\)/,
    );
    expect(() => parse('a,b\n1,,\n')).toThrow(/bad value in column b/);
    expect(() => parse('a,b\n-1,2\n')).toThrow(/bad value in column a/);
    expect(() => parse('\n\n')).toThrow(/d.csv: is empty/);
  });

  it('random bytes: DatasetError or a consistent table, nothing else (property)', () => {
    const alphabet = fc.constantFrom(...'0123456789,,\n\r 9a"'.split('')).map((ch) => ch.charCodeAt(0));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }),
          fc.array(alphabet, { maxLength: 300 }).map((a) => Uint8Array.from(a)),
        ),
        (bytes) => {
          expectResultOrDatasetError(
            () => parseIntegerCsv(bytes, 'fuzz.csv'),
            (r) => expect(r.values.length).toBe(r.rows * r.header.length),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });
});
