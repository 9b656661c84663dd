import { blankImage, blit, type RgbaImage, upscale } from './rgba.js';

/**
 * Options of `imageGrid`: layout, enlargement (default 1), gap (default max(1, scale) pixels),
 * background (default white) and per-tile frames.
 */
export interface GridOptions {
  /** Pictures per row; default: a near-square layout. */
  columns?: number;
  /** Integer enlargement of every tile. */
  scale?: number;
  /** Pixels between tiles (after scaling). */
  gap?: number;
  background?: [number, number, number];
  /** Optional frame colour per tile (e.g. green for right, red for wrong), drawn in the gap. */
  frames?: ([number, number, number] | null)[];
}

/**
 * Tiles pictures of one size into a single picture (the seed's `visualize_grid`): batches of
 * training inputs, first-layer filters, misclassified images.
 */
export function imageGrid(tiles: RgbaImage[], options: GridOptions = {}): RgbaImage {
  if (tiles.length === 0) throw new RangeError('imageGrid: no pictures to tile');
  const { width: w0, height: h0 } = tiles[0];
  tiles.forEach((t, i) => {
    if (t.width !== w0 || t.height !== h0) {
      throw new RangeError(`imageGrid: every picture must be ${w0}x${h0}, picture ${i} is ${t.width}x${t.height}`);
    }
  });
  const scale = options.scale ?? 1;
  const gap = options.gap ?? Math.max(1, scale);
  const columns = Math.max(1, Math.min(tiles.length, options.columns ?? Math.ceil(Math.sqrt(tiles.length))));
  const rows = Math.ceil(tiles.length / columns);
  const w = w0 * scale;
  const h = h0 * scale;
  const out = blankImage(columns * (w + gap) + gap, rows * (h + gap) + gap, options.background ?? [255, 255, 255]);
  tiles.forEach((tile, i) => {
    const x = gap + (i % columns) * (w + gap);
    const y = gap + Math.floor(i / columns) * (h + gap);
    const frame = options.frames?.[i];
    if (frame && gap > 0) {
      blit(out, blankImage(w + 2 * gap, h + 2 * gap, frame), x - gap, y - gap);
    }
    blit(out, upscale(tile, scale), x, y);
  });
  return out;
}
