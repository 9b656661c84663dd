/** Grey images, saliency maps and filters drawn on canvases. */

/** Draws side×side values into `canvas` (its size becomes side×side; CSS scales it up, pixelated). */
export function drawGrey(canvas: HTMLCanvasElement, values: ArrayLike<number>, side: number, lo = 0, hi = 255): void {
  canvas.width = side;
  canvas.height = side;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const image = ctx.createImageData(side, side);
  const range = hi - lo || 1;
  for (let i = 0; i < side * side; i++) {
    const v = Math.max(0, Math.min(255, Math.round((255 * (values[i] - lo)) / range)));
    image.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(image, 0, 0);
}

/** A saliency map in [0, 1] as a heat map (black → red → yellow → white). */
export function drawHeat(canvas: HTMLCanvasElement, values: ArrayLike<number>, side: number): void {
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const image = ctx.createImageData(side, side);
  for (let i = 0; i < side * side; i++) {
    const t = Math.max(0, Math.min(1, values[i]));
    image.data.set(
      [
        Math.round(255 * Math.min(1, 3 * t)),
        Math.round(255 * Math.min(1, Math.max(0, 3 * t - 1))),
        Math.round(255 * Math.max(0, 3 * t - 2)),
        255,
      ],
      i * 4,
    );
  }
  const tile = document.createElement('canvas');
  tile.width = side;
  tile.height = side;
  (tile.getContext('2d') as CanvasRenderingContext2D).putImageData(image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tile, 0, 0, canvas.width, canvas.height);
}

/** A captioned picture for a gallery. */
export function galleryItem(caption: string, draw: (canvas: HTMLCanvasElement) => void): HTMLElement {
  const figure = document.createElement('figure');
  const canvas = document.createElement('canvas');
  draw(canvas);
  const text = document.createElement('figcaption');
  text.textContent = caption;
  figure.append(canvas, text);
  return figure;
}
