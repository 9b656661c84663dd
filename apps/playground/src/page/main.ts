/**
 * The page: controls, charts and pictures. Everything that computes runs in the training
 * worker (src/worker/trainer.ts); this file sends it the visitor's actions and draws what it
 * reports. `document.body.dataset.state` says where the page is (starting, ready, training,
 * paused, finished), for the visitor's CSS and for the end-to-end tests.
 */
import figures from '../benchmark/node-figures.json';
import type { BenchmarkRow, FromWorker, ThreadInfo, ToWorker, TrainSettings } from '../protocol.js';
import { LiveChart } from './charts.js';
import { DrawPad } from './draw-pad.js';
import { download, readFile } from './files.js';
import { drawGrey, drawHeat, galleryItem } from './pictures.js';
import './style.css';

/** The same figures measured in Node by `pnpm bench` (bench/run.ts writes them). */
const nodeFigures = figures as { machine: string; rows: BenchmarkRow[] };

const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

type PageState = 'starting' | 'ready' | 'training' | 'paused' | 'finished';

const worker = new Worker(new URL('../worker/trainer.ts', import.meta.url), { type: 'module', name: 'funt-training' });
const send = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);

const lossChart = new LiveChart($('loss-chart'), 'iteration', [{ label: 'loss', color: '#d33' }]);
const accuracyChart = new LiveChart(
  $('accuracy-chart'),
  'epoch',
  [
    { label: 'train', color: '#3a7bd5' },
    { label: 'validation', color: '#2a9d3a' },
  ],
  [0, 1],
);
/** What the run reported so far, on `window.funtPlayground` for the end-to-end tests (and the console). */
const record = {
  losses: [] as number[],
  valAccuracies: [] as number[],
  /** Whether the top 3 shown is not yet the prediction of the drawing as it is now. */
  get predictionPending(): boolean {
    return predicting || (drawingChanged && hasModel && !pad.isEmpty());
  },
};
(window as unknown as { funtPlayground: typeof record }).funtPlayground = record;
let hasModel = false;
/** The current model, as the worker describes it. */
let modelDescription = '';
/** Epochs of the run in progress (for the epoch counter). */
let epochs = 0;
/** The settings the worker offered (the quickstart's); the form changes what the visitor changes. */
let defaults: TrainSettings | null = null;

function setState(state: PageState): void {
  document.body.dataset.state = state;
  const start = $<HTMLButtonElement>('start');
  start.disabled = state === 'starting';
  start.textContent = state === 'training' ? 'Pause' : state === 'paused' ? 'Resume' : 'Start';
  $<HTMLButtonElement>('stop').disabled = state !== 'training' && state !== 'paused';
  const idle = state === 'ready' || state === 'finished';
  for (const id of ['download-safetensors', 'download-onnx'])
    $<HTMLButtonElement>(id).disabled = !hasModel || state === 'training';
  $<HTMLButtonElement>('bench').disabled = !idle;
  $<HTMLInputElement>('load-file').disabled = !idle;
  for (const el of $<HTMLFormElement>('settings').elements) (el as HTMLInputElement).disabled = !idle;
}

function showError(message: string): void {
  const el = $('error');
  el.textContent = message;
  el.hidden = false;
  setTimeout(() => {
    el.hidden = true;
  }, 8000);
}

function options(
  select: HTMLSelectElement,
  values: number[],
  selected: number,
  label = (v: number) => String(v),
): void {
  select.replaceChildren(
    ...values.map((v) => {
      const o = document.createElement('option');
      o.value = String(v);
      o.textContent = label(v);
      o.selected = v === selected;
      return o;
    }),
  );
}

function showThreads(info: ThreadInfo): void {
  $('threads').textContent = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  $('stat-threads').textContent = String(info.threads);
  $('isolation').textContent = info.crossOriginIsolated
    ? 'The page is cross-origin isolated, so the kernels share memory with Web Workers.'
    : `One thread only: ${info.reason ?? 'this page is not cross-origin isolated.'}`;
}

