/**
 * The tables of BENCHMARKS.md, from the files the benchmarks write: bench-results/resnet.json
 * (this benchmark) and bench-results/tensor.json (@funt/tensor's kernel benchmark).
 * `node bench/dist/bench/run.js --markdown` prints them.
 */
import type { Impl } from './measurement.js';
import type { ResultRow } from './results.js';

/** A row of bench-results/tensor.json (best and cpuMedian are newer fields). */
export interface TensorRow {
  name: string;
  backend: string;
  median: number;
  unit: string;
  best?: number;
  cpuMedian?: number;
}

function num(x: number | undefined): string {
  if (x === undefined) return '';
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/**
 * The ResNet table; where the native backend was measured, a second table gives its figures
 * next to funt on wasm, PyTorch and onnxruntime.
 */
export function resnetMarkdown(rows: ResultRow[]): string {
  const lines = [
    '| figure | threads | funt | PyTorch | onnxruntime | funt/PyTorch | funt/onnxruntime | funt best | PyTorch best | onnxruntime best | funt/PyTorch per CPU-second | unit | funt kernels | note |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|',
  ];
  const keys = [...new Set(rows.map((r) => `${r.name}\u0000${r.threads}`))];
  for (const key of keys) {
    const [name, threads] = key.split('\u0000');
    const of = (impl: Impl) => rows.find((r) => r.impl === impl && r.name === name && String(r.threads) === threads);
    const f = of('funt');
    const t = of('pytorch');
    const o = of('onnxruntime');
    const unit = (f ?? t ?? o)!.unit;
    const bold = (x: number | undefined) => (x === undefined ? '' : `**${x.toFixed(2)}**`);
    lines.push(
      `| ${cell(name)} | ${threads} | ${num(f?.median)} | ${num(t?.median)} | ${num(o?.median)} | ${bold(f?.ratioToPytorch)} | ${bold(f?.ratioToOnnxruntime)} | ${num(f?.best)} | ${num(t?.best)} | ${num(o?.best)} | ${f?.cpuRatioToPytorch?.toFixed(2) ?? ''} | ${unit} | ${f?.kernels ? `\`${f.kernels}\`` : ''} | ${cell(f?.note ?? t?.note ?? o?.note ?? '')} |`,
    );
  }
  const native = rows.filter((r) => r.impl === 'native');
  if (native.length === 0) return lines.join('\n');
  lines.push(
    '',
    '| figure | threads | native | funt (wasm) | PyTorch | onnxruntime | native/wasm | native/PyTorch | native/onnxruntime | native best | unit |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  );
  for (const n of native) {
    const of = (impl: Impl) => rows.find((r) => r.impl === impl && r.name === n.name && r.threads === n.threads);
    const bold = (x: number | undefined) => (x === undefined ? '' : `**${x.toFixed(2)}**`);
    lines.push(
      `| ${cell(n.name)} | ${n.threads} | ${num(n.median)} | ${num(of('funt')?.median)} | ${num(of('pytorch')?.median)} | ${num(of('onnxruntime')?.median)} | ${bold(n.ratioToWasm)} | ${bold(n.ratioToPytorch)} | ${bold(n.ratioToOnnxruntime)} | ${num(n.best)} | ${n.unit} |`,
    );
  }
  return lines.join('\n');
}

export function tensorMarkdown(rows: TensorRow[]): string {
  const lines = ['| case | backend | median | best | median over CPU time | unit |', '|---|---|---:|---:|---:|---|'];
  for (const r of rows)
    lines.push(
      `| ${cell(r.name)} | ${r.backend} | ${num(r.median)} | ${num(r.best)} | ${num(r.cpuMedian)} | ${r.unit} |`,
    );
  return lines.join('\n');
}
