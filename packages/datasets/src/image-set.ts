import { formatShape, ShapeError } from '@funt/tensor';

/** Pixel storage: uint8 where the source is 8-bit (every loader here), float32 otherwise. */
export type Pixels = Uint8Array | Float32Array;

/**
 * A labelled set of images in N×C×H×W row-major order. Kept as plain typed arrays rather than a
 * Tensor so that a whole data set stays compact (uint8) and backend-independent; batches become
 * float tensors through `toTensor`/`batches`.
 */
export interface ImageSet {
  images: Pixels;
  shape: [n: number, c: number, h: number, w: number];
  /** One label per image, an index into `classNames`; -1 marks an unlabelled image (a test set). */
  labels: Int32Array;
  classNames: string[];
  /** Optional group of each image (SFDDD: the driver), used to split without leaking a group. */
  groups?: string[];
}

/** Builds an ImageSet after checking that the arrays agree with the shape. */
export function imageSet(
  images: Pixels,
  shape: readonly number[],
  labels: Int32Array,
  classNames: string[],
  groups?: string[],
): ImageSet {
  if (shape.length !== 4 || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError('imageSet', `shape must be [n, c, h, w] of non-negative integers, got ${formatShape(shape)}`, [
      shape,
    ]);
  }
  const [n, c, h, w] = shape;
  if (images.length !== n * c * h * w) {
    throw new ShapeError('imageSet', `${images.length} pixels do not fill shape ${formatShape(shape)}`, [
      shape,
      [images.length],
    ]);
  }
  if (labels.length !== n) {
    throw new ShapeError('imageSet', `${labels.length} labels for ${n} images`, [shape, [labels.length]]);
  }
  if (groups !== undefined && groups.length !== n) {
    throw new ShapeError('imageSet', `${groups.length} groups for ${n} images`, [shape, [groups.length]]);
  }
  const set: ImageSet = { images, shape: [n, c, h, w], labels, classNames };
  if (groups !== undefined) set.groups = groups;
  return set;
}

/** Values per image (C·H·W). */
export function imageSize(set: ImageSet): number {
  return set.shape[1] * set.shape[2] * set.shape[3];
}

/** A new ImageSet holding copies of the given rows, in that order. */
export function subset(set: ImageSet, rows: ArrayLike<number>): ImageSet {
  const n = set.shape[0];
  const size = imageSize(set);
  const images =
    set.images instanceof Uint8Array ? new Uint8Array(rows.length * size) : new Float32Array(rows.length * size);
  const labels = new Int32Array(rows.length);
  const groups = set.groups ? new Array<string>(rows.length) : undefined;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    if (!Number.isInteger(r) || r < 0 || r >= n) {
      throw new RangeError(`subset: row ${r} out of range for a set of ${n} images`);
    }
    images.set(set.images.subarray(r * size, (r + 1) * size), i * size);
    labels[i] = set.labels[r];
    if (groups) groups[i] = set.groups![r];
  }
  return imageSet(images, [rows.length, set.shape[1], set.shape[2], set.shape[3]], labels, set.classNames, groups);
}

/** Concatenates sets of the same image shape, pixel type and classes (e.g. CIFAR's five batches). */
export function concatSets(sets: readonly ImageSet[]): ImageSet {
  if (sets.length === 0) throw new RangeError('concatSets: no sets given');
  const [first] = sets;
  const [, c, h, w] = first.shape;
  let n = 0;
  for (const s of sets) {
    if (s.shape[1] !== c || s.shape[2] !== h || s.shape[3] !== w) {
      throw new ShapeError(
        'concatSets',
        `image shapes differ: ${formatShape(first.shape)} vs ${formatShape(s.shape)}`,
        [first.shape, s.shape],
      );
    }
    if (s.images.constructor !== first.images.constructor) {
      throw new TypeError(
        `concatSets: pixel types differ (${first.images.constructor.name} vs ${s.images.constructor.name})`,
      );
    }
    n += s.shape[0];
  }
  const images = first.images instanceof Uint8Array ? new Uint8Array(n * c * h * w) : new Float32Array(n * c * h * w);
  const labels = new Int32Array(n);
  const withGroups = sets.every((s) => s.groups !== undefined);
  const groups: string[] = [];
  let at = 0;
  for (const s of sets) {
    images.set(s.images, at * c * h * w);
    labels.set(s.labels, at);
    if (withGroups) groups.push(...s.groups!);
    at += s.shape[0];
  }
  return imageSet(images, [n, c, h, w], labels, first.classNames, withGroups ? groups : undefined);
}

/** How many images carry each label (index = label); unlabelled images are not counted. */
export function classCounts(set: ImageSet): number[] {
  const counts = new Array<number>(set.classNames.length).fill(0);
  for (const l of set.labels) if (l >= 0 && l < counts.length) counts[l]++;
  return counts;
}
