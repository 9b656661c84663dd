import { imageSet, parseIdx } from '@funt/datasets';
import { embeddedMnistData, type PreparedData } from '@funt/resnet';
import { DIGIT_FILES } from '../digit-files.js';

const CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * Fetches one of the gzipped IDX files the build ships (vite/files.ts) and parses it. Some
 * servers send a `.gz` file with `Content-Encoding: gzip` (Vite's preview does), and the browser
 * has then already unzipped it: the bytes are unzipped here only when they start with gzip's magic.
 */
async function fetchIdx(baseUrl: string, path: string, dims: number): Promise<{ dims: number[]; data: Uint8Array }> {
  const url = new URL(path, baseUrl);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url}: HTTP ${response.status}`);
  let bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const unzipped = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    bytes = new Uint8Array(await new Response(unzipped).arrayBuffer());
  }
  return parseIdx(bytes, path, dims);
}

/**
 * The 10,000 embedded MNIST digits (from the page's `baseUrl`), prepared exactly as
 * `funt-resnet train --dataset mnist` prepares them in Node (`embeddedMnistData`: padded to
 * 32×32, the same 1,000 test digits, 10% of the rest for validation, the standardisation fitted
 * on the training split), so a model trained on either side meets the same digits and statistics.
 */
export async function loadDigits(baseUrl: string): Promise<PreparedData> {
  const [images, labels] = await Promise.all([
    fetchIdx(baseUrl, DIGIT_FILES.images, 3),
    fetchIdx(baseUrl, DIGIT_FILES.labels, 1),
  ]);
  const [n, h, w] = images.dims;
  return embeddedMnistData(imageSet(images.data, [n, 1, h, w], Int32Array.from(labels.data), CLASS_NAMES));
}
