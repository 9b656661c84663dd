import { mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { writeFileAtomic } from '@funt/tensor';
import { pngDataUri } from '../images/png.js';
import { type Figure, figureFile, type RunData, readRun } from '../run/run-folder.js';
import { lineChartSvg } from './chart.js';
import { esc, pct, REPORT_CSS } from './html.js';
import { meansTable, type RunGroup } from './means.js';
import { movingAverage } from './moving-average.js';

/**
 * Options of `renderReport` and `writeReport`: the title (default: from the runs), an introduction,
 * and the window of the loss moving average (default 50 iterations).
 */
export interface ReportOptions {
  title?: string;
  /** A paragraph under the title, e.g. what an experiment compares. */
  description?: string;
  /** Window of the loss moving average, in iterations. */
  smoothing?: number;
  /** Runs that repeat one configuration with other seeds: a table of their means opens the page. */
  groups?: RunGroup[];
  /**
   * A run still in progress: this line is shown under the title (e.g. "epoch 3 of 160") and
   * the page reloads itself every 30 seconds; without it the page is a finished report.
   */
  inProgress?: string;
}

function cfg(run: RunData, key: string): unknown {
  return run.config[key];
}

function modelLabel(run: RunData): string {
  const m = cfg(run, 'model') as { n?: number; filters?: number; skip?: boolean; layers?: number } | undefined;
  if (!m) return '–';
  return `${m.skip === false ? 'plain' : 'ResNet'}-${m.layers ?? 6 * (m.n ?? 0) + 2} (n=${m.n}, F=${m.filters})`;
}

/** The backend the run trained on, as the training log named it (e.g. "native (avx512), 2 threads"). */
function backendLabel(run: RunData): string | null {
  const r = cfg(run, 'runtime') as { backend?: string } | undefined;
  return r?.backend ? `backend ${r.backend}` : null;
}

function bestVal(run: RunData): number | undefined {
  const e = run.history.epochs;
  return e.length ? Math.max(...e.map((r) => r.valAcc)) : undefined;
}

/** Wall-clock training time: the epochs' durations (accuracy checks included). */
function totalSeconds(run: RunData): number {
  return run.history.epochs.reduce((s, e) => s + e.seconds, 0);
}

function duration(seconds: number): string {
  return seconds < 90
    ? `${seconds.toFixed(0)} s`
    : seconds < 5400
      ? `${(seconds / 60).toFixed(1)} min`
      : `${(seconds / 3600).toFixed(1)} h`;
}

function summaryTable(runs: RunData[]): string {
  const rows = runs.map((r) => {
    const last = r.history.epochs.at(-1);
    const data = cfg(r, 'data') as { dataset?: string; train?: number } | undefined;
    return `<tr><td><b>${esc(r.name)}</b></td><td>${esc(modelLabel(r))}</td><td>${esc(data?.dataset ?? '–')}</td>
      <td class="num">${esc(data?.train ?? '–')}</td><td class="num">${esc(last?.epoch ?? 0)}</td>
      <td class="num">${pct(last?.trainAcc)}</td><td class="num">${pct(bestVal(r))}</td>
      <td class="num"><b>${pct(r.results?.top1)}</b></td><td class="num">${pct(r.results?.top5)}</td>
      <td class="num">${last ? duration(totalSeconds(r)) : '–'}</td></tr>`;
  });
  return `<div class="table-wrap"><table class="summary"><thead><tr><th>run</th><th>model</th><th>data set</th><th class="num">train images</th>
    <th class="num">epochs</th><th class="num">train acc</th><th class="num">best val acc</th><th class="num">test top-1</th>
    <th class="num">test top-5</th><th class="num">time</th></tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

async function charts(runs: RunData[], smoothing: number): Promise<string> {
  const withIters = runs.filter((r) => r.history.iterations.length > 0);
  const withEpochs = runs.filter((r) => r.history.epochs.length > 0);
  const parts: string[] = [];
  if (withIters.length) {
    const curves = withIters.flatMap((r) => {
      const x = r.history.iterations.map((i) => i.iteration);
      const y = r.history.iterations.map((i) => i.loss);
      const w = Math.max(1, Math.min(smoothing, Math.ceil(y.length / 10)));
      return [
        { group: r.name, faint: true, x, y },
        { group: r.name, x, y: movingAverage(y, w) },
      ];
    });
    parts.push(
      await lineChartSvg({
        title: 'Training loss per iteration (faint: raw, solid: moving average)',
        xTitle: 'iteration',
        yTitle: 'loss',
        curves,
        logY: true,
        integerX: true,
      }),
    );
  }
  if (withEpochs.length) {
    const curves = withEpochs.flatMap((r) => {
      const x = r.history.epochs.map((e) => e.epoch);
      return [
        // The dash legend's symbols are points, so the labels say which line is which.
        { group: r.name, curve: 'train (solid)', x, y: r.history.epochs.map((e) => 1 - e.trainAcc) },
        { group: r.name, curve: 'validation (dashed)', x, y: r.history.epochs.map((e) => 1 - e.valAcc) },
      ];
    });
    parts.push(
      await lineChartSvg({
        title: 'Train and validation error per epoch',
        xTitle: 'epoch',
        yTitle: 'error',
        curves,
        integerX: true,
      }),
    );
  }
  if (!parts.length) return '<p class="note">No training history in these runs (evaluation only).</p>';
  return `<div class="charts">${parts.map((svg) => `<div class="chart">${svg}</div>`).join('')}</div>`;
}

function confusionTable(results: NonNullable<RunData['results']>): string {
  const names = results.classNames;
  const max = Math.max(1, ...results.confusion.flatMap((row, i) => row.filter((_, j) => j !== i)));
  const head = `<tr><th title="true \\ predicted">t\\p</th>${names.map((n) => `<th>${esc(n)}</th>`).join('')}<th>acc</th></tr>`;
  const body = results.confusion
    .map((row, i) => {
      const total = row.reduce((a, b) => a + b, 0) || 1;
      const cells = row
        .map((v, j) => {
          // Diagonal in blue by share of the class, errors in red by their count against the worst error.
          const bg =
            i === j
              ? `rgba(58,111,216,${(0.12 + 0.6 * (v / total)).toFixed(2)})`
              : v
                ? `rgba(210,69,59,${(0.1 + 0.7 * (v / max)).toFixed(2)})`
                : '#f6f7fb';
          return `<td class="${i === j ? 'diag' : ''}" style="background:${bg}">${esc(v || '')}</td>`;
        })
        .join('');
      return `<tr><th>${esc(names[i])}</th>${cells}<td>${pct(results.perClassAccuracy[i], 1)}</td></tr>`;
    })
    .join('');
  return `<table class="confusion">${head}${body}</table>`;
}

function figureHtml(run: RunData, fig: Figure): string {
  const img = (item: Figure['items'][number], cls = '') => {
    const src = pngDataUri(readFileSync(figureFile(run.dir, item.file)));
    return `<figure class="${cls} ${esc(item.tone ?? '')}"><img src="${src}" alt="${esc(item.caption ?? fig.title)}">${
      item.caption ? `<figcaption>${esc(item.caption)}</figcaption>` : ''
    }</figure>`;
  };
  let body: string;
  if (fig.layout === 'single') body = fig.items.map((i) => img(i, 'single')).join('');
  else if (fig.layout === 'rows') {
    const k = fig.rowLength ?? 3;
    const rows: string[] = [];
    for (let i = 0; i < fig.items.length; i += k)
      rows.push(
        `<div class="row">${fig.items
          .slice(i, i + k)
          .map((it) => img(it))
          .join('')}</div>`,
      );
    body = `<div class="rows">${rows.join('')}</div>`;
  } else body = `<div class="gallery">${fig.items.map((i) => img(i)).join('')}</div>`;
  return `<h3>${esc(fig.title)}</h3>${fig.description ? `<p class="note">${esc(fig.description)}</p>` : ''}${fig.items.length ? body : ''}`;
}

/** One run's results and pictures; in a comparison each run folds away (click to open). */
function runSection(run: RunData, folded: boolean): string {
  const r = run.results;
  const kpis = r
    ? `<div class="kpis"><div class="kpi"><b>${pct(r.top1)}</b><span>test top-1 (${esc(r.count)} images)</span></div>
       <div class="kpi"><b>${pct(r.top5)}</b><span>test top-5</span></div>
       <div class="kpi"><b>${pct(bestVal(run))}</b><span>best validation accuracy</span></div></div>`
    : '';
  const conf = r ? `<h3>Confusion matrix and per-class accuracy (${esc(r.split)})</h3>${confusionTable(r)}` : '';
  const figs = run.figures.map((f) => figureHtml(run, f)).join('');
  const config = `<details><summary>configuration</summary><pre>${esc(JSON.stringify(run.config, null, 2))}</pre></details>`;
  const backend = backendLabel(run);
  const title = `<h2>${esc(run.name)} <small style="color:var(--muted);font-weight:400">${esc(modelLabel(run))}${
    backend ? ` · ${esc(backend)}` : ''
  }${folded && r ? ` · test top-1 ${pct(r.top1)}` : ''}</small></h2>`;
  const body = `${kpis}${conf}${figs}${config}`;
  return folded
    ? `<details class="card run" id="run-${esc(run.name)}"><summary>${title}</summary>${body}</details>`
    : `<section class="card run" id="run-${esc(run.name)}">${title}${body}</section>`;
}

/** The report page for one or more runs (several runs share each chart). */
export async function renderReport(runs: RunData[], options: ReportOptions = {}): Promise<string> {
  if (runs.length === 0) throw new Error('report: no run folders given');
  const title = options.title ?? (runs.length === 1 ? `Run ${runs[0].name}` : `Comparison of ${runs.length} runs`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${options.inProgress === undefined ? '' : '<meta http-equiv="refresh" content="30">'}<title>${esc(title)} · funt ResNet report</title><style>${REPORT_CSS}</style></head>
<body><header><h1>${esc(title)}</h1><p>${esc(options.description ?? 'Deep residual networks trained with funt on the CPU.')}</p>${
    options.inProgress === undefined
      ? ''
      : `<p class="in-progress"><b>In progress:</b> ${esc(options.inProgress)}. This page is rewritten after every epoch and reloads itself.</p>`
  }</header>
<main>
${options.groups?.length ? `<section class="card"><h2>Means over seeds</h2>${meansTable(options.groups, runs)}</section>` : ''}
<section class="card"><h2>Summary</h2>${summaryTable(runs)}</section>
<section class="card"><h2>Training curves</h2>${await charts(runs, options.smoothing ?? 50)}</section>
${runs.map((r) => runSection(r, runs.length > 1)).join('\n')}
</main><footer>Generated by funt-resnet on ${esc(new Date().toISOString())} from ${runs.map((r) => esc(r.dir)).join(', ')}</footer>
</body></html>
`;
}

/**
 * Reads the run folders and writes the report to `outFile`; returns its path. The file is
 * replaced whole (written beside it, then renamed), so a browser refreshing it during a run
 * never reads half a page.
 */
export async function writeReport(runDirs: string[], outFile: string, options: ReportOptions = {}): Promise<string> {
  const runs = runDirs.map(readRun);
  const html = await renderReport(runs, options);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileAtomic(outFile, [new TextEncoder().encode(html)]);
  return outFile;
}
