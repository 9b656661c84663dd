import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cachedImageSet, defaultCacheDir, hashKey } from './cache.js';
import { imageSet } from './image-set.js';
import { tempDir } from './testing/internal/helpers.js';

const tmp = tempDir();
afterAll(tmp.remove);

const make = (v: number) => async () =>
  imageSet(new Uint8Array(6).fill(v), [2, 3, 1, 1], Int32Array.from([1, -1]), ['a', 'b'], ['d1', 'd2']);

describe('cachedImageSet', () => {
  it('builds on a miss, reads back an identical set on a hit', async () => {
    let builds = 0;
    const build = async () => {
      builds++;
      return make(4)();
    };
    const first = await cachedImageSet(tmp.dir, 'set', { k: 1 }, build);
    const second = await cachedImageSet(tmp.dir, 'set', { k: 1 }, build);
    expect([first.cache, second.cache, builds]).toEqual(['miss', 'hit', 1]);
    expect(second.set).toEqual(first.set);
  });

  it('a new key rebuilds and replaces the old entry of the same name', async () => {
    await cachedImageSet(tmp.dir, 'swap', 'a', make(1));
    const next = await cachedImageSet(tmp.dir, 'swap', 'b', make(2));
    expect(next.cache).toBe('miss');
    expect(readdirSync(tmp.dir).filter((f) => f.startsWith('swap-'))).toEqual([`swap-${hashKey('b')}.bin`]);
  });

  it('a corrupt cache file counts as a miss', async () => {
    await cachedImageSet(tmp.dir, 'bad', 1, make(3));
    writeFileSync(join(tmp.dir, `bad-${hashKey(1)}.bin`), 'FUNTDS01 garbage');
    const again = await cachedImageSet(tmp.dir, 'bad', 1, make(3));
    expect(again.cache).toBe('miss');
    expect(Array.from(again.set.images)).toEqual([3, 3, 3, 3, 3, 3]);
  });

  it('false turns caching off', async () => {
    expect((await cachedImageSet(false, 'off', 1, make(0))).cache).toBe('off');
  });

  it('the default directory follows FUNT_CACHE_DIR', () => {
    const saved = process.env.FUNT_CACHE_DIR;
    process.env.FUNT_CACHE_DIR = '/some/where';
    expect(defaultCacheDir()).toBe('/some/where/datasets');
    if (saved === undefined) delete process.env.FUNT_CACHE_DIR;
    else process.env.FUNT_CACHE_DIR = saved;
  });
});