function settings(): TrainSettings {
  const value = (id: string) => Number($<HTMLInputElement>(id).value);
  return {
    ...(defaults as TrainSettings),
    n: value('n'),
    filters: value('filters'),
    epochs: value('epochs'),
    batchSize: value('batch'),
    learningRate: value('lr'),
    threads: value('thread-count'),
  };
}

// ---- drawing ------------------------------------------------------------------------------

let predicting = false;
let drawingChanged = false;
const pad = new DrawPad($<HTMLCanvasElement>('pad'), () => {
  drawingChanged = true;
  requestPrediction();
});

/** One prediction in flight at a time; strokes drawn meanwhile are predicted when it returns. */
function requestPrediction(): void {
  if (predicting || !drawingChanged || !hasModel || pad.isEmpty()) return;
  predicting = true;
  drawingChanged = false;
  const pixels = pad.toDigit();
  send({ type: 'predict', pixels }, [pixels.buffer]);
}

$('clear').addEventListener('click', () => {
  pad.clear();
  $('top3').replaceChildren();
  drawHeat($<HTMLCanvasElement>('saliency'), new Float32Array(1), 1);
});

// ---- controls ------------------------------------------------------------------------------

$('start').addEventListener('click', () => {
  const state = document.body.dataset.state as PageState;
  if (state === 'training') return send({ type: 'pause' });
  if (state === 'paused') {
    setState('training');
    return send({ type: 'resume' });
  }
  const s = settings();
  epochs = s.epochs;
  lossChart.clear();
  accuracyChart.clear();
  record.losses.length = 0;
  record.valAccuracies.length = 0;
  setState('training');
  send({ type: 'train', settings: s });
});

$('stop').addEventListener('click', () => send({ type: 'stop' }));

$('download-safetensors').addEventListener('click', () => send({ type: 'export', format: 'safetensors' }));
$('download-onnx').addEventListener('click', () => send({ type: 'export', format: 'onnx' }));

$<HTMLInputElement>('load-file').addEventListener('change', async (e) => {
  const file = (e.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const bytes = await readFile(file);
  $('model-status').textContent = `Loading ${file.name}…`;
  send({ type: 'load', name: file.name, bytes }, [bytes.buffer]);
});

$('bench').addEventListener('click', () => {
  setState('training');
  $('bench-note').textContent = 'Running… (about a minute)';
  send({ type: 'benchmark', rounds: 3 });
});

// ---- what the worker reports ------------------------------------------------------------------

const formatRate = (v: number) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '–');

