import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { damaged } from '../testing/internal/fuzz.js';
import { tarBytes } from '../testing/internal/writers.js';
import { readTarEntries } from './tar.js';

const entries = [
  { name: 'cifar-10-batches-bin/data_batch_1.bin', data: new Uint8Array(3000).fill(7) },
  { name: 'cifar-10-batches-bin/readme.html', data: 'hello' },
  { name: 'cifar-10-batches-bin/batches.meta.txt', data: 'cat\ndog\n' },
];

describe('readTarEntries', () => {
  it('reads the wanted entries of a tar and of a tar.gz, skipping the others', async () => {
    for (const gzip of [false, true]) {
      const bytes = await tarBytes(entries, gzip);
      const got = await readTarEntries(bytes, 'a.tar', (n) => !n.endsWith('.html'), { gzip });
      expect([...got.keys()]).toEqual([
        'cifar-10-batches-bin/data_batch_1.bin',
        'cifar-10-batches-bin/batches.meta.txt',
      ]);
      expect(got.get('cifar-10-batches-bin/batches.meta.txt')!.toString()).toBe('cat\ndog\n');
      expect(got.get('cifar-10-batches-bin/data_batch_1.bin')!.length).toBe(3000);
    }
  });

  it('reports truncation, bad gzip and oversized entries as DatasetErrors naming the archive', async () => {
    const tar = await tarBytes(entries, false);
    const gz = await tarBytes(entries, true);
    await expect(readTarEntries(tar.subarray(0, 1000), 'cut.tar', () => true, { gzip: false })).rejects.toThrow(
      /cut.tar: is not a valid tar archive: Unexpected end of data/,
    );
    await expect(
      readTarEntries(gz.subarray(0, gz.length - 20), 'cut.tar.gz', () => true, { gzip: true }),
    ).rejects.toThrow(DatasetError);
    await expect(readTarEntries(tar, 'plain.tar', () => true, { gzip: true })).rejects.toThrow(
      /plain.tar: is not a valid gzip-compressed tar archive/,
    );
    await expect(readTarEntries(tar, 'big.tar', () => true, { gzip: false, maxEntryBytes: 100 })).rejects.toThrow(
      /big.tar: entry cifar-10-batches-bin\/data_batch_1.bin is too large \(expected at most 100 bytes, found 3000 bytes\)/,
    );
  });

  it('random bytes and damaged archives: DatasetError or a result, never a hang or another error (property)', async () => {
    const tar = await tarBytes(entries, false);
    // Overwrites aim at the first 1536 bytes: the headers and the first entry's data.
    const input = fc.oneof(fc.uint8Array({ maxLength: 2048 }), damaged(tar, 1536));
    await fc.assert(
      fc.asyncProperty(input, fc.boolean(), async (bytes, gzip) => {
        const source = gzip ? Buffer.concat([Buffer.from([0x1f, 0x8b]), bytes]) : bytes;
        try {
          const got = await readTarEntries(source, 'fuzz.tar', () => true, { gzip });
          expect(got).toBeInstanceOf(Map);
        } catch (error) {
          expect(error).toBeInstanceOf(DatasetError);
        }
      }),
      { numRuns: 300, interruptAfterTimeLimit: 60_000 },
    );
  });
});
