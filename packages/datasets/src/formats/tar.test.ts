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

  it('caps the total of the wanted entries, not only each one: the kept bytes never pass the cap (property)', async () => {
    // Entries of random sizes under random (often repeated) names, and a random total cap.
    const entry = fc.record({ name: fc.constantFrom('a.bin', 'b.bin', 'x/a.bin'), size: fc.nat({ max: 3000 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 6 }), fc.nat({ max: 8000 }), async (list, maxTotalBytes) => {
        const bytes = await tarBytes(
          list.map((e) => ({ name: e.name, data: new Uint8Array(e.size) })),
          false,
        );
        try {
          const got = await readTarEntries(bytes, 'many.tar', () => true, { gzip: false, maxTotalBytes });
          const kept = [...got.values()].reduce((sum, b) => sum + b.length, 0);
          expect(kept).toBeLessThanOrEqual(maxTotalBytes);
        } catch (error) {
          expect(error).toBeInstanceOf(DatasetError);
          expect((error as Error).message).toMatch(
            /^many\.tar: entries wanted from the archive are too large in total/,
          );
        }
      }),
      { numRuns: 100 },
    );
    // Three entries each under the per-entry cap, over the total one.
    const three = await tarBytes(
      ['a', 'b', 'c'].map((n) => ({ name: `${n}/data_batch_1.bin`, data: new Uint8Array(400) })),
      true,
    );
    await expect(
      readTarEntries(three, 'three.tar.gz', () => true, { gzip: true, maxEntryBytes: 500, maxTotalBytes: 1000 }),
    ).rejects.toThrow(
      /three\.tar\.gz: entries wanted from the archive are too large in total \(at c\/data_batch_1\.bin\) \(expected at most 1000 bytes, found 1200 bytes\)/,
    );
  });
});