function showBenchmark(rows: BenchmarkRow[]): void {
  const node = (pass: string, threads: number) =>
    nodeFigures.rows.find((r) => r.pass === pass && r.threads === threads)?.imagesPerSecond ?? Number.NaN;
  $('bench-table')
    .querySelector('tbody')
    ?.replaceChildren(
      ...rows.map((r) => {
        const tr = document.createElement('tr');
        for (const v of [
          r.pass,
          String(r.threads),
          formatRate(r.imagesPerSecond),
          formatRate(node(r.pass, r.threads)),
        ]) {
          const td = document.createElement('td');
          td.textContent = v;
          tr.append(td);
        }
        return tr;
      }),
    );
  $('bench-note').textContent = `Node: ${nodeFigures.machine} (\`pnpm bench\`, BENCHMARKS.md).`;
}

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  switch (m.type) {
    case 'ready': {
      defaults = m.defaults;
      showSettings(m.defaults);
      showThreads(m);
      const counts = Array.from({ length: m.maxThreads }, (_, i) => i + 1);
      options($<HTMLSelectElement>('thread-count'), counts, m.maxThreads);
      $('model-line').textContent =
        `${m.digits.toLocaleString('en-US')} digits loaded. Choose a network and press Start.`;
      setState('ready');
      return;
    }
    case 'started':
      showThreads(m);
      modelDescription = m.description;
      $('model-line').textContent = `Training ${m.description}: ${m.iterationsPerEpoch} iterations per epoch.`;
      return;
    case 'iteration':
      hasModel = true;
      lossChart.add(m.iteration, [m.loss]);
      record.losses.push(m.loss);
      $('stat-epoch').textContent = `${m.epoch + 1} / ${epochs}`;
      $('stat-iteration').textContent = String(m.iteration);
      $('stat-loss').textContent = m.loss.toFixed(3);
      $('stat-speed').textContent = formatRate(m.imagesPerSecond);
      $('stat-time').textContent = `${m.seconds.toFixed(0)} s`;
      requestPrediction();
      return;
    case 'epoch':
      accuracyChart.add(m.epoch, [m.trainAccuracy, m.valAccuracy]);
      record.valAccuracies.push(m.valAccuracy);
      return;
    case 'paused':
      setState('paused');
      return;
    case 'finished': {
      $('model-line').textContent = `Trained ${modelDescription}. Draw a digit below.`;
      $('test-accuracy').textContent =
        `Test accuracy ${(100 * m.testAccuracy).toFixed(2)}% on 1,000 held-out digits (training ${m.status}).`;
      $('misclassified').replaceChildren(
        ...m.misclassified.map((d) =>
          galleryItem(`${d.label} → ${d.predicted}`, (c) => drawGrey(c, d.pixels, Math.sqrt(d.pixels.length))),
        ),
      );
      const { weights, count, size } = m.filters;
      $('filters-grid').replaceChildren(
        ...Array.from({ length: count }, (_, f) => {
          const w = weights.subarray(f * size * size, (f + 1) * size * size);
          const lo = Math.min(...w);
          const hi = Math.max(...w);
          return galleryItem(String(f + 1), (c) => drawGrey(c, w, size, lo, hi));
        }),
      );
      setState('finished');
      drawingChanged = true;
      requestPrediction();
      return;
    }
    case 'prediction': {
      predicting = false;
      $('top3').replaceChildren(
        ...m.top.map((t) => {
          const li = document.createElement('li');
          const bar = document.createElement('span');
          bar.className = 'bar';
          bar.style.width = `${Math.round(150 * t.probability)}px`;
          li.textContent = `${t.label}  ${(100 * t.probability).toFixed(1)}%`;
          li.append(bar);
          return li;
        }),
      );
      drawHeat($<HTMLCanvasElement>('saliency'), m.saliency, m.side);
      requestPrediction();
      return;
    }
    case 'model':
      download(m.bytes, m.fileName);
      return;
    case 'loaded':
      hasModel = true;
      modelDescription = m.description;
      $('model-status').textContent = `Loaded ${m.description}: test accuracy ${(100 * m.testAccuracy).toFixed(2)}%.`;
      $('model-line').textContent = `Loaded ${m.description}. Draw a digit below.`;
      setState('finished');
      drawingChanged = true;
      requestPrediction();
      return;
    case 'benchmark':
      showBenchmark(m.rows);
      setState(hasModel ? 'finished' : 'ready');
      return;
    case 'error':
      predicting = false;
      showError(m.message);
      // A failed start leaves the page starting (the message says why); a failed run ends it.
      if (document.body.dataset.state === 'training') setState(hasModel ? 'finished' : 'ready');
      return;
  }
};

worker.onerror = (e) => showError(`the training worker failed: ${e.message}`);

/** Fills the form with `s`. */
function showSettings(s: TrainSettings): void {
  options($<HTMLSelectElement>('n'), [1, 2, 3, 5, 7, 9], s.n, (n) => `${n} (ResNet-${6 * n + 2})`);
  options($<HTMLSelectElement>('filters'), [4, 8, 16, 32], s.filters);
  options($<HTMLSelectElement>('batch'), [32, 64, 128], s.batchSize);
  $<HTMLInputElement>('epochs').value = String(s.epochs);
  $<HTMLInputElement>('lr').value = String(s.learningRate);
}

setState('starting');
send({ type: 'init', baseUrl: document.baseURI });
