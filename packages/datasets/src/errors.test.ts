import { describe, expect, it } from 'vitest';
import { DatasetError } from './errors.js';

describe('DatasetError', () => {
  it('names the file, the place and the expected and found values', () => {
    const e = new DatasetError('data/train-images-idx3-ubyte', 'wrong magic number', {
      offset: 0,
      expected: '0x00000803',
      found: '0x12345678',
    });
    expect(e.message).toBe(
      'data/train-images-idx3-ubyte (byte 0): wrong magic number (expected 0x00000803, found 0x12345678)',
    );
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('DatasetError');
    expect([e.file, e.offset, e.expected, e.found]).toEqual([
      'data/train-images-idx3-ubyte',
      0,
      '0x00000803',
      '0x12345678',
    ]);
  });

  it('prefers the line for text files and omits what it does not know', () => {
    expect(
      new DatasetError('train.csv', 'row has the wrong number of columns', { line: 7, expected: 785, found: 784 })
        .message,
    ).toBe('train.csv:7: row has the wrong number of columns (expected 785, found 784)');
    const bare = new DatasetError('x', 'is empty');
    expect(bare.message).toBe('x: is empty');
    expect(bare.line).toBeUndefined();
    expect(bare.offset).toBeUndefined();
  });
});
