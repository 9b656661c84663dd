import type { ImageSet } from '@funt/datasets';

/**
 * Puts every image of a uint8/float set into a frame of outH×outW: centred, zero-padded where
 * the frame is larger (MNIST's 28×28 → 32×32) and cropped where it is smaller (the seed tested
 * SFDDD on the centre 32×32 crop of 64×48 photos). Done once at load time on the compact set.
 */
export function frameSet(set: ImageSet, outH: number, outW: number): ImageSet {
  const [n, c, h, w] = set.shape;
  if (h === outH && w === outW) return set;
  const images =
    set.images instanceof Uint8Array ? new Uint8Array(n * c * outH * outW) : new Float32Array(n * c * outH * outW);
  // Offsets of the source in the frame (negative: the source is cropped).
  const dy = Math.floor((outH - h) / 2);
  const dx = Math.floor((outW - w) / 2);
  for (let i = 0; i < n * c; i++) {
    const src = i * h * w;
    const dst = i * outH * outW;
    for (let y = Math.max(0, dy); y < Math.min(outH, h + dy); y++) {
      const row = set.images.subarray(
        src + (y - dy) * w + Math.max(0, -dx),
        src + (y - dy) * w + Math.min(w, outW - dx),
      );
      images.set(row, dst + y * outW + Math.max(0, dx));
    }
  }
  return { ...set, images, shape: [n, c, outH, outW] };
}
