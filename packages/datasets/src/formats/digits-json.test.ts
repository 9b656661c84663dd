import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { expectResultOrDatasetError } from '../testing/internal/fuzz.js';
import { parseDigitsJson } from './digits-json.js';

describe('parseDigitsJson', () => {
  it('recovers the bytes from values rounded to three decimals (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = `{ "data": [${Array.from(bytes, (b) => String(Math.round((b / 255) * 1000) / 1000)).join(',')}] }`;
        expect(Array.from(parseDigitsJson(Buffer.from(text), 'd.json'))).toEqual(Array.from(bytes));
      }),
    );
  });

  it('random bytes: DatasetError or bytes, nothing else (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, framed) => {
        const input = framed ? Buffer.concat([Buffer.from('{"data":['), bytes, Buffer.from(']}')]) : bytes;
        expectResultOrDatasetError(
          () => parseDigitsJson(input, 'fuzz.json'),
          (r) => expect(r).toBeInstanceOf(Uint8Array),
        );
      }),
      { numRuns: 500 },
    );
  });

  it('accepts whitespace and rejects anything but numbers in [0, 1]', () => {
    expect(Array.from(parseDigitsJson(Buffer.from('{"data":[ 0 , 1,0.2 ]}'), 'a'))).toEqual([0, 255, 51]);
    expect(() => parseDigitsJson(Buffer.from('{"data":[0,2]}'), 'b.json')).toThrow(
      /b.json \(byte 11\): expected a number in \[0, 1\]/,
    );
    expect(() => parseDigitsJson(Buffer.from('{"data":[0;1]}'), 'c')).toThrow(/expected a comma between numbers/);
    expect(() => parseDigitsJson(Buffer.from('{"data": 5}'), 'd')).toThrow(DatasetError);
    expect(() => parseDigitsJson(Buffer.from('{"data":[-1]}'), 'e')).toThrow(/expected a number/);
    expect(() => parseDigitsJson(Buffer.from(`{"data":[0.${'1'.repeat(400)}]}`), 'f')).toThrow(
      /expected a number in \[0, 1\]/,
    );
  });
});
