/**
 * The tables of BENCHMARKS.md, from the files the benchmarks write: bench-results/resnet.json
 * (this benchmark) and bench-results/tensor.json (@funt/tensor's kernel benchmark).
 * `node bench/dist/bench/run.js --markdown` prints them.
 */
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

export function resnetMarkdown(rows: ResultRow[]): string {
  const lines = [
    '| figure | threads | funt | PyTorch | funt/PyTorch | funt best | PyTorch best | funt/PyTorch per CPU-second | unit | funt kernels | note |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|',
  ];
  const keys = [...new Set(rows.map((r) => `${r.name}\u0000${r.threads}`))];
  for (const key of keys) {
    const [name, threads] = key.split('\u0000');
    const f = rows.find((r) => r.impl === 'funt' && r.name === name && String(r.threads) === threads);
    const t = rows.find((r) => r.impl === 'pytorch' && r.name === name && String(r.threads) === threads);
    const unit = (f ?? t)!.unit;
    const ratio = f?.ratioToPytorch === undefined ? '' : `**${f.ratioToPytorch.toFixed(2)}**`;
    lines.push(
      `| ${cell(name)} | ${threads} | ${num(f?.median)} | ${num(t?.median)} | ${ratio} | ${num(f?.best)} | ${num(t?.best)} | ${f?.cpuRatioToPytorch?.toFixed(2) ?? ''} | ${unit} | ${f?.kernels ? `\`${f.kernels}\`` : ''} | ${cell(f?.note ?? t?.note ?? '')} |`,
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
