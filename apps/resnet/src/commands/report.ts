import { resolve } from 'node:path';
import { consoleLog, type Log } from '../log.js';
import { writeReport } from '../report/build.js';
import { RUN_FILES } from '../run/run-folder.js';

/**
 * Options of the report command: the page to write (default: report.html inside the run for one run,
 * ./report.html for several) and its title.
 */
export interface ReportCommandOptions {
  out?: string;
  title?: string;
}

/** report <runs...>: one page for one run (inside it by default) or several (./report.html). */
export async function report(runs: string[], o: ReportCommandOptions, log: Log = consoleLog): Promise<string> {
  const out = resolve(o.out ?? (runs.length === 1 ? resolve(runs[0], RUN_FILES.report) : 'report.html'));
  await writeReport(runs, out, { title: o.title });
  log(`report: ${out}`);
  return out;
}
