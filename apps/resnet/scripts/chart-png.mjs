#!/usr/bin/env node
// One chart of a report page as a PNG, for documents that cannot embed the page's SVG (a
// Markdown file on a forge shows images, not an HTML report). The charts are the SVGs the
// report inlines; Chromium draws the chosen one and the screenshot is written atomically.
//
//   node apps/resnet/scripts/chart-png.mjs <report.html> <out.png> [chart index, default: last]
//
// Index 0 is the training loss per iteration, 1 the train and validation error per epoch.
import { readFileSync, renameSync } from 'node:fs';
import { withChromium } from '@funt/testing-chromium';

const [reportPath, outPath, indexText] = process.argv.slice(2);
if (!reportPath || !outPath) {
  console.error('usage: chart-png.mjs <report.html> <out.png> [chart index]');
  process.exit(2);
}
const charts = [...readFileSync(reportPath, 'utf8').matchAll(/<div class="chart">(<svg[\s\S]*?<\/svg>)<\/div>/g)].map(
  (m) => m[1],
);
if (!charts.length) {
  console.error(`chart-png: ${reportPath} has no chart`);
  process.exit(1);
}
const index = indexText === undefined ? charts.length - 1 : Number(indexText);
if (!Number.isInteger(index) || index < 0 || index >= charts.length) {
  console.error(`chart-png: chart index ${indexText} is out of range: ${reportPath} has ${charts.length} charts`);
  process.exit(2);
}
const svg = charts[index];
const width = Number(/width="(\d+)"/.exec(svg)?.[1] ?? 800);
const height = Number(/height="(\d+)"/.exec(svg)?.[1] ?? 300);
const tmp = `${outPath}.tmp-${process.pid}.png`;
await withChromium(
  async (context) => {
    const page = await context.newPage();
    await page.setContent(`<!doctype html><body style="margin:0;background:#fff">${svg}</body>`);
    await page.locator('svg').first().screenshot({ path: tmp });
  },
  { viewport: { width, height } },
);
renameSync(tmp, outPath);
console.log(`${outPath}: chart ${index} of ${reportPath} (${width}×${height})`);
