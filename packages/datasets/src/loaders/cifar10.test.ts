import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetError } from '../errors.js';
import { tempDir } from '../testing/internal/helpers.js';
import { cifarBytes, tarBytes } from '../testing/internal/writers.js';
import { CIFAR10_CLASSES, loadCifar10 } from './cifar10.js';

const tmp = tempDir();
afterAll(tmp.remove);

/** Batch b holds two images whose pixels encode (batch, image, position). */
const batchFile = (b: number): Buffer => cifarBytes([b % 10, (b + 3) % 10], (i, k) => (b * 50 + i * 20 + k) % 256);
const names = [...[1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`), 'test_batch.bin'];
const files = names.map((name, b) => ({ name: `cifar-10-batches-bin/${name}`, data: batchFile(b) }));
const meta = { name: 'cifar-10-batches-bin/batches.meta.txt', data: `${CIFAR10_CLASSES.join('\n')}\n\n` };

function writeFolder(dir: string, withMeta = true): void {
  mkdirSync(join(dir, 'cifar-10-batches-bin'), { recursive: true });
  for (const f of withMeta ? [...files, meta] : files) writeFileSync(join(dir, f.name), f.data);
}

function check(got: Awaited<ReturnType<typeof loadCifar10>>): void {
  expect(got.train.shape).toEqual([10, 3, 32, 32]);
  expect(got.test.shape).toEqual([2, 3, 32, 32]);
  expect(Array.from(got.train.labels)).toEqual([0, 3, 1, 4, 2, 5, 3, 6, 4, 7]);
  expect(Array.from(got.test.labels)).toEqual([5, 8]);
  // Training image 3 is image 1 of data_batch_2 (b = 1): its first pixel is 1·50 + 1·20 = 70.
  expect(got.train.images[3 * 3072]).toBe(70);
  expect(got.test.images[3072]).toBe((5 * 50 + 20) % 256);
  expect(got.train.classNames).toEqual(CIFAR10_CLASSES);
}

describe('loadCifar10', () => {
  it('loads the batches folder, or its parent', async () => {
    const dir = join(tmp.dir, 'folder');
    writeFolder(dir);
    check(await loadCifar10(join(dir, 'cifar-10-batches-bin')));
    check(await loadCifar10(dir));
  });

  it('reads cifar-10-binary.tar.gz (and a plain tar) without unpacking', async () => {
    for (const compress of [true, false]) {
      const archive = join(tmp.dir, compress ? 'cifar-10-binary.tar.gz' : 'cifar-10-binary.tar');
      writeFileSync(
        archive,
        await tarBytes([...files, meta, { name: 'cifar-10-batches-bin/readme.html', data: '<html>' }], compress),
      );
      check(await loadCifar10(archive));
    }
  });

  it('uses the standard class names without batches.meta.txt', async () => {
    const dir = join(tmp.dir, 'no-meta');
    writeFolder(dir, false);
    expect((await loadCifar10(dir)).test.classNames).toEqual(CIFAR10_CLASSES);
  });

  it('a truncated record names the file and the offset', async () => {
    const dir = join(tmp.dir, 'truncated');
    writeFolder(dir);
    const file = join(dir, 'cifar-10-batches-bin', 'data_batch_3.bin');
    writeFileSync(file, batchFile(2).subarray(0, 3073 + 1000));
    const e = (await loadCifar10(dir).catch((error: unknown) => error)) as DatasetError;
    expect(e).toBeInstanceOf(DatasetError);
    expect(e.file).toBe(file);
    expect(e.offset).toBe(3073);
    expect(e.message).toMatch(/truncated record 1 .* \(expected 3073 bytes, found 1000 bytes\)/);
  });

  it('a missing batch, a missing path, bad class names and a corrupt archive are DatasetErrors', async () => {
    const dir = join(tmp.dir, 'partial');
    mkdirSync(dir);
    writeFileSync(join(dir, 'test_batch.bin'), batchFile(5));
    await expect(loadCifar10(dir)).rejects.toThrow(/partial\/data_batch_1.bin: file not found/);
    await expect(loadCifar10(join(tmp.dir, 'nowhere.tar.gz'))).rejects.toThrow(/nowhere.tar.gz: not found/);
    const metaDir = join(tmp.dir, 'meta');
    writeFolder(metaDir);
    writeFileSync(join(metaDir, 'cifar-10-batches-bin', 'batches.meta.txt'), 'cat\ndog\n');
    await expect(loadCifar10(metaDir)).rejects.toThrow(
      /batches.meta.txt: wrong number of class names \(expected 10, found 2\)/,
    );
    const corrupt = join(tmp.dir, 'corrupt.tar.gz');
    const good = await tarBytes(files, true);
    writeFileSync(corrupt, good.subarray(0, good.length >> 1));
    await expect(loadCifar10(corrupt)).rejects.toThrow(/corrupt.tar.gz: is not a valid gzip-compressed tar archive/);
    const badEntry = join(tmp.dir, 'bad-entry.tar.gz');
    writeFileSync(
      badEntry,
      await tarBytes(
        [...files.slice(0, 5), { name: 'cifar-10-batches-bin/test_batch.bin', data: batchFile(5).subarray(0, 10) }],
        true,
      ),
    );
    await expect(loadCifar10(badEntry)).rejects.toThrow(
      /bad-entry.tar.gz:cifar-10-batches-bin\/test_batch.bin \(byte 0\): truncated record 0/,
    );
  });
});
