import type { RunData } from '../run/run-folder.js';
import { esc, pct } from './html.js';

/** Runs that repeat one configuration with different seeds, shown together with their mean. */
export interface RunGroup {
  name: string;
  /** The runs' names (as the report shows them). */
  runs: string[];
}

/** The values a means table shows for one run: last-epoch train and validation accuracy, test top-1, best epoch. */
function values(run: RunData): [number, number, number, number] {
  const epochs = run.history.epochs;
  const last = epochs.at(-1);
  let best = 0;
  for (const e of epochs) if (best === 0 || e.valAcc > epochs[best - 1].valAcc) best = e.epoch;
  return [last?.trainAcc ?? Number.NaN, last?.valAcc ?? Number.NaN, run.results?.top1 ?? Number.NaN, best];
}

/**
 * One row per group: the mean over its runs of each value, then the runs' own values, so a
 * difference between configurations can be read against the spread between seeds.
 */
export function meansTable(groups: RunGroup[], runs: RunData[]): string {
  const byName = new Map(runs.map((r) => [r.name, r]));
  const rows = groups.map((g) => {
    const vs = g.runs.flatMap((n) => {
      const r = byName.get(n);
      return r ? [values(r)] : [];
    });
    const cell = (k: number, show: (x: number) => string) => {
      const mean = vs.reduce((s, v) => s + v[k], 0) / vs.length;
      return `<td class="num"><b>${show(mean)}</b> <small>(${vs.map((v) => show(v[k])).join(', ')})</small></td>`;
    };
    return `<tr><td><b>${esc(g.name)}</b></td><td class="num">${vs.length}</td>${cell(0, (x) => pct(x))}${cell(1, (x) => pct(x))}${cell(2, (x) => pct(x))}${cell(3, (x) => x.toFixed(1))}</tr>`;
  });
  return `<div class="table-wrap"><table class="summary"><thead><tr><th>configuration</th><th class="num">seeds</th>
    <th class="num">final train acc</th><th class="num">final val acc</th><th class="num">test top-1</th><th class="num">best epoch</th></tr></thead>
    <tbody>${rows.join('')}</tbody></table></div><p class="note">Mean over the seeds, then each seed's value in brackets.</p>`;
}
