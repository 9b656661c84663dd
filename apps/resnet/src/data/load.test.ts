import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitStandardization, type ImageSet } from '@funt/datasets';
import { Rng } from '@funt/tensor';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { trainTransform } from './augment.js';
import { frameSet } from './frame.js';
import { inputHooks, pixelBounds, pixelSource, rawTensor, toPixels } from './hooks.js';
import { checkData, loadData, type PreparedData } from './load.js';

const tmp = mkdtempSync(join(tmpdir(), 'funt-load-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** An IDX file as MNIST ships it: big-endian magic (type 0x08, rank), dims, then bytes. */
function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x0800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

function writeMnistIdx(dir: string, train: number, test: number): void {
  const rng = new Rng(1);
  const images = (n: number) => Uint8Array.from({ length: n * 28 * 28 }, () => rng.int(256));
  const labels = (n: number) => Uint8Array.from({ length: n }, (_, i) => i % 10);
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx([train, 28, 28], images(train)));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx([train], labels(train)));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx([test, 28, 28], images(test)));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([test], labels(test)));
}

/** CIFAR-10's binary batches: records of 1 label byte + 3072 pixel bytes. */
function writeCifar(dir: string, perBatch: number): void {
  const batch = (seed: number) => {
    const rng = new Rng(seed);
    const b = Buffer.alloc(perBatch * 3073);
    for (let r = 0; r < perBatch; r++) {
      b[r * 3073] = r % 10;
      for (let p = 1; p < 3073; p++) b[r * 3073 + p] = rng.int(256);
    }
    return b;
  };
  for (let i = 1; i <= 5; i++) writeFileSync(join(dir, `data_batch_${i}.bin`), batch(i));
  writeFileSync(join(dir, 'test_batch.bin'), batch(9));
}

describe('loadData', () => {
  it('splits the embedded MNIST digits, padded to 32×32, with a fixed test set', async () => {
    const a = await loadData({ dataset: 'mnist', trainSize: 500 });
    expect(a.train.shape).toEqual([500, 1, 32, 32]);
    expect(a.val.shape[0]).toBe(900);
    expect(a.test.shape[0]).toBe(1000);
    expect(a.inputShape).toEqual([1, 32, 32]);
    expect(a.classNames).toHaveLength(10);
    expect(a.flipByDefault).toBe(false);
    // The same test digits whatever the training size.
    const b = await loadData({ dataset: 'mnist', trainSize: 100 });
    expect(Array.from(b.test.labels)).toEqual(Array.from(a.test.labels));
    // The 2-pixel zero border.
    const border = Array.from(a.test.images.subarray(0, 32 * 2));
    expect(border.every((v) => v === 0)).toBe(true);
  });

  it('frames IDX digits to 32×32 and holds validation out of the training files', async () => {
    const dir = join(tmp, 'idx');
    mkdirSync(dir, { recursive: true });
    writeMnistIdx(dir, 40, 12);
    const d = await loadData({ dataset: 'mnist-idx', dataDir: dir });
    expect(d.train.shape).toEqual([36, 1, 32, 32]);
    expect(d.val.shape).toEqual([4, 1, 32, 32]);
    expect(d.test.shape).toEqual([12, 1, 32, 32]);
    expect(d.testSplit).toBe('test');
    expect(d.description).toMatch(/^mnist-idx: 36 training, 4 validation, 12 test images of 1×32×32, 10 classes/);
  });

  it('loads CIFAR-10 batches as 3×32×32 with flips on by default', async () => {
    const dir = join(tmp, 'cifar');
    mkdirSync(dir, { recursive: true });
    writeCifar(dir, 6);
    const d = await loadData({ dataset: 'cifar10', dataDir: dir, valSize: 5, testSize: 4 });
    expect(d.train.shape).toEqual([25, 3, 32, 32]);
    expect(d.val.shape[0]).toBe(5);
    expect(d.test.shape[0]).toBe(4);
    expect(d.classNames[0]).toBe('airplane');
    expect(d.flipByDefault).toBe(true);
    expect(trainTransform({ augment: true, cropPad: 4, rotate: 0 }, d).stages).toEqual([
      'random 32×32 crops with pad 4',
      'horizontal flips of half the batch',
    ]);
    expect(trainTransform({ augment: false, cropPad: 4, rotate: 0 }, d).stages).toEqual([]);
  });

  it('names the flag when a size is too large: a usage error (exit code 2)', async () => {
    await expect(loadData({ dataset: 'synthetic', trainSize: 5000 })).rejects.toThrow(
      /--train-size 5000 is more than the \d+ images available/,
    );
    await expect(loadData({ dataset: 'synthetic', valSize: 5000 })).rejects.toThrow(UsageError);
    await expect(loadData({ dataset: 'synthetic', valSize: 5000 })).rejects.toThrow(
      /^--val-size 5000: cannot hold out 5000 of \d+ training images/,
    );
  });

  it('takes at most --max-per-class training images of each class', async () => {
    const d = await loadData({ dataset: 'synthetic', maxPerClass: 10 });
    const all = [...d.train.labels, ...d.val.labels];
    expect(all).toHaveLength(40);
    for (let c = 0; c < 4; c++) expect(all.filter((l) => l === c)).toHaveLength(10);
  });

  it('reads CIFAR-10 from its downloaded .tar.gz given as --data-dir', async () => {
    const dir = join(tmp, 'cifar-archive', 'cifar-10-batches-bin');
    mkdirSync(dir, { recursive: true });
    writeCifar(dir, 3);
    const archive = join(tmp, 'cifar-10-binary.tar.gz');
    execFileSync('tar', ['czf', archive, '-C', join(tmp, 'cifar-archive'), 'cifar-10-batches-bin']);
    expect(() => checkData({ dataset: 'cifar10', dataDir: archive })).not.toThrow();
    const d = await loadData({ dataset: 'cifar10', dataDir: archive, valSize: 5 });
    expect(d.train.shape).toEqual([10, 3, 32, 32]);
    expect(d.test.shape[0]).toBe(3);
    expect(() => checkData({ dataset: 'mnist-idx', dataDir: archive })).toThrow(/--data-dir .* is not a folder$/);
    expect(() => checkData({ dataset: 'cifar10', dataDir: join(tmp, 'nothing') })).toThrow(
      /--data-dir .*nothing does not exist/,
    );
  });
});

