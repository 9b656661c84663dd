import { rgb } from 'd3-color';
import { interpolateInferno, interpolateRdBu } from 'd3-scale-chromatic';

/**
 * Colour maps for one-channel pictures, as 256-entry lookup tables built once from d3's
 * perceptual scales: `gray` for images, `heat` (inferno) for saliency magnitudes, `diverging`
 * (red-white-blue, white at zero) for signed distortions.
 */
export type ColormapName = 'gray' | 'heat' | 'diverging';

const tables = new Map<ColormapName, Uint8Array>();

function buildTable(name: ColormapName): Uint8Array {
  const t = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const v = i / 255;
    let c: [number, number, number];
    if (name === 'gray') c = [i, i, i];
    else {
      // RdBu runs red→blue; reversed so that positive distortions are red.
      const col = rgb(name === 'heat' ? interpolateInferno(v) : interpolateRdBu(1 - v));
      c = [col.r, col.g, col.b];
    }
    t.set(
      c.map((x) => Math.round(x)),
      i * 3,
    );
  }
  return t;
}

/** RGB of `v` in [0, 1] (clamped) under the named map. */
export function colormapLookup(name: ColormapName): (v: number) => [number, number, number] {
  let t = tables.get(name);
  if (!t) {
    t = buildTable(name);
    tables.set(name, t);
  }
  const table = t;
  return (v: number) => {
    const i = Math.max(0, Math.min(255, Math.round((Number.isFinite(v) ? v : 0) * 255))) * 3;
    return [table[i], table[i + 1], table[i + 2]];
  };
}
