import { resolve } from 'node:path';
import { writeReport } from '../report/build.js';
import { RUN_FILES } from '../run/run-folder.js';
import { consoleLog, type Log } from './runtime.js';

/** report <runs...>: one page for one run (inside it by default) or several (./report.html). */
export async function report(
  runs: string[],
  o: { out?: string; title?: string },
  log: Log = consoleLog,
): Promise<string> {
  const out = resolve(o.out ?? (runs.length === 1 ? resolve(runs[0], RUN_FILES.report) : 'report.html'));
  await writeReport(runs, out, { title: o.title });
  log(`report: ${out}`);
  return out;
}