describe('input hooks', () => {
  it('serve uint8 pixels as the float rows rawTensor holds, without a float copy of the split', async () => {
    const d = await loadData({ dataset: 'synthetic' });
    expect(d.train.images).toBeInstanceOf(Uint8Array);
    const source = pixelSource(d.train);
    expect(source.shape).toEqual(d.train.shape);
    const raw = rawTensor(d.train);
    const size = raw.size / raw.shape[0];
    const row = new Float32Array(size + 3);
    for (const i of [0, 7, d.train.shape[0] - 1]) {
      source.readRow(i, row, 3);
      expect(Array.from(row.subarray(3))).toEqual(Array.from(raw.data.subarray(i * size, (i + 1) * size)));
    }
    raw.dispose();
  });

  it('standardise evaluation batches and augment training ones from raw pixels', async () => {
    const d = await loadData({ dataset: 'synthetic' });
    const t = trainTransform({ augment: true, cropPad: 2, rotate: 0 }, d);
    const hooks = inputHooks(d, t);
    const raw = rawTensor(d.train);
    const x = hooks.eval(raw);
    let mean = 0;
    let sq = 0;
    for (const v of x.data) {
      mean += v / x.size;
      sq += (v * v) / x.size;
    }
    // Standardised with the training statistics: mean 0, std 1 on the training set itself.
    expect(mean).toBeCloseTo(0, 3);
    expect(Math.sqrt(sq - mean * mean)).toBeCloseTo(1, 3);
    const a = hooks.train(raw.slice(0, 8), new Rng(3));
    const b = hooks.train(raw.slice(0, 8), new Rng(3));
    expect(Array.from(a.data)).toEqual(Array.from(b.data)); // seeded
    expect(a.shape).toEqual([8, 1, 16, 16]);
    // Standardised values map back to the raw pixels.
    const back = toPixels(x.data.subarray(0, 256), pixelBounds(d));
    back.forEach((v, i) => expect(v).toBeCloseTo(raw.data[i], 2));
    for (const t of [raw, x, a, b]) t.dispose();
  });

  it('crops images larger than the input as the seed did for SFDDD: random windows for training, the centre for evaluation', () => {
    // 12×16 images for an 8×8 network input, as SFDDD's 48×64 photos for 32×32.
    const [n, H, W, h, w] = [6, 12, 16, 8, 8];
    const rng = new Rng(2);
    const set: ImageSet = {
      images: Uint8Array.from({ length: n * H * W }, () => rng.int(256)),
      shape: [n, 1, H, W],
      labels: new Int32Array(n),
      classNames: ['a'],
    };
    const data: PreparedData = {
      dataset: 'synthetic',
      train: set,
      val: set,
      test: set,
      testSplit: 'test',
      classNames: ['a'],
      inputShape: [1, h, w],
      standardization: fitStandardization(frameSet(set, h, w), 'image'),
      flipByDefault: false,
      description: '',
    };
    const pixel = (i: number, y: number, x: number) => set.images[i * H * W + y * W + x];
    /** The (dy, dx) of the window of image i that `crop` (h×w pixels) is, or null. */
    const windowOf = (crop: ArrayLike<number>, i: number): [number, number] | null => {
      for (let dy = 0; dy <= H - h; dy++) {
        for (let dx = 0; dx <= W - w; dx++) {
          let same = true;
          for (let k = 0; k < h * w && same; k++)
            same = Math.abs(crop[k] - pixel(i, dy + Math.floor(k / w), dx + (k % w))) < 0.01;
          if (same) return [dy, dx];
        }
      }
      return null;
    };
    const bounds = pixelBounds(data);
    const raw = rawTensor(set);
    const random = inputHooks(data, trainTransform({ augment: true, cropPad: 0, rotate: 0 }, data));
    const centre = inputHooks(data, trainTransform({ augment: false, cropPad: 0, rotate: 0 }, data));
    const evaluated = random.eval(raw);
    const trained = random.train(raw, new Rng(5));
    const plain = centre.train(raw, new Rng(5));
    for (const t of [evaluated, trained, plain]) expect(t.shape).toEqual([n, 1, h, w]);
    const windows = (t: { data: ArrayLike<number> }) =>
      Array.from({ length: n }, (_, i) =>
        windowOf(toPixels(Array.from(t.data).slice(i * h * w, (i + 1) * h * w), bounds), i),
      );
    const middle: [number, number] = [(H - h) / 2, (W - w) / 2];
    expect(windows(evaluated)).toEqual(Array(n).fill(middle));
    expect(windows(plain)).toEqual(Array(n).fill(middle));
    const drawn = windows(trained);
    expect(drawn.every((d) => d !== null)).toBe(true);
    expect(new Set(drawn.map((d) => d!.join(','))).size).toBeGreaterThan(1);
    for (const t of [raw, evaluated, trained, plain]) t.dispose();
  });
});
