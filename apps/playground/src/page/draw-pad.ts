/**
 * The drawing canvas: white strokes on black, as MNIST's digits are, and the drawing as MNIST
 * prepared its digits (LeCun et al.): the ink's bounding box scaled to fit 20×20, then placed in
 * 28×28 so that its centre of mass is at the centre.
 */
export class DrawPad {
  private drawing = false;
  private last: { x: number; y: number } | null = null;
  private readonly ctx: CanvasRenderingContext2D;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    /** Called after every stroke segment (the caller throttles). */
    private readonly onChange: () => void,
  ) {
    this.ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.drawing = true;
      this.last = this.point(e);
      this.stroke(this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (this.drawing) this.stroke(this.point(e));
    });
    const end = () => {
      this.drawing = false;
      this.last = null;
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  clear(): void {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Whether anything is drawn. */
  isEmpty(): boolean {
    const { data } = this.ctx.getImageData(0, 0, this.canvas.width, this.canvas.height);
    for (let i = 0; i < data.length; i += 4) if (data[i] > 0) return false;
    return true;
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - r.left) * this.canvas.width) / r.width,
      y: ((e.clientY - r.top) * this.canvas.height) / r.height,
    };
  }

  private stroke(to: { x: number; y: number }): void {
    const { ctx } = this;
    const from = this.last ?? to;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = this.canvas.width / 14;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x + 0.01, to.y);
    ctx.stroke();
    this.last = to;
    this.onChange();
  }

  /** The drawing as a 28×28 MNIST digit, pixel values 0–255. */
  toDigit(): Float32Array {
    const { width, height } = this.canvas;
    const { data } = this.ctx.getImageData(0, 0, width, height);
    let top = height;
    let bottom = -1;
    let left = width;
    let right = -1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (data[(y * width + x) * 4] > 0) {
          top = Math.min(top, y);
          bottom = Math.max(bottom, y);
          left = Math.min(left, x);
          right = Math.max(right, x);
        }
      }
    }
    const digit = new Float32Array(28 * 28);
    if (bottom < 0) return digit;
    // The bounding box scaled to fit 20×20 (aspect kept), drawn with smoothing into a 20×20 cell.
    const boxW = right - left + 1;
    const boxH = bottom - top + 1;
    const scale = 20 / Math.max(boxW, boxH);
    const w = Math.max(1, Math.round(boxW * scale));
    const h = Math.max(1, Math.round(boxH * scale));
    const small = document.createElement('canvas');
    small.width = 20;
    small.height = 20;
    const sctx = small.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
    sctx.imageSmoothingQuality = 'high';
    sctx.drawImage(this.canvas, left, top, boxW, boxH, 0, 0, w, h);
    const cell = sctx.getImageData(0, 0, 20, 20).data;
    // Centre of mass of the ink, then the shift that puts it at (14, 14).
    let mass = 0;
    let cx = 0;
    let cy = 0;
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 20; x++) {
        const v = cell[(y * 20 + x) * 4];
        mass += v;
        cx += v * x;
        cy += v * y;
      }
    }
    const dx = Math.round(14 - cx / mass - 0.5);
    const dy = Math.round(14 - cy / mass - 0.5);
    for (let y = 0; y < 20; y++) {
      for (let x = 0; x < 20; x++) {
        const ty = y + dy;
        const tx = x + dx;
        if (ty >= 0 && ty < 28 && tx >= 0 && tx < 28) digit[ty * 28 + tx] = cell[(y * 20 + x) * 4];
      }
    }
    return digit;
  }
}
