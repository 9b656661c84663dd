import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/**
 * A live line chart (uPlot: small, fast, and made for appending points): x values and one or
 * more series, redrawn at most once per animation frame however often points arrive.
 */
export class LiveChart {
  private readonly plot: uPlot;
  private readonly data: number[][];
  private pending = false;

  constructor(
    element: HTMLElement,
    xLabel: string,
    series: { label: string; color: string }[],
    yRange?: [number, number],
  ) {
    this.data = [[], ...series.map(() => [])];
    this.plot = new uPlot(
      {
        width: 480,
        height: 240,
        scales: { x: { time: false }, y: yRange ? { range: yRange } : {} },
        axes: [{ label: xLabel }, {}],
        series: [
          { label: xLabel },
          ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: false } })),
        ],
      },
      this.data as uPlot.AlignedData,
      element,
    );
  }

  add(x: number, ys: number[]): void {
    this.data[0].push(x);
    ys.forEach((y, i) => this.data[i + 1].push(y));
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.plot.setData(this.data as uPlot.AlignedData);
    });
  }

  clear(): void {
    for (const d of this.data) d.length = 0;
    this.plot.setData(this.data as uPlot.AlignedData);
  }

  /** Points drawn so far (the tests read it). */
  get length(): number {
    return this.data[0].length;
  }
}
