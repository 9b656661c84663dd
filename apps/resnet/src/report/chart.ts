import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One curve of a chart. Curves of the same `group` share a colour; `curve` sets the dash. */
export interface Curve {
  /** Legend entry for the colour, e.g. the run's name. */
  group: string;
  /** Second legend for the dash pattern, e.g. 'train' / 'validation'; omit for solid lines. */
  curve?: string;
  /** Drawn thin and faint behind the others, e.g. the raw per-iteration loss under its average. */
  faint?: boolean;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/**
 * A line chart's titles and curves; width and height in pixels (default 760 × 240), a log y axis on
 * request, and at most `maxPoints` points per curve (default 1500).
 */
export interface LineChartOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  curves: Curve[];
  width?: number;
  height?: number;
  logY?: boolean;
  /** Ticks on whole numbers only (epochs). */
  integerX?: boolean;
  /** Curves longer than this are thinned to it (every k-th point), to keep the page small. */
  maxPoints?: number;
}

interface Row {
  x: number;
  y: number;
  group: string;
  curve: string;
  id: string;
  opacity: number;
  width: number;
}

/**
 * An axis of whole numbers: with few of them, a tick at each (Vega's own choice puts ticks at
 * halves that read as repeated labels once rounded); with many, Vega's ticks, at least 1 apart.
 */
function integerAxis(rows: Row[]): { format: string; tickMinStep: number; values?: number[] } {
  if (!rows.length) return { format: 'd', tickMinStep: 1 };
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    lo = Math.min(lo, r.x);
    hi = Math.max(hi, r.x);
  }
  const first = Math.ceil(lo);
  const count = Math.floor(hi) - first + 1;
  return count <= 20
    ? { format: 'd', tickMinStep: 1, values: Array.from({ length: count }, (_, i) => first + i) }
    : { format: 'd', tickMinStep: 1 };
}

/**
 * A line chart rendered to an SVG string at build time with Vega-Lite (compiled to Vega, drawn
 * headless by Vega's SVG renderer), so the report needs no script or network to show it.
 */
export async function lineChartSvg(options: LineChartOptions): Promise<string> {
  const maxPoints = options.maxPoints ?? 1500;
  const rows: Row[] = [];
  options.curves.forEach((c, ci) => {
    if (c.x.length !== c.y.length) {
      throw new RangeError(`lineChartSvg: curve '${c.group}' has ${c.x.length} x values and ${c.y.length} y values`);
    }
    const step = Math.max(1, Math.ceil(c.x.length / maxPoints));
    for (let i = 0; i < c.x.length; i += step) {
      const y = c.y[i];
      if (!Number.isFinite(y) || (options.logY && y <= 0)) continue;
      rows.push({
        x: c.x[i],
        y,
        group: c.group,
        curve: c.curve ?? '',
        id: `${ci}`,
        opacity: c.faint ? 0.25 : 1,
        width: c.faint ? 1 : 2,
      });
    }
  });
  const dashed = options.curves.some((c) => c.curve);
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: { text: options.title, anchor: 'start', fontSize: 14 },
    width: options.width ?? 760,
    height: options.height ?? 240,
    background: 'white',
    data: { values: rows },
    // Points mark the values when there are few (one epoch alone would draw no line at all).
    mark: {
      type: 'line',
      interpolate: 'linear',
      clip: true,
      point:
        rows.length > 0 &&
        rows.length <= 40 * Math.max(1, options.curves.length) &&
        options.curves.every((c) => c.x.length <= 40),
    },
    encoding: {
      x: {
        field: 'x',
        type: 'quantitative',
        title: options.xTitle,
        ...(options.integerX ? { axis: integerAxis(rows) } : {}),
      },
      y: {
        field: 'y',
        type: 'quantitative',
        title: options.yTitle,
        scale: options.logY ? { type: 'log' } : { zero: false },
      },
      color: { field: 'group', type: 'nominal', title: null, scale: { scheme: 'tableau10' } },
      ...(dashed ? { strokeDash: { field: 'curve', type: 'nominal', title: null } } : {}),
      detail: { field: 'id', type: 'nominal' },
      opacity: { field: 'opacity', type: 'quantitative', scale: null, legend: null },
      strokeWidth: { field: 'width', type: 'quantitative', scale: null, legend: null },
    },
    config: { font: 'system-ui, sans-serif', view: { stroke: '#ddd' }, legend: { orient: 'right', labelLimit: 280 } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
