import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { type ImageSet, imageSet } from './image-set.js';

/** Where decoded data sets are cached: $FUNT_CACHE_DIR, else $XDG_CACHE_HOME/funt, else ~/.cache/funt. */
export function defaultCacheDir(): string {
  const env = process.env;
  if (env.FUNT_CACHE_DIR) return join(env.FUNT_CACHE_DIR, 'datasets');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'funt', 'datasets');
}

/** How a load went: read from the cache, decoded and cached, or decoded with caching off. */
export type CacheStatus = 'hit' | 'miss' | 'off';

const MAGIC = 'FUNTDS01';

/** A short stable hash of any JSON-serialisable value. */
export function hashKey(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);
}

/**
 * Returns the ImageSet cached under (`name`, `key`) or builds, caches and returns it. The key
 * must capture everything the result depends on (file list, sizes, mtimes, options), so a
 * changed source gets a new key; older entries of the same `name` are then deleted. A cache
 * file that is unreadable or inconsistent counts as a miss. `dir` false turns caching off.
 */
export async function cachedImageSet(
  dir: string | false,
  name: string,
  key: unknown,
  build: () => Promise<ImageSet>,
): Promise<{ set: ImageSet; cache: CacheStatus }> {
  if (dir === false) return { set: await build(), cache: 'off' };
  const path = join(dir, `${name}-${hashKey(key)}.bin`);
  const cached = await readCache(path);
  if (cached) return { set: cached, cache: 'hit' };
  const set = await build();
  await writeCache(dir, name, path, set);
  return { set, cache: 'miss' };
}

async function readCache(path: string): Promise<ImageSet | null> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return null;
  }
  try {
    if (bytes.toString('latin1', 0, 8) !== MAGIC) return null;
    const headerLength = bytes.readUInt32LE(8);
    const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as {
      shape: [number, number, number, number];
      classNames: string[];
      groups?: string[];
    };
    const [n, c, h, w] = header.shape;
    const labelsAt = 12 + headerLength;
    const imagesAt = labelsAt + 4 * n;
    if (bytes.length !== imagesAt + n * c * h * w) return null;
    // Copies, so the cache buffer is not kept alive and alignment is right for Int32Array.
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) labels[i] = bytes.readInt32LE(labelsAt + 4 * i);
    const images = new Uint8Array(bytes.subarray(imagesAt));
    return imageSet(images, header.shape, labels, header.classNames, header.groups);
  } catch {
    return null;
  }
}

async function writeCache(dir: string, name: string, path: string, set: ImageSet): Promise<void> {
  if (!(set.images instanceof Uint8Array)) return;
  await mkdir(dir, { recursive: true });
  const header = Buffer.from(
    JSON.stringify({ shape: set.shape, classNames: set.classNames, groups: set.groups }),
    'utf8',
  );
  const prefix = Buffer.alloc(12);
  prefix.write(MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(header.length, 8);
  const labels = Buffer.alloc(4 * set.labels.length);
  set.labels.forEach((l, i) => labels.writeInt32LE(l, 4 * i));
  // Written under a temporary name and renamed, so a reader never sees half a file.
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, Buffer.concat([prefix, header, labels, set.images]));
  await rename(tmp, path);
  for (const entry of await readdir(dir)) {
    if (entry.startsWith(`${name}-`) && entry.endsWith('.bin') && join(dir, entry) !== path)
      await rm(join(dir, entry), { force: true });
  }
}
