import { describe, expect, it } from 'vitest';
import { lineChartSvg } from './chart.js';

describe('lineChartSvg', () => {
  it('draws every curve as a non-empty SVG path with titles and legend', async () => {
    const svg = await lineChartSvg({
      title: 'Error per epoch',
      xTitle: 'epoch',
      yTitle: 'error',
      curves: [
        { group: 'run-a', curve: 'train', x: [1, 2, 3], y: [0.5, 0.3, 0.2] },
        { group: 'run-a', curve: 'validation', x: [1, 2, 3], y: [0.6, 0.4, 0.3] },
        { group: 'run-b', curve: 'train', x: [1, 2, 3], y: [0.7, 0.2, 0.1] },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    const lines = [...svg.matchAll(/<path[^>]*class="[^"]*"?[^>]*d="(M[^"]+)"/g)].map((m) => m[1]);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    for (const t of ['Error per epoch', 'epoch', 'run-a', 'run-b', 'validation']) expect(svg).toContain(t);
  });

  it('thins long curves to maxPoints', async () => {
    const n = 10_000;
    const x = Float64Array.from({ length: n }, (_, i) => i);
    const y = Float64Array.from({ length: n }, (_, i) => 1 / (i + 1));
    const chart = (maxPoints: number) =>
      lineChartSvg({ title: 't', xTitle: 'x', yTitle: 'y', curves: [{ group: 'g', x, y }], maxPoints, logY: true });
    const small = await chart(100);
    const big = await chart(5000);
    // Vega writes a line as "M x,y L x,y L ..."; count the vertices of the longest path.
    const vertices = (svg: string) =>
      Math.max(...[...svg.matchAll(/d="(M[^"]+)"/g)].map((m) => m[1].split(/[ML]/).length - 1));
    expect(vertices(small)).toBeLessThanOrEqual(100);
    expect(vertices(small)).toBeGreaterThan(50);
    expect(vertices(big)).toBeGreaterThan(1000);
  });

  it('names the curve whose x and y lengths differ', async () => {
    await expect(
      lineChartSvg({ title: 't', xTitle: 'x', yTitle: 'y', curves: [{ group: 'bad', x: [1, 2], y: [1] }] }),
    ).rejects.toThrow(/curve 'bad' has 2 x values and 1 y values/);
  });
});

describe('an epoch axis', () => {
  it('labels each whole epoch once (no ticks at halves rounded to repeated labels)', async () => {
    const svg = await lineChartSvg({
      title: 't',
      xTitle: 'epoch',
      yTitle: 'error',
      integerX: true,
      curves: [{ group: 'run', curve: 'train', x: [1, 2, 3], y: [0.5, 0.3, 0.2] }],
    });
    const labels = [...svg.matchAll(/>(\d+)<\/text>/g)].map((m) => m[1]);
    expect(labels).toEqual(['1', '2', '3']);
  });
});
