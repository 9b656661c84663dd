import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/internal/helpers.js';
import { greyJpeg, solidJpeg } from '../testing/internal/writers.js';
import { loadTinyImageNet } from './tiny-imagenet.js';

const tmp = tempDir();
afterAll(tmp.remove);
const root = join(tmp.dir, 'tiny-imagenet-200');
const cacheDir = join(tmp.dir, 'cache');
const wnids = ['n01443537', 'n01629819'];
const colours: [number, number, number][] = [
  [230, 30, 30],
  [30, 30, 230],
];

beforeAll(async () => {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'wnids.txt'), `${wnids.join('\n')}\n`);
  writeFileSync(
    join(root, 'words.txt'),
    'n01443537\tgoldfish, Carassius auratus\nn01629819\tEuropean fire salamander, Salamandra salamandra\nn99999999\tunused\n',
  );
  for (const [c, wnid] of wnids.entries()) {
    const dir = join(root, 'train', wnid, 'images');
    mkdirSync(dir, { recursive: true });
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, `${wnid}_${i}.JPEG`), await solidJpeg(64, 64, colours[c]));
    writeFileSync(join(root, 'train', wnid, `${wnid}_boxes.txt`), 'ignored\n');
  }
  // Tiny-ImageNet has a few grey JPEGs; one here.
  writeFileSync(join(root, 'train', wnids[1], 'images', `${wnids[1]}_3.JPEG`), await greyJpeg(64, 64, 120));
  mkdirSync(join(root, 'val', 'images'), { recursive: true });
  writeFileSync(join(root, 'val', 'images', 'val_0.JPEG'), await solidJpeg(64, 64, colours[1]));
  writeFileSync(join(root, 'val', 'images', 'val_1.JPEG'), await solidJpeg(64, 64, colours[0]));
  writeFileSync(
    join(root, 'val', 'val_annotations.txt'),
    `val_0.JPEG\t${wnids[1]}\t0\t0\t10\t10\nval_1.JPEG\t${wnids[0]}\t1\t2\t30\t40\n`,
  );
});

describe('loadTinyImageNet', () => {
  it('loads train and val with class names from words.txt, grey images as RGB', async () => {
    const { train, val, wnids: ids, cache } = await loadTinyImageNet(root, { cacheDir });
    expect(cache).toBe('miss');
    expect(ids).toEqual(wnids);
    expect(train.classNames).toEqual(['goldfish', 'European fire salamander']);
    expect(train.shape).toEqual([7, 3, 64, 64]);
    expect(Array.from(train.labels)).toEqual([0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(val.labels)).toEqual([1, 0]);
    const pixel = (images: Uint8Array | Float32Array, i: number, ch: number): number =>
      images[i * 3 * 4096 + ch * 4096 + 2080];
    expect(pixel(train.images, 0, 0)).toBeGreaterThan(200);
    expect(pixel(train.images, 4, 2)).toBeGreaterThan(200);
    expect(pixel(val.images, 0, 2)).toBeGreaterThan(200);
    const grey = [0, 1, 2].map((ch) => pixel(train.images, 6, ch));
    expect(new Set(grey).size).toBe(1);
    expect(Math.abs(grey[0] - 120)).toBeLessThanOrEqual(3);
    expect((await loadTinyImageNet(root, { cacheDir })).cache).toBe('hit');
  });

  it('resizes and limits images per class on request', async () => {
    const { train } = await loadTinyImageNet(root, { cacheDir: false, size: 32, maxPerClass: 2 });
    expect(train.shape).toEqual([4, 3, 32, 32]);
  });

  it('names the file for unknown classes in the annotations and missing class folders', async () => {
    const bad = join(tmp.dir, 'bad');
    mkdirSync(join(bad, 'val'), { recursive: true });
    writeFileSync(join(bad, 'wnids.txt'), 'n1\n');
    await expect(loadTinyImageNet(bad, { cacheDir })).rejects.toThrow(/bad\/train\/n1\/images: folder not found/);
    mkdirSync(join(bad, 'train', 'n1', 'images'), { recursive: true });
    writeFileSync(join(bad, 'val', 'val_annotations.txt'), 'a.JPEG\tn1\t0\t0\t1\t1\nb.JPEG\tn2\t0\t0\t1\t1\n');
    await expect(loadTinyImageNet(bad, { cacheDir })).rejects.toThrow(
      /val_annotations.txt:2: unknown class or missing file name/,
    );
    await expect(loadTinyImageNet(join(tmp.dir, 'nowhere'))).rejects.toThrow(/nowhere: folder not found/);
  });

  it('refuses validation file names that would leave val/images', async () => {
    const dir = join(tmp.dir, 'escape');
    mkdirSync(join(dir, 'train', 'n1', 'images'), { recursive: true });
    mkdirSync(join(dir, 'val'), { recursive: true });
    writeFileSync(join(dir, 'wnids.txt'), 'n1\n');
    for (const name of ['../../../../etc/passwd', '/etc/passwd', '..', 'a\\..\\b']) {
      writeFileSync(join(dir, 'val', 'val_annotations.txt'), `ok.JPEG\tn1\n${name}\tn1\n`);
      await expect(loadTinyImageNet(dir, { cacheDir: false })).rejects.toThrow(
        /val_annotations.txt:2: image name is not a plain file name/,
      );
    }
  });
});
