import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelDescription } from '../model/saved-model.js';
import { imageFormatOf, listImageFiles, readImageFiles } from './image-files.js';

const tmp = mkdtempSync(join(tmpdir(), 'funt-images-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const description = (image?: ModelDescription['image']): ModelDescription => ({
  architecture: { n: 1, filters: 4, inputShape: [1, 32, 32], classes: 10, skip: true, hiddenDims: [] },
  classNames: Array.from({ length: 10 }, (_, i) => String(i)),
  dataset: 'mnist',
  ...(image ? { image } : {}),
});

describe('image files as a model takes them', () => {
  it("frames a digit as MNIST's: resized to 28×28 and bordered by 2 zero pixels to 32×32", async () => {
    const file = join(tmp, 'white.png');
    const rgba = new Uint8Array(50 * 40 * 4).fill(255);
    writeFileSync(file, encode({ width: 50, height: 40, data: rgba, channels: 4, depth: 8 }));
    const format = imageFormatOf(description({ height: 32, width: 32, pad: 2 }));
    expect(format).toEqual({ channels: 1, height: 32, width: 32, pad: 2 });
    const set = await readImageFiles([file], format);
    expect(set.shape).toEqual([1, 1, 32, 32]);
    const at = (y: number, x: number) => set.images[y * 32 + x];
    expect([at(0, 0), at(1, 31), at(31, 16)]).toEqual([0, 0, 0]);
    expect([at(2, 2), at(16, 16), at(29, 29)]).toEqual([255, 255, 255]);
    // A model without a recorded format (imported): its input size, no border.
    expect(imageFormatOf(description())).toEqual({ channels: 1, height: 32, width: 32, pad: 0 });
  });

  it('lists files as given and the images of folders, by name; a missing path is a usage error', () => {
    writeFileSync(join(tmp, 'b.JPG'), '');
    writeFileSync(join(tmp, 'a.ppm'), '');
    writeFileSync(join(tmp, 'c.txt'), '');
    expect(listImageFiles([tmp, join(tmp, 'c.txt')])).toEqual(
      ['a.ppm', 'b.JPG', 'white.png', 'c.txt'].map((f) => join(tmp, f)),
    );
    expect(() => listImageFiles([join(tmp, 'none')])).toThrow(`${join(tmp, 'none')} does not exist`);
  });
});
